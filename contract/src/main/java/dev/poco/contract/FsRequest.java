package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: look at a directory on the runner's own disk.
 *
 * @param op {@link #LIST} (resolve and list subfolders) or {@link #RESOLVE} (resolve only)
 * @param path absolute, or "~/..." for the runner's home; null means the first root
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record FsRequest(@JsonProperty(defaultValue = FsRequest.LIST) String op, String path) {
  public static final String LIST = "list";
  public static final String RESOLVE = "resolve";

  public JsonObject toJson() { return Records.toJson(this); }

  public static FsRequest fromJson(JsonObject j) { return Records.fromJson(j, FsRequest.class); }
}
