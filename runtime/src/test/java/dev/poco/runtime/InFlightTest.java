package dev.poco.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InFlightTest {
  final InFlight inFlight = new InFlight();
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  @Test
  void nodeLeftFailsOnlyThatNodesRequestsAtOnceWith503() {
    Promise<String> a1 = Promise.promise();
    Promise<String> a2 = Promise.promise();
    Promise<String> b = Promise.promise();
    Future<String> fa1 = inFlight.track("a", a1.future());
    Future<String> fa2 = inFlight.track("a", a2.future());
    Future<String> fb = inFlight.track("b", b.future());
    assertThat(inFlight.pending()).isEqualTo(3);

    assertThat(inFlight.nodeLeft("a")).isEqualTo(2);

    for (Future<String> f : java.util.List.of(fa1, fa2)) {
      assertThat(f.failed()).isTrue();
      assertThat(Bus.code(f.cause())).isEqualTo(Failures.UNAVAILABLE);
      assertThat(f.cause().getMessage()).isEqualTo("node a left the cluster");
      assertThat(InFlight.isNodeLost(f.cause())).isTrue();
    }
    assertThat(fb.isComplete()).isFalse();
    assertThat(inFlight.pending()).isEqualTo(1);
    a1.complete("late reply"); // the dead node's late answer changes nothing
    assertThat(fa1.failed()).isTrue();
    b.complete("ok");
    assertThat(fb.result()).isEqualTo("ok");
    assertThat(inFlight.pending()).isZero();
  }

  @Test
  void answeredRequestsAreForgottenAndUnaffectedByALaterLeave() {
    Promise<String> p = Promise.promise();
    Future<String> f = inFlight.track("a", p.future());
    p.fail(new IllegalStateException("boom"));
    assertThat(f.cause()).hasMessage("boom");
    assertThat(inFlight.pending()).isZero();
    assertThat(inFlight.nodeLeft("a")).isZero();
    assertThat(f.cause()).hasMessage("boom");
  }

  @Test
  void aRequestForANodeThatAlreadyLeftFailsWithoutBeingSent() {
    inFlight.nodeLeft("gone");
    assertThat(inFlight.hasLeft("gone")).isTrue();
    Future<JsonObject> f = inFlight.request(vertx.eventBus(), "nobody.here", new JsonObject(), 5_000, "gone");
    assertThat(f.failed()).isTrue();
    assertThat(InFlight.isNodeLost(f.cause())).isTrue();
  }

  @Test
  void untrackedWithoutANode() {
    Promise<String> p = Promise.promise();
    assertThat(inFlight.track(null, p.future())).isSameAs(p.future());
    assertThat(inFlight.pending()).isZero();
  }

  @Test
  void remembersOnlyTheLastDepartures() {
    for (int i = 0; i <= InFlight.REMEMBER_LEFT; i++) inFlight.nodeLeft("n" + i);
    assertThat(inFlight.hasLeft("n0")).isFalse();
    assertThat(inFlight.hasLeft("n" + InFlight.REMEMBER_LEFT)).isTrue();
  }

  @Test
  void aRequestOverTheBusFailsWhenItsNodeLeavesNotAfterItsTimeout() throws Exception {
    vertx.eventBus().<JsonObject>consumer("silent", msg -> { }).completion().await(); // never answers, as a dead node
    long t0 = System.nanoTime();
    Future<JsonObject> f = inFlight.request(vertx.eventBus(), "silent", new JsonObject(), 5_000, "n1");
    vertx.setTimer(100, t -> inFlight.nodeLeft("n1"));
    Throwable err = f.toCompletionStage().toCompletableFuture().handle((r, e) -> e).get(5, TimeUnit.SECONDS);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(InFlight.isNodeLost(err.getCause() == null ? err : err.getCause()) || InFlight.isNodeLost(err)).isTrue();
    assertThat(ms).isLessThan(4_000);
  }
}
