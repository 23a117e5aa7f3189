package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** Where a reply goes: the platform, the chat (group, channel or DM) and, on Slack, the thread. */
public record ReplyTarget(String platform, String chatId, String threadId) {
  public JsonObject toJson() {
    return Jsons.putIf(new JsonObject().put("platform", platform).put("chat_id", chatId), "thread_id", threadId);
  }

  public static ReplyTarget fromJson(JsonObject j) {
    return new ReplyTarget(j.getString("platform"), j.getString("chat_id"), j.getString("thread_id"));
  }
}
