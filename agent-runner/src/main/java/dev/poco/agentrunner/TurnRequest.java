package dev.poco.agentrunner;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One turn to run.
 *
 * @param workdir the real path, already checked against the runner's roots
 * @param sessionId the agent session to continue, or null for a new one
 * @param settings the workspace's settings for this backend (model, sandbox, ...)
 */
public record TurnRequest(String taskId, String projectId, String prompt, Path workdir, String sessionId,
    JsonObject settings) {
  public TurnRequest {
    prompt = prompt == null ? "" : prompt;
    settings = settings == null ? new JsonObject() : settings;
  }
}
