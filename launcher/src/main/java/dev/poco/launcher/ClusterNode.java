package dev.poco.launcher;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
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
import java.util.LinkedHashSet;
import java.util.Set;
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
  static Joined join(ClusterSettings cs, KnownMembers known, VertxOptions options, boolean metrics) {
    options.getEventBusOptions().setHost(cs.host()).setPort(cs.busPort()); // Vert.x 5 has no setClusterHost
    ClusterManager manager = new HazelcastClusterManager(hazelcast(cs, known));
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
    Joined joined = new Joined(vertx, cs.describe() + (nodes == 1 ? ", alone so far" : ", " + nodes + " nodes"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    log.info("joined {} as node {} in {} ms", joined.where(), manager.getNodeId(), ms);
    return joined;
  }

  /** The clustered Vertx, and where it joined for the user: the cluster, this node's address, how many nodes. */
  record Joined(Vertx vertx, String where) {}

  /** {@code known}: the members this node saw last, joined through as well as the configured ones. */
  static Config hazelcast(ClusterSettings cs, KnownMembers known) {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* maps of default-cluster.xml
    hz.setClusterName(cs.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // our JVM hook runs vertx.close()
    hz.setProperty("hazelcast.wait.seconds.before.join", "0"); // joins drop from ~6 s to ~1 s
    hz.setProperty("hazelcast.socket.bind.any", "false"); // else it listens on *:port whatever the interface
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
    // Exact addresses only, never a port range: Hazelcast connecting to a port where something else listens
    // (the event bus, the HTTP edge) spins an I/O thread at 100% CPU (hazelcast#26473).
    Set<String> members = new LinkedHashSet<>(cs.memberAddresses());
    members.addAll(known.read());
    members.remove(cs.host() + ":" + cs.port());
    members.forEach(tcp::addMember);
    hz.addListenerConfig(new ListenerConfig(known));
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
