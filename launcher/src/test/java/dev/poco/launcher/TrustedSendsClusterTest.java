package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TrustedSendsTest's rules across the wire: the signature survives a clustered hop; a gateway node's flag does not. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("Across cluster nodes, the orchestrator honours the trusted flag only from the edge's node")
class TrustedSendsClusterTest {
  @org.junit.jupiter.api.io.TempDir static java.nio.file.Path scratch; // each node's known-members file
  static final Instant NOW = Instant.now();
  static final ClusterCa.KeyAndCert CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(1));
  final List<Vertx> nodes = new ArrayList<>();
  String seed;

  @AfterEach
  void close() {
    nodes.forEach(v -> v.close().await());
  }

  Vertx node(String name, String... roles) throws Exception {
    ClusterCa.KeyAndCert kc = ClusterCa.issue(CA, "c1", name, Set.of(roles), NOW, Duration.ofDays(1));
    ClusterCredentials c = new ClusterCredentials(CA.cert(), kc.cert(), kc.key(), null);
    int port = ProcessLifecycleTest.freePort();
    JsonObject cfg = new JsonObject().put("POCO_CLUSTER_NAME", "trusted-" + NOW.toEpochMilli())
        .put("POCO_CLUSTER_PORT", String.valueOf(port));
    if (seed != null) cfg.put("POCO_CLUSTER_MEMBERS", seed);
    else seed = "127.0.0.1:" + port;
    ClusterSettings cs = ClusterSettings.from(cfg);
    VertxOptions options = new VertxOptions();
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    Vertx v = Vertx.builder().with(options).withClusterManager(ClusterNode.manager(cs,
        ClusterAddresses.resolve(cs, ClusterAddresses.DNS, Duration.ZERO),
        new KnownMembers(java.nio.file.Files.createTempDirectory(scratch, "trusted"))))
        .buildClustered().await();
    nodes.add(v);
    TrustedSends.install(v, c, () -> null, Clock.systemUTC());
    return v;
  }

  static String outcome(Vertx from) throws InterruptedException {
    for (int i = 0; ; i++) {
      try {
        return from.eventBus().<JsonObject>request(Addresses.ORCHESTRATOR_INBOUND,
            new JsonObject().put("text", "rm -rf /").put("trusted", true)).await().body().encode();
      } catch (ReplyException e) {
        if (e.failureCode() != -1 || i > 50) return e.failureCode() + " " + e.getMessage(); // -1: no handler yet
        Thread.sleep(200);
      }
    }
  }

  @Test
  @DisplayName("the edge node's trusted message reaches the orchestrator node; a gateway node's is refused with 403")
  void acrossTheWire() throws Exception {
    Vertx orchestrator = node("core", "orchestrator", "store");
    orchestrator.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND,
        m -> m.reply(new JsonObject().put("taken", true))).completion().await();
    Vertx edge = node("edge", "demo-api");
    Vertx gateway = node("gw", "gateway-slack");
    assertThat(outcome(edge)).isEqualTo("{\"taken\":true}");
    assertThat(outcome(gateway)).startsWith("403").contains("not signed");
  }
}
