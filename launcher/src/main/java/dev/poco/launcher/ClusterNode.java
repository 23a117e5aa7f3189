package dev.poco.launcher;

import dev.poco.runtime.NodeEvents;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.configuration.global.ShutdownHookBehavior;
import org.infinispan.configuration.parsing.ConfigurationBuilderHolder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.jgroups.JGroupsAddress;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.JChannel;
import org.jgroups.util.SocketFactory;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a clustered Vertx on Vert.x's Infinispan cluster manager over a JGroups TCP stack (JGroupsStack) that
 * joins through the listed members, or fails rather than start alone.
 */
final class ClusterNode {
  private static final Logger log = LoggerFactory.getLogger(ClusterNode.class);
  /** With POCO_CLUSTER_PORT unset, the default port and this many after it are tried: the first free one wins. */
  private static final int PORT_RANGE = 19;
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
    // Vert.x 5 has no setClusterHost; the bus binds and advertises the same address as JGroups.
    options.getEventBusOptions().setHost(addresses.bind()).setPort(cs.busPort());
    BusTls.apply(options.getEventBusOptions(), credentials);
    log.info(BusTls.describe(credentials));
    InfinispanNode manager = manager(cs, addresses, known, credentials == null ? null
        : ClusterSsl.socketFactory(credentials, guards == null ? credentials::crl : guards::crl));
    DefaultCacheManager caches = manager.caches();
    JChannel channel = manager.channel();
    PrometheusMeterRegistry registry = metrics ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : null;
    VertxBuilder builder = metrics ? Metrics.builder(options, registry) : Vertx.builder().with(options);
    BusTls.watchRefusals(builder, credentials);
    Vertx vertx;
    try {
      vertx = builder.withClusterManager(guards == null ? manager : guards.guard(manager)).buildClustered().await();
    } catch (Exception e) {
      caches.stop();
      throw new JoinException(cannotJoin(cs, e), e);
    }
    String self = manager.hostPort();
    known.joined(a -> hostPort(channel, a), caches.getAddress(), caches.getMembers());
    int nodes = manager.getNodes().size();
    boolean seed = addresses.listed(self);
    if (!cs.members().isEmpty() && nodes < 2 && !seed) {
      closeQuietly(vertx);
      throw new JoinException("Cannot join " + cs.describe() + ": no member answered within " + cs.joinSeconds()
          + " s, and this node (" + self + ") is not one of them. Not starting alone. Check that those nodes run,"
          + " and POCO_CLUSTER_MEMBERS and POCO_CLUSTER_NAME.", null);
    }
    caches.addListener(known);
    // Takes the cluster manager's single node-listener slot now and fans it out to every role (NodeEvents).
    NodeEvents.install(vertx);
    if (registry != null) Metrics.bind(vertx, registry);
    String alone = seed ? ", alone so far (a listed member, so it may start first)" : ", alone so far";
    Joined joined = new Joined(vertx, cs.describe() + " as " + self + (nodes == 1 ? alone : ", " + nodes + " nodes"));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    log.info("joined {} as node {} in {} ms", joined.where(), manager.getNodeId(), ms);
    return joined;
  }

  /**
   * The cluster manager for these settings, its JGroups channel connected (this blocks for the join window):
   * what {@link #join} builds Vert.x on, and what a test that runs several nodes in one JVM can use.
   */
  static InfinispanNode manager(ClusterSettings cs, ClusterAddresses addresses, KnownMembers known) {
    return manager(cs, addresses, known, null);
  }

  /** {@code tls}: what opens every JGroups socket in a trusted cluster (ClusterSsl), null for plain TCP. */
  static InfinispanNode manager(ClusterSettings cs, ClusterAddresses addresses, KnownMembers known,
      SocketFactory tls) {
    JChannel channel = null;
    try {
      // a UUID as the JGroups name, which Vert.x takes as the node id: unique, and `poco status` shortens it
      channel = stack(cs, addresses, known, tls).channel(UUID.randomUUID().toString());
      return new InfinispanNode(cacheManager(cs, channel), channel);
    } catch (JoinException e) {
      throw e;
    } catch (Exception e) {
      if (channel != null) channel.close(); // a cache manager that failed to start leaves its channel open
      throw new JoinException(cannotJoin(cs, e), e);
    }
  }

  /** The clustered Vertx, and where it joined for the user: the cluster, this node's address, how many nodes. */
  record Joined(Vertx vertx, String where) {}

  /**
   * The JGroups stack for these settings. {@code addresses}: the settings resolved; {@code known}: the members
   * this node saw last, joined through as well as the configured ones; {@code tls}: null for plain TCP.
   */
  static JGroupsStack stack(ClusterSettings cs, ClusterAddresses addresses, KnownMembers known, SocketFactory tls) {
    // Only a node bound to exactly its port is the member at that address: with the port unset, a second node on
    // this machine binds the next free one, and the seed on the default port is another node it must ask.
    String self = cs.exactPort() ? addresses.bind() + ":" + cs.port() : "";
    Set<String> members = new LinkedHashSet<>(addresses.joinAddresses(self));
    members.addAll(known.read());
    members.remove(self);
    List<InetSocketAddress> hosts = new ArrayList<>();
    for (String m : members) {
      InetSocketAddress a = socketAddress(m);
      if (a != null) hosts.add(a);
    }
    InetAddress bind;
    try {
      bind = InetAddress.getByName(addresses.bind());
    } catch (UnknownHostException e) {
      throw new JoinException("Cannot join " + cs.describe() + ": " + addresses.bind() + " is not an address", e);
    }
    // a first node with nobody to ask has nothing to wait for
    long joinMs = hosts.isEmpty() ? 100 : cs.joinSeconds() * 1000L;
    return new JGroupsStack(bind, cs.port(), cs.exactPort() ? 0 : PORT_RANGE, List.copyOf(hosts),
        cs.heartbeatSeconds() * 1000L, joinMs, tls, !self.isEmpty() && addresses.listed(self));
  }

  /** "10.0.0.1:7800", "[::1]:7800" or "store:7800" as an address; null (with a warning) when it does not resolve. */
  private static InetSocketAddress socketAddress(String hostPort) {
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(hostPort.substring(colon + 1));
    try {
      return new InetSocketAddress(InetAddress.getByName(host), port);
    } catch (UnknownHostException e) {
      log.warn("cluster member {} does not resolve; joining without it", hostPort);
      return null;
    }
  }

  /**
   * A started cache manager on {@code channel}, with the caches vertx-infinispan needs (its
   * default-infinispan.xml): the bus's subscriptions and node infos replicated to every node, shared maps
   * distributed. Starting it connects the channel: this is the join, and it blocks for the join window.
   */
  static DefaultCacheManager cacheManager(ClusterSettings cs, JChannel channel) {
    ConfigurationBuilderHolder holder = new ConfigurationBuilderHolder(ClusterNode.class.getClassLoader());
    GlobalConfigurationBuilder global = holder.getGlobalConfigurationBuilder();
    global.classLoader(ClusterNode.class.getClassLoader()).defaultCacheName("distributed-cache");
    global.transport().transport(new JGroupsTransport(channel)).clusterName(cs.name()).nodeName(channel.name());
    global.shutdown().hookBehavior(ShutdownHookBehavior.DONT_REGISTER); // our JVM hook runs vertx.close()
    holder.newConfigurationBuilder("distributed-cache").clustering().cacheMode(CacheMode.DIST_SYNC);
    for (String name : List.of("__vertx.subs", "__vertx.haInfo", "__vertx.nodeInfo")) {
      holder.newConfigurationBuilder(name).clustering().cacheMode(CacheMode.REPL_SYNC);
    }
    holder.newConfigurationBuilder("__vertx.distributed.cache.configuration").template(true).clustering()
        .cacheMode(CacheMode.DIST_SYNC);
    return new DefaultCacheManager(holder, true);
  }

  /** A member's JGroups transport address as host:port, or null before JGroups knows it. */
  private static String hostPort(JChannel channel, Address member) {
    if (!(member instanceof JGroupsAddress jg)) return null;
    PhysicalAddress a = channel.getProtocolStack().getTransport().getPhysicalAddressFromCache(jg.getJGroupsAddress());
    return a instanceof IpAddress ip ? ClusterAddresses.hostPort(ip.getIpAddress(), ip.getPort()) : null;
  }

  private static String cannotJoin(ClusterSettings cs, Exception e) {
    String why = rootMessage(e);
    if (why.contains("already in use") || root(e) instanceof java.net.BindException) {
      return "Cannot join " + cs.describe() + ": port " + cs.port() + " on " + cs.host()
          + " is already in use. Choose another POCO_CLUSTER_PORT, or leave it unset to take the next free one.";
    }
    return "Cannot join " + cs.describe() + ": " + why;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = root(t);
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static Throwable root(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return root;
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
