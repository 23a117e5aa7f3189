package dev.poco.agentrunner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/** Files changed with lines added and removed, from a unified (git) diff: what the final card shows. */
public final class DiffSummary {
  private DiffSummary() {}

  public static JsonObject of(String unifiedDiff) {
    Map<String, int[]> files = new LinkedHashMap<>();
    int[] current = null;
    for (String line : unifiedDiff.split("\n", -1)) {
      if (line.startsWith("diff --git ")) {
        String[] parts = line.split(" ");
        String path = parts[parts.length - 1].replaceFirst("^b/", "");
        current = files.computeIfAbsent(path, k -> new int[2]);
      } else if (line.startsWith("+++ ") || line.startsWith("--- ")) {
        if (current == null && line.startsWith("+++ ")) {
          current = files.computeIfAbsent(line.substring(4).replaceFirst("^b/", ""), k -> new int[2]);
        }
      } else if (current != null && line.startsWith("+")) {
        current[0]++;
      } else if (current != null && line.startsWith("-")) {
        current[1]++;
      }
    }
    JsonArray list = new JsonArray();
    int added = 0, removed = 0;
    for (Map.Entry<String, int[]> e : files.entrySet()) {
      list.add(new JsonObject().put("path", e.getKey()).put("added", e.getValue()[0]).put("removed", e.getValue()[1]));
      added += e.getValue()[0];
      removed += e.getValue()[1];
    }
    return new JsonObject().put("files", list).put("added", added).put("removed", removed);
  }
}
