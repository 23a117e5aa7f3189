package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → gateway: show a view in a chat. With a {@code messageId} the gateway patches that
 * message; without one it posts a new message and reports its id with {@link CardBound}. The gateway
 * paces updates per message to what its platform allows and may drop intermediate ones, never a
 * {@code last} one.
 *
 * @param last the task reached a state that must be shown (waiting, terminal)
 */
public record RenderRequest(ReplyTarget target, String messageId, View view, String taskId, String projectId,
    boolean last) {
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("target", target.toJson()).put("view", view.toJson()).put("last", last);
    Jsons.putIf(j, "message_id", messageId);
    Jsons.putIf(j, "task_id", taskId);
    return Jsons.putIf(j, "project_id", projectId);
  }

  public static RenderRequest fromJson(JsonObject j) {
    return new RenderRequest(ReplyTarget.fromJson(Jsons.requiredObj(j, "target")), j.getString("message_id"),
        View.fromJson(Jsons.requiredObj(j, "view")), j.getString("task_id"), j.getString("project_id"),
        Jsons.bool(j, "last", false));
  }
}
