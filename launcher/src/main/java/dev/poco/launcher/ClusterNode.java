package dev.poco.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.poco.contract.NodeEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a clustered Vertx that joins the cluster over TCP, or fails rather than start alone. */
final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  private static final int PORT_COUNT = 20;

  private ClusterNode() {}

  /**
   * Blocks the calling (main) thread until joined; throws {@link JoinException} with a message for the user.
   * With {@code metrics}, Vert.x reports to a Prometheus registry bound in PocoMetrics, which the node's HTTP
   * edge serves: only a node that serves /metrics pays for them.
   */
  static Vertx join(ClusterSettings cs, VertxOptions options, boolean metrics) {
    options.getEventBusOptions().setHost(cs.host()).setPort(cs.busPort()); // Vert.x 5 has no setClusterHost
    ClusterManager manager = new HazelcastClusterManager(hazelcast(cs));
    long t0 = System.nanoTime();
    PrometheusMeterRegistry registry = metrics ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    VertxBuilder builder = metrics ? Metrics.builder(options, registry) : Vertx.builder().with(options);
    Vertx vertx;
    try {
      vertx = builder.withClusterManager(manager).buildClustered().await();
    } catch (Exception e) {
      throw new JoinException(cannotJoin(cs, e), e);
    }
    int nodes = manager.getNodes().size();
    if (!cs.members().isEmpty() && nodes < 2) {
      closeQuietly(vertx);
      throw new JoinException("Cannot join " + cs.describe() + ": no member answered within " + cs.joinSeconds()
          + " s. Not starting alone. Check that those nodes run, and " + "POCO_CLUSTER_MEMBERS and POCO_CLUSTER_NAME.",
          null);
    }
    // Takes the cluster manager's single node-listener slot now and fans it out to every role (NodeEvents).
    NodeEvents.install(vertx);
    if (registry != null) Metrics.bind(vertx, registry);
    log.info("joined {} as node {} in {} ms ({} nodes)", cs.describe(), manager.getNodeId(),
        (System.nanoTime() - t0) / 1_000_000, nodes);
    return vertx;
  }

  static Config hazelcast(ClusterSettings cs) {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* maps of default-cluster.xml
    hz.setClusterName(cs.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // our JVM hook runs vertx.close()
    hz.setProperty("hazelcast.wait.seconds.before.join", "0"); // joins drop from ~6 s to ~1 s
    hz.setProperty("hazelcast.socket.bind.any", "false"); // else it listens on *:port whatever the interface
    hz.setProperty("hazelcast.tcp.join.port.try.count", String.valueOf(PORT_COUNT));
    hz.setProperty("hazelcast.max.join.seconds", String.valueOf(cs.joinSeconds()));
    // a frozen JVM is dropped after 5 s instead of 60 s
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cs.port()).setPortAutoIncrement(!cs.exactPort()).setPortCount(PORT_COUNT);
    net.getInterfaces().setEnabled(true).addInterface(cs.host());
    net.setPublicAddress(null);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
    if (cs.members().isEmpty()) {
      // The first node probes its own port range, each port by name: a bare host is tried on one port
      // only when the port is fixed. So nodes started at once, and a restarted first node, find the others here.
      for (int p = cs.port(); p < cs.port() + PORT_COUNT && p <= 65535; p++) tcp.addMember(cs.host() + ":" + p);
    } else {
      cs.members().forEach(tcp::addMember);
    }
    return hz;
  }

  private static String cannotJoin(ClusterSettings cs, Exception e) {
    String why = rootMessage(e);
    if (why.contains("already in use")) {
      return "Cannot join " + cs.describe() + ": port " + cs.port() + " on " + cs.host()
          + " is already in use. Choose another POCO_CLUSTER_PORT, or leave it unset to take the next free one.";
    }
    return "Cannot join " + cs.describe() + ": " + why;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      vertx.close().await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.debug("close after a failed join: {}", e.toString());
    }
  }

  /** Joining failed; the message says why, for the user. */
  static final class JoinException extends RuntimeException {
    JoinException(String message, Throwable cause) { super(message, cause); }
  }
}
