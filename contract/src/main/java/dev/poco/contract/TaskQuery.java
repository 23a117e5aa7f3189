package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Which tasks to list: by project and/or statuses, newest first, at most {@code limit}. */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record TaskQuery(String projectId, List<String> statuses, int limit) {
  public TaskQuery {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    if (limit <= 0) limit = 100;
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static TaskQuery fromJson(JsonObject j) { return Records.fromJson(j, TaskQuery.class); }
}
