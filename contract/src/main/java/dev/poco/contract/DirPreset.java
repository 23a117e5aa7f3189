package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** A named working directory saved for a project. */
public record DirPreset(String projectId, String label, String path) {
  public JsonObject toJson() {
    return new JsonObject().put("project_id", projectId).put("label", label).put("path", path);
  }

  public static DirPreset fromJson(JsonObject j) {
    return new DirPreset(j.getString("project_id"), j.getString("label"), Jsons.required(j, "path"));
  }
}
