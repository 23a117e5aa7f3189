package dev.poco.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Runner → orchestrator: a directory resolved (symlinks followed) under one of the runner's roots.
 *
 * @param parent the parent folder when it is still inside a root, else null
 * @param folders the names of its subfolders, sorted, hidden ones left out
 * @param truncated true when there were more folders than listed
 */
public record FsListing(String path, String parent, List<String> folders, boolean truncated, List<String> roots) {
  public FsListing {
    folders = folders == null ? List.of() : List.copyOf(folders);
    roots = roots == null ? List.of() : List.copyOf(roots);
  }

  public JsonObject toJson() {
    return new JsonObject().put("path", path).put("parent", parent).put("folders", Jsons.array(folders, s -> s))
        .put("truncated", truncated).put("roots", Jsons.array(roots, s -> s));
  }

  public static FsListing fromJson(JsonObject j) {
    return new FsListing(j.getString("path"), j.getString("parent"), Jsons.strings(j, "folders"),
        Jsons.bool(j, "truncated", false), Jsons.strings(j, "roots"));
  }
}
