package dev.poco.contract;

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
public record Heartbeat(String runnerId, String nodeId, List<BackendInfo> backends, int maxTasks, int capacity,
    List<String> taskIds, List<String> roots, long sentAt, long startedAt) {
  public Heartbeat {
    backends = backends == null ? List.of() : List.copyOf(backends);
    taskIds = taskIds == null ? List.of() : List.copyOf(taskIds);
    roots = roots == null ? List.of() : List.copyOf(roots);
  }

  public BackendInfo backend(String name) {
    for (BackendInfo b : backends) if (b.name().equals(name)) return b;
    return null;
  }

  public JsonObject toJson() {
    return new JsonObject().put("runner_id", runnerId).put("node_id", nodeId)
        .put("backends", Jsons.array(backends, BackendInfo::toJson)).put("max_tasks", maxTasks)
        .put("capacity", capacity).put("task_ids", Jsons.array(taskIds, s -> s))
        .put("roots", Jsons.array(roots, s -> s)).put("sent_at", Jsons.time(sentAt))
        .put("started_at", Jsons.time(startedAt));
  }

  public static Heartbeat fromJson(JsonObject j) {
    return new Heartbeat(Jsons.required(j, "runner_id"), j.getString("node_id"),
        Jsons.list(j, "backends", BackendInfo::fromJson), Jsons.integer(j, "max_tasks", 0),
        Jsons.integer(j, "capacity", 0),
        Jsons.strings(j, "task_ids"), Jsons.strings(j, "roots"), Jsons.time(j, "sent_at"),
        Jsons.time(j, "started_at"));
  }
}
