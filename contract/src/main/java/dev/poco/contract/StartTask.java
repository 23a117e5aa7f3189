package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: run one turn of {@code backend} for a task.
 *
 * @param sessionId the agent session to continue, or null for a new one
 * @param workdir the effective working dir, already checked against the runner's roots
 * @param settings the backend's settings from the workspace (model, sandbox, timeout_seconds, ...)
 */
public record StartTask(String taskId, String projectId, String backend, String prompt, String workdir,
    String sessionId, JsonObject settings) {
  public StartTask {
    settings = settings == null ? new JsonObject() : settings;
  }

  public JsonObject toJson() {
    return new JsonObject().put("task_id", taskId).put("project_id", projectId).put("backend", backend)
        .put("prompt", prompt).put("workdir", workdir).put("session_id", sessionId).put("settings", settings);
  }

  public static StartTask fromJson(JsonObject j) {
    return new StartTask(Jsons.required(j, "task_id"), j.getString("project_id"), Jsons.required(j, "backend"),
        j.getString("prompt", ""), j.getString("workdir"), j.getString("session_id"), j.getJsonObject("settings"));
  }
}
