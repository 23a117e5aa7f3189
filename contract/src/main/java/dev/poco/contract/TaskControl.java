package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: act on a running turn.
 *
 * @param action one of {@link #APPROVE}, {@link #APPROVE_SESSION}, {@link #REJECT}, {@link #CANCEL}, {@link #STEER}
 * @param text the steering message for {@link #STEER}
 */
public record TaskControl(String taskId, String action, String text) {
  public static final String APPROVE = "approve";
  public static final String APPROVE_SESSION = "approve_session";
  public static final String REJECT = "reject";
  public static final String CANCEL = "cancel";
  public static final String STEER = "steer";

  public JsonObject toJson() {
    return Jsons.putIf(new JsonObject().put("task_id", taskId).put("action", action), "text", text);
  }

  public static TaskControl fromJson(JsonObject j) {
    return new TaskControl(Jsons.required(j, "task_id"), Jsons.required(j, "action"), j.getString("text"));
  }
}
