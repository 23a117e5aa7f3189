package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StubTurnTest {
  @Test
  @DisplayName("'Reply with exactly:' answers the rest of its line, trimmed; other prompts are echoed")
  void answers() {
    assertThat(StubTurn.answerFor("Reply with exactly: DEMO_OK")).isEqualTo("DEMO_OK");
    assertThat(StubTurn.answerFor("context first\nReply with exactly:  two words  \nmore")).isEqualTo("two words");
    assertThat(StubTurn.answerFor("just this")).isEqualTo("just this");
  }

  @Test
  @DisplayName("BIG text depends only on the position: any slice equals the same part of a longer one")
  void bigTextSlices() {
    String whole = StubBackend.bigText(0, 1_000);
    assertThat(whole).startsWith("BIG 0000000000 ").hasSize(1_000);
    assertThat(whole.charAt(99)).isEqualTo('\n');
    assertThat(StubBackend.bigText(137, 400)).isEqualTo(whole.substring(137, 537));
  }

  @Test
  @DisplayName("BIG:<n> streams exactly n characters of BIG text in bounded deltas, waiting while the sink is "
      + "congested, and completes without holding the answer")
  void bigAnswer() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> deltas = new ArrayList<>();
      int[] waits = {0};
      TurnSink sink = new RecordingSink() {
        @Override public void delta(String text) { deltas.add(text); }

        @Override public boolean congested() { return deltas.size() == 2 && waits[0] == 0; }

        @Override public void whenDrained(Runnable then) {
          if (congested()) {
            waits[0]++;
            vertx.setTimer(20, id -> then.run());
          } else {
            then.run();
          }
        }
      };
      int n = 200_000;
      CompletableFuture<TurnOutcome> done = new CompletableFuture<>();
      vertx.runOnContext(v -> new StubBackend(vertx, new dev.poco.runtime.Settings(new JsonObject()))
          .start(new TurnRequest("t1", "p1", "BIG:" + n + " please", Path.of("/tmp"), null, null), sink)
          .compose(AgentTurn::outcome).onComplete(ar -> {
            if (ar.succeeded()) done.complete(ar.result());
            else done.completeExceptionally(ar.cause());
          }));
      TurnOutcome outcome = done.get(30, TimeUnit.SECONDS);
      assertThat(outcome.status()).isEqualTo(dev.poco.contract.TaskStatus.COMPLETED);
      assertThat(outcome.result()).isNull(); // the runner reports the streamed answer, bounded
      assertThat(String.join("", deltas)).isEqualTo(StubBackend.bigText(0, n));
      assertThat(deltas).allSatisfy(d -> assertThat(d.length()).isLessThanOrEqualTo(StubTurn.BIG_DELTA_CHARS));
      assertThat(waits[0]).isEqualTo(1);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  @DisplayName("STREAM:<n> sends n short line deltas, spaced by POCO_STUB_DELTA_MS (20 ms when unset), then completes")
  void streamLines() throws Exception {
    assertThat(streamed(5, 0)).containsExactly("line 0\n", "line 1\n", "line 2\n", "line 3\n", "line 4\n");
    long t0 = System.nanoTime();
    assertThat(streamed(6, 0)).hasSize(6);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(5 * StubTurn.STREAM_PAUSE_MS);
    t0 = System.nanoTime();
    assertThat(streamed(4, 60)).hasSize(4);
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(3 * 60);
  }

  /** Runs a "STREAM:n" turn with POCO_STUB_DELTA_MS = deltaMs; the deltas it sent, checking it completed. */
  private static List<String> streamed(int n, int deltaMs) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      List<String> deltas = new ArrayList<>();
      TurnSink sink = new RecordingSink() {
        @Override public void delta(String text) { deltas.add(text); }
      };
      JsonObject settings = new JsonObject().put(dev.poco.contract.ConfigKeys.STUB_DELTA_MS, String.valueOf(deltaMs));
      CompletableFuture<TurnOutcome> done = new CompletableFuture<>();
      vertx.runOnContext(v -> new StubBackend(vertx, new dev.poco.runtime.Settings(settings))
          .start(new TurnRequest("t1", "p1", "STREAM:" + n, Path.of("/tmp"), null, null), sink)
          .compose(AgentTurn::outcome).onComplete(ar -> {
            if (ar.succeeded()) done.complete(ar.result());
            else done.completeExceptionally(ar.cause());
          }));
      assertThat(done.get(30, TimeUnit.SECONDS).status()).isEqualTo(dev.poco.contract.TaskStatus.COMPLETED);
      return deltas;
    } finally {
      vertx.close().await();
    }
  }
}
