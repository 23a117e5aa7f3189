package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: run one turn of {@code backend} for a task.
 *
 * @param sessionId the agent session to continue, or null for a new one
 * @param workdir the effective working dir, already checked against the runner's roots
 * @param settings the backend's settings from the workspace (model, sandbox, timeout_seconds, ...)
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record StartTask(@JsonProperty(required = true) String taskId, String projectId,
    @JsonProperty(required = true) String backend, @JsonSetter(nulls = Nulls.AS_EMPTY) String prompt, String workdir,
    String sessionId, JsonObject settings) {
  public StartTask {
    settings = settings == null ? new JsonObject() : settings;
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static StartTask fromJson(JsonObject j) { return Records.fromJson(j, StartTask.class); }
}
