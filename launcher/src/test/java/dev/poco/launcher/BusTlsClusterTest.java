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
 * A trusted cluster's TLS between real clustered nodes on loopback: good nodes (credentials from the cluster's CA)
 * talk over the mutual-TLS bus; a plain rogue (R1), a rogue with another CA's credentials (R2) and a revoked node
 * (R3) cannot even join, since the membership (JGroups) runs over TLS with the same CA and revocation list. What
 * the bus refuses on its own, with a rogue already connected, BusTlsTest shows on the bus's server and client.
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
  Throwable plainRogueJoin;
  Throwable foreignRogueJoin;
  Throwable revokedJoin;
  final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  { logs.list = new java.util.concurrent.CopyOnWriteArrayList<>(); } // appended on other threads, read on this one

  @BeforeAll
  void join() throws Exception {
    ((Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    logs.start();
    BusRefusals.forget(); // one line a minute per peer: earlier tests of this JVM refused 127.0.0.1 too
    ((Logger) LoggerFactory.getLogger(ClusterNode.class)).setLevel(ch.qos.logback.classic.Level.INFO);
    TestCluster.Ca ca = TestCluster.Ca.create(CLUSTER);
    TestCluster.Ca otherCa = TestCluster.Ca.create(CLUSTER); // same cluster id, another key: still refused
    ClusterCredentials revokedCreds = ca.credentials("runner-x", Set.of("runner"));
    String name = "bustls-" + System.nanoTime();
    core = TestCluster.join(home.resolve("core"), name, List.of(),
        ca.withCrl(ca.credentials("core", Set.of("store", "orchestrator")), revokedCreds));
    runner = TestCluster.join(home.resolve("runner"), name, List.of(core.member()),
        ca.withCrl(ca.credentials("runner-a", Set.of("runner")), revokedCreds));
    plainRogueJoin = attempt(() -> TestCluster.join(home.resolve("r1"), name, List.of(core.member()), null));
    foreignRogueJoin = attempt(() -> TestCluster.join(home.resolve("r2"), name, List.of(core.member()),
        otherCa.credentials("runner-b", Set.of("runner"))));
    revokedJoin = attempt(() -> TestCluster.join(home.resolve("r3"), name, List.of(core.member()), revokedCreds));

    echo(core.vertx(), ECHO_CORE);
    echo(runner.vertx(), ECHO_RUNNER);
  }

  interface Joining {
    TestCluster.Node join() throws Exception;
  }

  /** How a rogue's join ended: the exception (the node closed itself), or a test failure if it joined. */
  static Throwable attempt(Joining joining) {
    try {
      TestCluster.Node joined = joining.join();
      joined.close();
      throw new AssertionError("a rogue joined the trusted cluster");
    } catch (ClusterNode.JoinException e) {
      return e;
    } catch (Exception e) {
      return e;
    }
  }

  @AfterAll
  void leave() {
    for (TestCluster.Node n : new TestCluster.Node[] {runner, core}) {
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
  @DisplayName("a plain rogue (no credentials), a foreign CA's node and a revoked node cannot join; the good nodes"
      + " still talk")
  void roguesCannotJoin() {
    for (Throwable t : List.of(plainRogueJoin, foreignRogueJoin, revokedJoin)) {
      assertThat(t).isInstanceOf(ClusterNode.JoinException.class).hasMessageContaining("no member answered");
    }
    assertThat(core.vertx().eventBus().request(ECHO_RUNNER, "after", SHORT).await().body()).isEqualTo("after");
    assertThat(runner.vertx().eventBus().request(ECHO_CORE, "after", SHORT).await().body()).isEqualTo("after");
  }

  @Test
  @Order(3)
  @DisplayName("the good nodes' log says whose certificate the membership refused and why, without key material")
  void logsSayWhatWasRefused() {
    List<String> expected = List.of(
        ".*cluster membership: refused .*: a certificate this cluster's CA did not sign.*", // R2
        ".*cluster membership: refused .*: node runner-x's certificate \\(serial [0-9a-f]+\\) is revoked.*"); // R3
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> lines = lines();
    while (!expected.stream().allMatch(p -> lines.stream().anyMatch(l -> l.matches(p))) && System.nanoTime() < end) {
      sleep(200);
      lines.clear();
      lines.addAll(lines());
    }
    for (String p : expected) assertThat(lines).as(p).anyMatch(l -> l.matches(p));
    assertThat(lines).noneMatch(l -> l.contains("PRIVATE KEY"));
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
