package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** A project's chat on one platform (its Feishu group, Slack channel or demo chat) and the message showing its workspace card. */
public record ChatBinding(String platform, String chatId, String projectId, String workspaceMessageId) {
  public JsonObject toJson() {
    return new JsonObject().put("platform", platform).put("chat_id", chatId).put("project_id", projectId)
        .put("workspace_message_id", workspaceMessageId);
  }

  public static ChatBinding fromJson(JsonObject j) {
    return new ChatBinding(Jsons.required(j, "platform"), Jsons.required(j, "chat_id"), j.getString("project_id"),
        j.getString("workspace_message_id"));
  }
}
