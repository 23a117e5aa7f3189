package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Runner → orchestrator: a directory resolved (symlinks followed) under one of the runner's roots.
 *
 * @param parent the parent folder when it is still inside a root, else null
 * @param folders the names of its subfolders, sorted, hidden ones left out
 * @param truncated true when there were more folders than listed
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record FsListing(String path, String parent, List<String> folders, boolean truncated, List<String> roots) {
  public FsListing {
    folders = folders == null ? List.of() : List.copyOf(folders);
    roots = roots == null ? List.of() : List.copyOf(roots);
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static FsListing fromJson(JsonObject j) { return Records.fromJson(j, FsListing.class); }
}
