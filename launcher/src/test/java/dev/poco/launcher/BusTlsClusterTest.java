package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The event bus over mutual TLS between real clustered nodes on loopback: good nodes (credentials from the cluster's
 * CA) talk; a plain rogue (R1), a rogue with another CA's credentials (R2) and a revoked node (R3) can neither receive
 * nor send. Hazelcast is still the membership manager, and Hazelcast open source cannot refuse a member: the rogues
 * JOIN membership here and see every route. That is expected until the Infinispan/JGroups TLS step; this test shows
 * the bus alone refuses them even then.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Event bus over mutual TLS: only nodes with the cluster's credentials send or receive")
class BusTlsClusterTest {
  static final String CLUSTER = "bustls-test";
  static final String ECHO_CORE = "test.echo.core";
  static final String ECHO_RUNNER = "test.echo.runner";
  static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(3_000);
  /** A first request between good nodes makes two TLS connections (request, reply): on a loaded machine, seconds. */
  static final DeliveryOptions FIRST = new DeliveryOptions().setSendTimeout(20_000);

  @TempDir static Path home;
  TestCluster.Node core;
  TestCluster.Node runner;
  TestCluster.Node plainRogue;
  TestCluster.Node foreignRogue;
  TestCluster.Node revoked;
  final AtomicInteger inboundHandled = new AtomicInteger();
  final AtomicInteger rogueHandled = new AtomicInteger();
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeAll
  void join() throws Exception {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    ((Logger) LoggerFactory.getLogger(ClusterNode.class)).setLevel(ch.qos.logback.classic.Level.INFO);
    TestCluster.Ca ca = TestCluster.Ca.create(CLUSTER);
    TestCluster.Ca otherCa = TestCluster.Ca.create(CLUSTER); // same cluster id, another key: still refused
    ClusterCredentials revokedCreds = ca.credentials("runner-x", Set.of("runner"));
    String name = "bustls-" + System.nanoTime();
    core = TestCluster.join(home.resolve("core"), name, List.of(),
        ca.withCrl(ca.credentials("core", Set.of("store", "orchestrator")), revokedCreds));
    runner = TestCluster.join(home.resolve("runner"), name, List.of(core.member()),
        ca.withCrl(ca.credentials("runner-a", Set.of("runner")), revokedCreds));
    plainRogue = TestCluster.join(home.resolve("r1"), name, List.of(core.member()), null);
    foreignRogue = TestCluster.join(home.resolve("r2"), name, List.of(core.member()),
        otherCa.credentials("runner-b", Set.of("runner")));
    revoked = TestCluster.join(home.resolve("r3"), name, List.of(core.member()), revokedCreds);

    echo(core.vertx(), ECHO_CORE);
    echo(runner.vertx(), ECHO_RUNNER);
    core.vertx().eventBus().consumer(Addresses.ORCHESTRATOR_INBOUND, m -> {
      inboundHandled.incrementAndGet();
      m.reply("handled");
    }).completion().await();
    for (TestCluster.Node rogue : List.of(plainRogue, foreignRogue, revoked)) {
      rogue.vertx().eventBus().consumer(Addresses.runnerStart(rogueId(rogue)), m -> {
        rogueHandled.incrementAndGet();
        m.reply("started");
      }).completion().await();
    }
  }

  @AfterAll
  void leave() {
    for (TestCluster.Node n : new TestCluster.Node[] {revoked, foreignRogue, plainRogue, runner, core}) {
      if (n != null) n.close();
    }
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger(ClusterNode.class)).setLevel(null);
  }

  @Test
  @Order(0)
  @DisplayName("each node says once how its bus runs: mutual TLS with its name, cluster and roles, or plain")
  void saysHowTheBusRuns() {
    List<String> said = logs.list.stream().filter(e -> e.getLoggerName().equals(ClusterNode.class.getName()))
        .map(ILoggingEvent::getFormattedMessage).filter(m -> m.startsWith("event bus: ")).toList();
    assertThat(said).containsExactlyInAnyOrder(
        "event bus: mutual TLS, node core, cluster " + CLUSTER + ", roles [orchestrator, store]",
        "event bus: mutual TLS, node runner-a, cluster " + CLUSTER + ", roles [runner]",
        "event bus: plain (no credentials)",
        "event bus: mutual TLS, node runner-b, cluster " + CLUSTER + ", roles [runner]",
        "event bus: mutual TLS, node runner-x, cluster " + CLUSTER + ", roles [runner]");
  }

  @Test
  @Order(1)
  @DisplayName("two nodes with credentials from the cluster's CA: request/reply both ways, and a 1 MiB body")
  void goodNodesTalk() {
    assertThat(requestEventually(core.vertx(), ECHO_RUNNER, "ping")).isEqualTo("ping");
    assertThat(requestEventually(runner.vertx(), ECHO_CORE, "pong")).isEqualTo("pong");
    Buffer mib = Buffer.buffer(new byte[1 << 20]);
    Object back = runner.vertx().eventBus().request(ECHO_CORE, mib, FIRST).await().body();
    assertThat(((Buffer) back).length()).isEqualTo(1 << 20);
  }

  @Test
  @Order(2)
  @DisplayName("a plain rogue (no credentials) receives nothing addressed to it and cannot send")
  void plainRogueRefused() {
    assertRogueShutOut(plainRogue);
  }

  @Test
  @Order(3)
  @DisplayName("a rogue with another CA's credentials receives nothing addressed to it and cannot send")
  void foreignRogueRefused() {
    assertRogueShutOut(foreignRogue);
  }

  @Test
  @Order(4)
  @DisplayName("a revoked node (its serial in the good nodes' CRL) receives nothing and cannot send")
  void revokedRefused() {
    assertRogueShutOut(revoked);
  }

  @Test
  @Order(5)
  @DisplayName("the good nodes keep working after the rogues tried")
  void goodNodesStillTalk() {
    assertThat(core.vertx().eventBus().request(ECHO_RUNNER, "after", SHORT).await().body()).isEqualTo("after");
    assertThat(runner.vertx().eventBus().request(ECHO_CORE, "after", SHORT).await().body()).isEqualTo("after");
    assertThat(rogueHandled).hasValue(0);
  }

  @Test
  @Order(6)
  @DisplayName("the good node's log says what it refused, from whom and why, in one line each, without key material")
  void logsSayWhatWasRefused() {
    String bus = ".*" + java.util.regex.Pattern.quote("event bus (port " + busPort(core)
        + "): refused a connection from 127.0.0.1:");
    List<String> expected = List.of(
        bus + ".*: it does not speak TLS .*", // R1 sends in plain text
        bus + ".*: it refused this node's certificate \\(certificate_unknown\\).*", // R2 does not trust our CA
        bus + ".*: its certificate is revoked", // R3
        ".*refused to send to node " + nodeId(foreignRogue) + ": its server certificate is not signed by this"
            + " cluster's CA",
        ".*refused to send to node " + nodeId(revoked) + ": its server certificate is revoked",
        // R1's plain server never answers the TLS hello: Vert.x's handshake timeout (10 s) ends it
        ".*refused to send to node " + nodeId(plainRogue) + ": the TLS handshake timed out");
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> lines = lines();
    while (!expected.stream().allMatch(p -> lines.stream().anyMatch(l -> l.matches(p))) && System.nanoTime() < end) {
      sleep(200);
      lines.clear();
      lines.addAll(lines());
    }
    for (String p : expected) assertThat(lines).as(p).anyMatch(l -> l.matches(p));
    assertThat(lines).noneMatch(l -> l.contains("PRIVATE KEY") || l.contains("Connecting to server"));
    lines.forEach(l -> System.out.println("refusal logged: " + l));
  }

  private List<String> lines() {
    synchronized (logs) {
      return new java.util.ArrayList<>(logs.list.stream()
          .filter(e -> e.getLoggerName().equals(BusRefusals.class.getName())
              || e.getLoggerName().startsWith("io.vertx"))
          .map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList());
    }
  }

  private static int busPort(TestCluster.Node n) {
    return ((io.vertx.core.internal.VertxInternal) n.vertx()).clusterManager().getNodeInfo().port();
  }

  private static String nodeId(TestCluster.Node n) {
    return ((io.vertx.core.internal.VertxInternal) n.vertx()).clusterManager().getNodeId();
  }

  /** The rogue's runner address is known to the good node, yet a send never reaches it; its own sends are refused. */
  private void assertRogueShutOut(TestCluster.Node rogue) {
    String start = Addresses.runnerStart(rogueId(rogue));
    Throwable toRogue = refused(core.vertx(), start);
    assertThat(rogueHandled).as("a good node's send reached the rogue: " + toRogue).hasValue(0);
    int before = inboundHandled.get();
    Throwable fromRogue = refused(rogue.vertx(), Addresses.ORCHESTRATOR_INBOUND);
    assertThat(inboundHandled.get()).as("the rogue's send was handled: " + fromRogue).isEqualTo(before);
  }

  /**
   * Requests {@code address} until {@code from} knows a route to it (no NO_HANDLERS: registrations take about a
   * second to reach a new member) and returns how the request failed; fails the test if it is answered.
   */
  private static Throwable refused(Vertx from, String address) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (System.nanoTime() < end) {
      try {
        Object body = from.eventBus().request(address, new JsonObject().put("prompt", "rm -rf"), SHORT).await().body();
        fail(address + " answered " + body);
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS) return e;
      } catch (RuntimeException e) {
        return e;
      }
      sleep(200);
    }
    throw new AssertionError("no route to " + address + " ever reached the sender");
  }

  private static Object requestEventually(Vertx from, String address, Object body) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return from.eventBus().request(address, body, FIRST).await().body();
      } catch (ReplyException e) {
        if (e.failureType() != ReplyFailure.NO_HANDLERS || System.nanoTime() > end) throw e;
        sleep(200);
      }
    }
  }

  private String rogueId(TestCluster.Node rogue) {
    return rogue == plainRogue ? "r1" : rogue == foreignRogue ? "r2" : "r3";
  }

  private static void echo(Vertx vertx, String address) {
    vertx.eventBus().consumer(address, m -> m.reply(m.body())).completion().await();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
