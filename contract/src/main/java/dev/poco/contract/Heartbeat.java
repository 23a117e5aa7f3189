package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Runner → everyone, every few seconds: who it is, what it can run, how busy it is.
 *
 * @param capacity how many more tasks it takes now
 * @param taskIds the tasks whose turns it holds right now
 * @param roots the working-dir roots it serves, as real paths
 * @param startedAt when this runner process started (0 when unknown): a task launched after it and not in
 *     {@code taskIds} never reached it, since a runner lists every task it took until its outcome is acknowledged
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record Heartbeat(@JsonProperty(required = true) String runnerId, String nodeId, List<BackendInfo> backends,
    int maxTasks, int capacity, List<String> taskIds, List<String> roots, @IsoTime long sentAt, @IsoTime long startedAt) {
  public Heartbeat {
    backends = backends == null ? List.of() : List.copyOf(backends);
    taskIds = taskIds == null ? List.of() : List.copyOf(taskIds);
    roots = roots == null ? List.of() : List.copyOf(roots);
  }

  public BackendInfo backend(String name) {
    for (BackendInfo b : backends) if (b.name().equals(name)) return b;
    return null;
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static Heartbeat fromJson(JsonObject j) { return Records.fromJson(j, Heartbeat.class); }
}
