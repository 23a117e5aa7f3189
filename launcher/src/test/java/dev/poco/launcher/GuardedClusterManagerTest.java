package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Roles;
import dev.poco.contract.StoreOp;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.ClusterManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Five nodes in one membership: an orchestrator+store node O and runner-a R with the roles their certificates name,
 * and three that register the store's address and runner-a's start address without the right to: X (a valid
 * certificate for runner-x), F (a certificate from another CA) and N (no certificate, no guard). O's requests go to
 * O's store and to R only. The membership here is open (anyone with the cluster name joins): this test is about
 * routing; keeping strangers out of the membership and off the bus is the transport's job.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("In a trusted cluster the bus routes an address only to a node whose certificate allows serving it")
class GuardedClusterManagerTest {
  @org.junit.jupiter.api.io.TempDir static java.nio.file.Path scratch; // each node's known-members file
  static final Instant NOW = Instant.now();
  static final ClusterCa.KeyAndCert CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  static final ClusterCa.KeyAndCert FOREIGN = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  static final String STORE = StoreOp.values()[0].address();
  static final String RUNNER_A = Addresses.runnerStart("runner-a");

  final String cluster = "guard-" + UUID.randomUUID();
  final List<Vertx> nodes = new ArrayList<>();
  final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
  String seed;
  Vertx o;
  GuardedClusterManager oGuard;
  ClusterCredentials r;
  final java.util.concurrent.atomic.AtomicReference<java.security.cert.X509CRL> crl =
      new java.util.concurrent.atomic.AtomicReference<>();

  static ClusterCredentials creds(ClusterCa.KeyAndCert ca, String node, String... roles) {
    ClusterCa.KeyAndCert kc = ClusterCa.issue(ca, "c1", node, Set.of(roles), NOW, Duration.ofDays(30));
    return new ClusterCredentials(CA.cert(), kc.cert(), kc.key(), null);
  }

  /** A cluster manager joined as the launcher joins (its own JGroups stack and caches), on loopback. */
  ClusterManager membership() throws java.io.IOException {
    int port = ProcessLifecycleTest.freePort();
    JsonObject cfg = new JsonObject().put("POCO_CLUSTER_NAME", cluster).put("POCO_CLUSTER_PORT", String.valueOf(port));
    if (seed != null) cfg.put("POCO_CLUSTER_MEMBERS", seed);
    else seed = "127.0.0.1:" + port;
    ClusterSettings cs = ClusterSettings.from(cfg);
    return ClusterNode.manager(cs, ClusterAddresses.resolve(cs, ClusterAddresses.DNS, Duration.ZERO),
        new KnownMembers(java.nio.file.Files.createTempDirectory(scratch, "guard-node")));
  }

  /** A node; with credentials its manager is guarded, as the launcher builds it in a trusted cluster. */
  Vertx node(String name, ClusterCredentials c, String... addresses) throws java.io.IOException {
    ClusterManager cm = membership();
    if (c != null) cm = new GuardedClusterManager(cm, c, crl::get);
    if (name.equals("O")) oGuard = (GuardedClusterManager) cm;
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    Vertx v = Vertx.builder().with(options).withClusterManager(cm).buildClustered().await();
    nodes.add(v);
    for (String a : addresses) {
      v.eventBus().<JsonObject>consumer(a, m -> {
        served.computeIfAbsent(name + " " + a, k -> new AtomicInteger()).incrementAndGet();
        m.reply(new JsonObject().put("by", name));
      }).completion().await();
    }
    return v;
  }

  @BeforeAll
  void cluster() throws java.io.IOException {
    o = node("O", creds(CA, "o", Roles.ORCHESTRATOR, Roles.STORE), STORE);
    r = creds(CA, "runner-a", Roles.AGENT_RUNNER);
    node("R", r, RUNNER_A);
    node("X", creds(CA, "runner-x", Roles.AGENT_RUNNER), STORE, RUNNER_A);
    node("F", creds(FOREIGN, "runner-a", Roles.AGENT_RUNNER, Roles.STORE), STORE, RUNNER_A);
    node("N", null, STORE, RUNNER_A);
  }

  @AfterAll
  void close() {
    for (Vertx v : nodes) v.close().await();
  }

  String ask(String address) {
    return o.eventBus().<JsonObject>request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(5_000))
        .await().body().getString("by");
  }

  @Test
  @Order(1)
  @DisplayName("40 requests each: the store's go to O, runner-a's to R; X, F and N receive none")
  void onlyAllowedNodesServe() {
    for (int i = 0; i < 40; i++) {
      assertThat(ask(STORE)).isEqualTo("O");
      assertThat(ask(RUNNER_A)).isEqualTo("R");
    }
    assertThat(served.keySet()).containsExactlyInAnyOrder("O " + STORE, "R " + RUNNER_A);
  }

  @Test
  @Order(2)
  @DisplayName("a publish reaches only allowed consumers too")
  void publishIsGuarded() throws Exception {
    AtomicInteger rogue = new AtomicInteger();
    AtomicInteger real = new AtomicInteger();
    nodes.get(1).eventBus().consumer(Addresses.RUNNER_DISCOVER, m -> real.incrementAndGet()).completion().await();
    nodes.get(4).eventBus().consumer(Addresses.RUNNER_DISCOVER, m -> rogue.incrementAndGet()).completion().await();
    nodes.get(4).eventBus().consumer(Addresses.RUNNER_HEARTBEAT, m -> rogue.incrementAndGet()).completion().await();
    for (int i = 0; i < 10 && real.get() == 0; i++) {
      o.eventBus().publish(Addresses.RUNNER_DISCOVER, new JsonObject());
      Thread.sleep(300);
    }
    o.eventBus().publish(Addresses.RUNNER_HEARTBEAT, new JsonObject());
    Thread.sleep(500);
    assertThat(real.get()).isPositive();
    assertThat(rogue.get()).isZero();
  }

  @Test
  @Order(3)
  @DisplayName("a revocation list naming runner-a: nothing more goes to R, and O's roles hear R left")
  void revokedNodeIsShutOut() throws Exception {
    assertThat(ask(RUNNER_A)).isEqualTo("R");
    String rId = ((io.vertx.core.internal.VertxInternal) nodes.get(1)).clusterManager().getNodeId();
    java.util.concurrent.BlockingQueue<String> left = new java.util.concurrent.LinkedBlockingQueue<>();
    dev.poco.runtime.NodeEvents.onLeft(o, left::add);
    crl.set(ClusterCa.crl(CA, Map.of(r.cert().getSerialNumber(), NOW), 2, NOW, Duration.ofDays(1)));
    oGuard.revocationsChanged(crl.get());
    assertThat(left.poll(10, TimeUnit.SECONDS)).isEqualTo(rId);
    int before = served.get("R " + RUNNER_A).get();
    Throwable err = null;
    for (int i = 0; i < 50 && err == null; i++) {
      try {
        ask(RUNNER_A);
        Thread.sleep(100);
      } catch (Exception e) {
        err = e;
      }
    }
    assertThat(err).isInstanceOf(io.vertx.core.eventbus.ReplyException.class);
    assertThat(((io.vertx.core.eventbus.ReplyException) err).failureType())
        .isEqualTo(io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS);
    int after = served.get("R " + RUNNER_A).get();
    for (int i = 0; i < 10; i++) {
      try {
        ask(RUNNER_A);
      } catch (Exception expected) {
        // no handler: that is the point
      }
    }
    assertThat(served.get("R " + RUNNER_A).get()).isEqualTo(after);
    assertThat(after - before).isLessThan(50);

    // ...but R still hears the revocation list: that is how a revoked node learns to stop.
    java.util.concurrent.BlockingQueue<Object> heard = new java.util.concurrent.LinkedBlockingQueue<>();
    nodes.get(1).eventBus().consumer(Addresses.CLUSTER_CRL, m -> heard.add(m.body())).completion().await();
    Object got = null;
    for (int i = 0; i < 50 && got == null; i++) { // the registration reaches O within a moment
      o.eventBus().publish(Addresses.CLUSTER_CRL, new JsonObject().put("crl", ""));
      got = heard.poll(200, TimeUnit.MILLISECONDS);
    }
    assertThat(got).as("R heard the revocation list").isNotNull();
  }
}
