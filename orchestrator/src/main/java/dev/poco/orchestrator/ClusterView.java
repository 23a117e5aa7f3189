package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.NodeInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes of the cluster for /health: each member of the cluster manager is asked what it runs. A node that
 * does not answer is listed, not fatal: a health check must answer most when something is wrong.
 */
final class ClusterView {
  /** Well inside the edge's 3 s health timeout; a live node answers in about a millisecond. */
  static final long NODE_TIMEOUT_MS = 500;
  static final String EMBEDDED_NODE_ID = "local";

  private final Vertx vertx;
  private final String name;

  ClusterView(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.name = settings.str(ConfigKeys.CLUSTER_NAME, "poco");
  }

  /** {mode: cluster|embedded, name, this_node, nodes: [NodeInfo + status up|unreachable|unknown, this]}. */
  Future<JsonObject> describe() {
    ClusterManager cm = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
    String self = cm == null ? EMBEDDED_NODE_ID : cm.getNodeId();
    List<String> ids = cm == null ? List.of(EMBEDDED_NODE_ID) : cm.getNodes();
    List<Future<JsonObject>> asks = new ArrayList<>();
    for (String id : ids) asks.add(ask(id, id.equals(self)));
    return Future.join(asks).transform(x -> {
      JsonArray nodes = new JsonArray();
      asks.forEach(f -> nodes.add(f.result()));
      JsonObject out = new JsonObject().put("mode", cm == null ? "embedded" : "cluster");
      if (cm != null) out.put("name", name);
      return Future.succeededFuture(out.put("this_node", self).put("nodes", nodes));
    });
  }

  private Future<JsonObject> ask(String nodeId, boolean self) {
    return Bus.request(vertx.eventBus(), Addresses.nodeInfo(nodeId), new JsonObject(), NODE_TIMEOUT_MS)
        .map(body -> NodeInfo.fromJson(body).toJson().put("status", "up"))
        .otherwise(err -> {
          JsonObject n = new JsonObject().put("node_id", nodeId);
          // This node answers this very request, so it is up even when nobody serves its node info (tests
          // deploy the roles without the launcher). Another node that serves none joined without the launcher.
          if (self) return n.put("status", "up");
          return Bus.code(err) == Failures.UNAVAILABLE ? n.put("status", "unknown")
              .put("detail", "joined the cluster but does not say what it runs")
              : n.put("status", "unreachable").put("detail", "no answer within " + NODE_TIMEOUT_MS + " ms");
        })
        .map(n -> n.put("this", self));
  }

  /** A runner's heartbeat plus its load in plain numbers and its node's address, as /health shows it. */
  static JsonObject withLoad(Heartbeat hb, JsonObject cluster) {
    JsonObject r = hb.toJson().put("running", hb.maxTasks() - hb.capacity());
    for (Object o : cluster.getJsonArray("nodes", new JsonArray())) {
      if (o instanceof JsonObject n && n.getString("node_id").equals(hb.nodeId()) && n.getString("host") != null) {
        r.put("node_address", n.getString("host") + ":" + n.getInteger("cluster_port", 0));
      }
    }
    return r;
  }
}
