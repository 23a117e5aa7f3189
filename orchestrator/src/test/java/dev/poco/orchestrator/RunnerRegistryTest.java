package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.Heartbeat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The runner registry")
class RunnerRegistryTest {
  private static Heartbeat beat(String runner, String node) {
    return new Heartbeat(runner, node, List.of(new BackendInfo("stub", true, "1", null, false, List.of())), 4, 4,
        List.of(), List.of("/w"), 0);
  }

  @Test
  @DisplayName("a node leaving the cluster kills its runners at once; a later beat brings one back as new")
  void nodeLeft() {
    RunnerRegistry reg = new RunnerRegistry();
    long now = 1_000_000;
    reg.beat(beat("r1", "n1"), now);
    reg.beat(beat("r2", "n2"), now);
    assertThat(reg.nodeLeft("n1")).containsExactly("r1");
    assertThat(reg.nodeLeft("n1")).isEmpty();
    assertThat(reg.alive("r1", now)).isNull();
    assertThat(reg.alive("r2", now)).isNotNull();
    assertThat(reg.pick("stub", "r1", RunnerRegistry.emptyLoad(), now).runnerId()).isEqualTo("r2");
    assertThat(reg.beat(beat("r1", "n3"), now + 10)).isTrue();
    assertThat(reg.alive("r1", now + 10)).isNotNull();
  }

  @Test
  @DisplayName("a request in flight to a runner fails with 503 the moment its node leaves, and the runner is dead by"
      + " then so a retry goes elsewhere")
  void requestFailsWhenItsNodeLeaves() {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.eventBus().consumer("poco.runner.r1.fs", msg -> { }).completion().await(); // a node that never answers
      RunnerRegistry reg = new RunnerRegistry();
      long now = System.currentTimeMillis();
      reg.beat(beat("r1", "n1"), now);
      long t0 = System.nanoTime();
      Future<JsonObject> f = reg.request(vertx.eventBus(), "r1", "poco.runner.r1.fs", new JsonObject());
      List<Heartbeat> aliveWhenFailed = new java.util.ArrayList<>();
      f.onFailure(err -> aliveWhenFailed.addAll(reg.alive(System.currentTimeMillis())));
      reg.nodeLeft("n1");
      assertThat(f.failed()).isTrue();
      assertThat(Bus.code(f.cause())).isEqualTo(503);
      assertThat(f.cause()).hasMessage("node n1 left the cluster");
      assertThat(aliveWhenFailed).isEmpty();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(Bus.RUNNER_TIMEOUT_MS);
    } finally {
      vertx.close().await();
    }
  }
}
