package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → orchestrator: a card now lives in another message than the orchestrator knows. A gateway sends it when
 * it had to post a fresh card because the old one could no longer be updated (recalled, too old, entity expired).
 * The first post of a card is bound by the {@link RenderAck} of its render, not by this. Later renders of the card
 * (task_id, or project_id alone for a workspace card) patch the new message and go to {@code gatewayId}.
 */
public record CardBound(String platform, String chatId, String messageId, String taskId, String projectId,
    String gatewayId) {
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("platform", platform).put("chat_id", chatId).put("message_id", messageId);
    Jsons.putIf(j, "task_id", taskId);
    Jsons.putIf(j, "gateway_id", gatewayId);
    return Jsons.putIf(j, "project_id", projectId);
  }

  public static CardBound fromJson(JsonObject j) {
    return new CardBound(Jsons.required(j, "platform"), j.getString("chat_id"), Jsons.required(j, "message_id"),
        j.getString("task_id"), j.getString("project_id"), j.getString("gateway_id"));
  }
}
