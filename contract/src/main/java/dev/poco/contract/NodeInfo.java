package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One PoCo node as it describes itself on {@link Addresses#nodeInfo(String)}.
 *
 * @param nodeId the cluster manager's id of the node ("local" embedded)
 * @param roles the roles the launcher deployed on it
 * @param host the address it binds and advertises in the cluster
 * @param clusterPort its cluster-membership (JGroups) port, 0 embedded
 * @param busPort its event-bus port, 0 embedded
 * @param startedAt when its launcher started, epoch ms
 * @param uptimeMs how long it has run, measured by the node itself (no clock skew)
 * @param pid its process id
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record NodeInfo(@JsonProperty(required = true) String nodeId, List<String> roles, String host, int clusterPort,
    int busPort, @IsoTime long startedAt, long uptimeMs, long pid) {
  public NodeInfo {
    roles = roles == null ? List.of() : List.copyOf(roles);
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static NodeInfo fromJson(JsonObject j) { return Records.fromJson(j, NodeInfo.class); }
}
