package dev.poco.launcher;

import com.hazelcast.cluster.Address;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.ListenerConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.TcpIpConfig;
import dev.poco.runtime.NodeEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a clustered Vertx that joins the cluster over TCP, or fails rather than start alone. */
final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  private static final int PORT_COUNT = 20;
  /** How long names are looked up before joining: compose's DNS learns a container's name when it starts. */
  private static final Duration DNS_WAIT = Duration.ofSeconds(5);

  private ClusterNode() {}

  /**
   * Blocks the calling (main) thread until joined; throws {@link JoinException} with a message for the user.
   * With {@code metrics}, Vert.x reports to a Prometheus registry bound in PocoMetrics, which the node's HTTP
   * edge serves: only a node that serves /metrics pays for them.
   * A node alone after the join window starts only when it is one of the configured members (a seed node, so
   * the order nodes start in does not matter); a node not listed refuses to start alone.
   * With {@code credentials} the event bus runs over mutual TLS with the cluster's CA ({@link BusTls}); null keeps
   * it plain.
   */
  static Joined join(ClusterSettings cs, KnownMembers known, VertxOptions options, boolean metrics,
      ClusterCredentials credentials) {
    return join(cs, known, options, metrics, credentials, null);
  }

  /**
   * With {@code guards}, a trusted cluster as {@code poco start} runs it: the bus over mutual TLS with the guards'
   * credentials, and told only of registrations the nodes' certificates allow (the caller starts the guards once
   * joined). The overload with credentials alone puts only the TLS layer in place: tests and the bench measure it.
   */
  static Joined join(ClusterSettings cs, KnownMembers known, VertxOptions options, boolean metrics,
      ClusterGuards guards) {
    return join(cs, known, options, metrics, guards.credentials(), guards);
  }

  private static Joined join(ClusterSettings cs, KnownMembers known, VertxOptions options, boolean metrics,
      ClusterCredentials credentials, ClusterGuards guards) {
    long t0 = System.nanoTime();
    ClusterAddresses addresses = ClusterAddresses.resolve(cs, ClusterAddresses.DNS, DNS_WAIT);
    // Vert.x 5 has no setClusterHost; the bus binds and advertises the same address as Hazelcast.
    options.getEventBusOptions().setHost(addresses.bind()).setPort(cs.busPort());
    BusTls.apply(options.getEventBusOptions(), credentials);
    log.info(BusTls.describe(credentials));
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(cs, addresses, known));
    PrometheusMeterRegistry registry = metrics ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    VertxBuilder builder = metrics ? Metrics.builder(options, registry) : Vertx.builder().with(options);
    BusTls.watchRefusals(builder, credentials);
    Vertx vertx;
    try {
      vertx = builder.withClusterManager(guards == null ? manager : guards.guard(manager)).buildClustered().await();
    } catch (Exception e) {
      throw new JoinException(cannotJoin(cs, e), e);
    }
    int nodes = manager.getNodes().size();
    Address local = manager.getHazelcastInstance().getCluster().getLocalMember().getAddress();
    String self = hostPort(local);
    boolean seed = addresses.listed(self);
    if (!cs.members().isEmpty() && nodes < 2 && !seed) {
      closeQuietly(vertx);
      throw new JoinException("Cannot join " + cs.describe() + ": no member answered within " + cs.joinSeconds()
          + " s, and this node (" + self + ") is not one of them. Not starting alone. Check that those nodes run,"
          + " and POCO_CLUSTER_MEMBERS and POCO_CLUSTER_NAME.", null);
    }
    // Takes the cluster manager's single node-listener slot now and fans it out to every role (NodeEvents).
    NodeEvents.install(vertx);
    if (registry != null) Metrics.bind(vertx, registry);
    String alone = seed ? ", alone so far (a listed member, so it may start first)" : ", alone so far";
    Joined joined = new Joined(vertx, cs.describe() + " as " + self + (nodes == 1 ? alone : ", " + nodes + " nodes"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    log.info("joined {} as node {} in {} ms", joined.where(), manager.getNodeId(), ms);
    return joined;
  }

  private static String hostPort(Address a) {
    return a.isIPv6() ? "[" + a.getHost() + "]:" + a.getPort() : a.getHost() + ":" + a.getPort();
  }

  /** The clustered Vertx, and where it joined for the user: the cluster, this node's address, how many nodes. */
  record Joined(Vertx vertx, String where) {}

  /**
   * {@code addresses}: the settings resolved (Hazelcast's interface list takes addresses, not names);
   * {@code known}: the members this node saw last, joined through as well as the configured ones.
   */
  static Config hazelcast(ClusterSettings cs, ClusterAddresses addresses, KnownMembers known) {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* maps of default-cluster.xml
    hz.setClusterName(cs.name());
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false"); // our JVM hook runs vertx.close()
    hz.setProperty("hazelcast.wait.seconds.before.join", "0"); // joins drop from ~6 s to ~1 s
    hz.setProperty("hazelcast.socket.bind.any", "false"); // else it listens on *:port whatever the interface
    hz.setProperty("hazelcast.max.join.seconds", String.valueOf(cs.joinSeconds()));
    // a frozen JVM is dropped after 5 s (by default) instead of 60 s; compose, whose JVMs start together on
    // one host, allows more, else a busy host's pauses split the cluster while it forms
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(cs.heartbeatSeconds()));
    // Two seed nodes started at the same moment may each form a cluster; they find each other and merge
    // within ~10 s instead of Hazelcast's default 5 minutes (Vert.x re-registers its state on MERGED).
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", "10");
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", "10");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(cs.port()).setPortAutoIncrement(!cs.exactPort()).setPortCount(PORT_COUNT);
    net.getInterfaces().setEnabled(true).addInterface(addresses.bind());
    net.setPublicAddress(null);
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    TcpIpConfig tcp = join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1);
    // Exact addresses only, never a port range: Hazelcast connecting to a port where something else listens
    // (the event bus, the HTTP edge) spins an I/O thread at 100% CPU (hazelcast#26473).
    String self = addresses.bind() + ":" + cs.port();
    Set<String> members = new LinkedHashSet<>(addresses.joinAddresses(self));
    members.addAll(known.read());
    members.remove(self);
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
