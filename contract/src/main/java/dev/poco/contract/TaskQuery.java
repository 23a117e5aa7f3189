package dev.poco.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/** Which tasks to list: by project and/or statuses, newest first, at most {@code limit}. */
public record TaskQuery(String projectId, List<String> statuses, int limit) {
  public TaskQuery {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    if (limit <= 0) limit = 100;
  }

  public JsonObject toJson() {
    return new JsonObject().put("project_id", projectId).put("statuses", Jsons.array(statuses, s -> s))
        .put("limit", limit);
  }

  public static TaskQuery fromJson(JsonObject j) {
    return new TaskQuery(j.getString("project_id"), Jsons.strings(j, "statuses"), Jsons.integer(j, "limit", 100));
  }
}
