package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * The orchestrator's answer to an inbound message or a card intent: the view to show in place
 * (or to post as the reply), the task it created if any, and an optional short toast.
 */
public record Reply(View view, String taskId, String toast) {
  public static Reply of(View view) { return new Reply(view, null, null); }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("view", view.toJson());
    Jsons.putIf(j, "task_id", taskId);
    return Jsons.putIf(j, "toast", toast);
  }

  public static Reply fromJson(JsonObject j) {
    return new Reply(View.fromJson(Jsons.requiredObj(j, "view")), j.getString("task_id"), j.getString("toast"));
  }
}
