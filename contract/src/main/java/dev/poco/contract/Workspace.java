package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;

/**
 * A project's workspace context: where its agent works and which agent it is.
 *
 * @param workdir the chosen working directory, or null for the backend's default
 * @param workdirSource how it was chosen: default, manual, preset, recent, browse
 * @param settings the backend's settings (model, sandbox, ...), keys as the backend declares them
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record Workspace(String projectId, String workdir, String workdirSource, String backend, JsonObject settings) {
  public Workspace {
    settings = settings == null ? new JsonObject() : settings;
    if (workdirSource == null) workdirSource = "default";
  }

  public Workspace withWorkdir(String dir, String source) {
    return new Workspace(projectId, dir, source, backend, settings);
  }

  public Workspace withBackend(String b, JsonObject s) { return new Workspace(projectId, workdir, workdirSource, b, s); }

  public JsonObject toJson() { return Records.toJson(this); }

  public static Workspace fromJson(JsonObject j) { return Records.fromJson(j, Workspace.class); }
}
