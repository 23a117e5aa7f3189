package dev.poco.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One PoCo node as it describes itself on {@link Addresses#nodeInfo(String)}.
 *
 * @param nodeId the cluster manager's id of the node ("local" embedded)
 * @param roles the roles the launcher deployed on it
 * @param host the address it binds and advertises in the cluster
 * @param clusterPort its cluster-membership (Hazelcast) port, 0 embedded
 * @param busPort its event-bus port, 0 embedded
 * @param startedAt when its launcher started, epoch ms
 * @param uptimeMs how long it has run, measured by the node itself (no clock skew)
 * @param pid its process id
 */
public record NodeInfo(String nodeId, List<String> roles, String host, int clusterPort, int busPort, long startedAt,
    long uptimeMs, long pid) {
  public NodeInfo {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  public JsonObject toJson() {
    return new JsonObject().put("node_id", nodeId).put("roles", Jsons.array(roles, s -> s)).put("host", host)
        .put("cluster_port", clusterPort).put("bus_port", busPort).put("started_at", Jsons.time(startedAt))
        .put("uptime_ms", uptimeMs).put("pid", pid);
  }

  public static NodeInfo fromJson(JsonObject j) {
    return new NodeInfo(Jsons.required(j, "node_id"), Jsons.strings(j, "roles"), j.getString("host"),
        Jsons.integer(j, "cluster_port", 0), Jsons.integer(j, "bus_port", 0), Jsons.time(j, "started_at"),
        Jsons.longValue(j, "uptime_ms", 0L), Jsons.longValue(j, "pid", 0L));
  }
}
