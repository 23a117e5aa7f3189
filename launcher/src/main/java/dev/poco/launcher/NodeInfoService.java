package dev.poco.launcher;

import dev.poco.contract.Addresses;
import dev.poco.contract.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Set;

/**
 * Answers {@link Addresses#nodeInfo(String)} for this node: only the launcher knows which roles it deployed,
 * so the orchestrator's health asks each node rather than guess from the addresses it serves.
 */
final class NodeInfoService {
  static final String EMBEDDED_NODE_ID = "local";

  private NodeInfoService() {}

  /** Registers the consumer; completes once it is routable cluster-wide. */
  static Future<Void> register(Vertx vertx, Set<String> roles) {
    long startedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
    long pid = ProcessHandle.current().pid();
    List<String> roleList = List.copyOf(roles);
    ClusterManager cm = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager() : null;
    if (cm instanceof GuardedClusterManager guarded) cm = guarded.real(); // its membership details
    String nodeId = cm == null ? EMBEDDED_NODE_ID : cm.getNodeId();
    String host = host(cm);
    int clusterPort = clusterPort(cm);
    int busPort = busPort(cm);
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(Addresses.nodeInfo(nodeId), msg -> {
      long uptime = System.currentTimeMillis() - startedAt;
      msg.reply(new NodeInfo(nodeId, roleList, host, clusterPort, busPort, startedAt, uptime, pid).toJson());
    });
    return consumer.completion();
  }

  /** The JGroups transport's address: what peers and the cluster-members file name this node by. */
  private static String host(ClusterManager cm) {
    if (cm instanceof InfinispanNode n) return n.physicalAddress().getIpAddress().getHostAddress();
    return cm == null ? null : cm.getNodeInfo().host(); // embedded: no cluster address
  }

  private static int clusterPort(ClusterManager cm) {
    return cm instanceof InfinispanNode n ? n.physicalAddress().getPort() : 0;
  }

  private static int busPort(ClusterManager cm) {
    return cm == null || cm.getNodeInfo() == null ? 0 : cm.getNodeInfo().port();
  }
}
