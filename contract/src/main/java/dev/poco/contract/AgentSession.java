package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * The agent's own conversation id for a project (Codex thread, Claude session, ...), with the
 * working dir and runner it lives in: resuming needs both.
 */
public record AgentSession(String projectId, String backend, String sessionId, String workdir, String runnerId,
    long updatedAt) {
  public JsonObject toJson() {
    return new JsonObject().put("project_id", projectId).put("backend", backend).put("session_id", sessionId)
        .put("workdir", workdir).put("runner_id", runnerId).put("updated_at", Jsons.time(updatedAt));
  }

  public static AgentSession fromJson(JsonObject j) {
    return new AgentSession(Jsons.required(j, "project_id"), Jsons.required(j, "backend"),
        Jsons.required(j, "session_id"), j.getString("workdir"), j.getString("runner_id"), Jsons.time(j, "updated_at"));
  }
}
