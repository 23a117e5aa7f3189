package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** Gateway → orchestrator: this message now shows the card of a task (task_id) or a project's workspace (project_id only). */
public record CardBound(String platform, String chatId, String messageId, String taskId, String projectId) {
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("platform", platform).put("chat_id", chatId).put("message_id", messageId);
    Jsons.putIf(j, "task_id", taskId);
    return Jsons.putIf(j, "project_id", projectId);
  }

  public static CardBound fromJson(JsonObject j) {
    return new CardBound(Jsons.required(j, "platform"), j.getString("chat_id"), Jsons.required(j, "message_id"),
        j.getString("task_id"), j.getString("project_id"));
  }
}
