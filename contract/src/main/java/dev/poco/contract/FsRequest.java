package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: look at a directory on the runner's own disk.
 *
 * @param op {@link #LIST} (resolve and list subfolders) or {@link #RESOLVE} (resolve only)
 * @param path absolute, or "~/..." for the runner's home; null means the first root
 */
public record FsRequest(String op, String path) {
  public static final String LIST = "list";
  public static final String RESOLVE = "resolve";

  public JsonObject toJson() { return new JsonObject().put("op", op).put("path", path); }

  public static FsRequest fromJson(JsonObject j) { return new FsRequest(j.getString("op", LIST), j.getString("path")); }
}
