package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * A project's workspace context: where its agent works and which agent it is.
 *
 * @param workdir the chosen working directory, or null for the backend's default
 * @param workdirSource how it was chosen: default, manual, preset, recent, browse
 * @param settings the backend's settings (model, sandbox, ...), keys as the backend declares them
 */
public record Workspace(String projectId, String workdir, String workdirSource, String backend, JsonObject settings) {
  public Workspace {
    settings = settings == null ? new JsonObject() : settings;
    if (workdirSource == null) workdirSource = "default";
  }

  public Workspace withWorkdir(String dir, String source) {
    return new Workspace(projectId, dir, source, backend, settings);
  }

  public Workspace withBackend(String b, JsonObject s) { return new Workspace(projectId, workdir, workdirSource, b, s); }

  public JsonObject toJson() {
    return new JsonObject().put("project_id", projectId).put("workdir", workdir).put("workdir_source", workdirSource)
        .put("backend", backend).put("settings", settings);
  }

  public static Workspace fromJson(JsonObject j) {
    return new Workspace(j.getString("project_id"), j.getString("workdir"), j.getString("workdir_source"),
        j.getString("backend"), j.getJsonObject("settings"));
  }
}
