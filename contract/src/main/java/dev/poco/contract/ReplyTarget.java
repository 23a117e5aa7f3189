package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;

/** Where a reply goes: the platform, the chat (group, channel or DM) and, on Slack, the thread. */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record ReplyTarget(String platform, String chatId, @JsonInclude(JsonInclude.Include.NON_NULL) String threadId) {
  public JsonObject toJson() { return Records.toJson(this); }

  public static ReplyTarget fromJson(JsonObject j) { return Records.fromJson(j, ReplyTarget.class); }
}
