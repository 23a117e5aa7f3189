package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/** A project's chat on one platform (its Feishu group, Slack channel or demo chat) and the message showing its workspace card. */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record ChatBinding(@JsonProperty(required = true) String platform, @JsonProperty(required = true) String chatId,
    String projectId, String workspaceMessageId) {
  public JsonObject toJson() { return Records.toJson(this); }

  public static ChatBinding fromJson(JsonObject j) { return Records.fromJson(j, ChatBinding.class); }
}
