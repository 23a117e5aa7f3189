package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Bus;
import dev.poco.contract.StoreOp;
import dev.poco.contract.TaskText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("A task's output: a bounded tail in memory, the whole of it to the store in pieces")
class TaskOutputTest {
  final Vertx vertx = Vertx.vertx();
  /** What a store at the append address received, in arrival order. */
  final List<JsonObject> appended = new ArrayList<>();
  boolean failAppends;

  @AfterEach
  void close() { vertx.close().await(); }

  private StoreClient store() {
    vertx.eventBus().<JsonObject>consumer(StoreOp.TASK_OUTPUT_APPEND.address(), msg -> {
      if (failAppends) {
        msg.fail(500, "disk full");
        return;
      }
      appended.add(msg.body());
      msg.reply(new JsonObject());
    }).completion().await();
    return new StoreClient(vertx.eventBus());
  }

  /** Runs on a Vert.x context, as the orchestrator does, and waits for the value. */
  private <T> T onContext(Callable<T> work) throws Exception {
    CompletableFuture<T> done = new CompletableFuture<>();
    vertx.runOnContext(v -> {
      try {
        done.complete(work.call());
      } catch (Exception e) {
        done.completeExceptionally(e);
      }
    });
    return done.get(30, TimeUnit.SECONDS);
  }

  @Test
  @DisplayName("a short output (up to the row's 1,000 characters) writes no piece: the final save's row holds it all;"
      + " one character more is stored as a piece")
  void shortOutputStaysInTheRow() throws Exception {
    StoreClient store = store();
    TaskOutput.Backlog backlog = new TaskOutput.Backlog(1 << 20, 1 << 22);
    String exact = "x".repeat(TaskText.LIST_OUTPUT_CHARS);
    TaskOutput shortOne = onContext(() -> new TaskOutput("t_short", store, backlog, "", 0, 0));
    onContext(() -> { shortOne.add(exact); return shortOne.close(); }).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(appended).isEmpty();
    assertThat(shortOne.tail()).isEqualTo(exact);

    TaskOutput longer = onContext(() -> new TaskOutput("t_longer", store, backlog, "", 0, 0));
    onContext(() -> { longer.add(exact + "y"); return longer.close(); }).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertThat(appended).hasSize(1);
    assertThat(appended.get(0).getString("text")).isEqualTo(exact + "y");
  }

  @Test
  @DisplayName("keeps only the tail, sends pieces no bigger than one message at their offsets, and they add up to "
      + "exactly what the agent said")
  void tailAndPieces() throws Exception {
    StoreClient store = store();
    TaskOutput out = new TaskOutput("t1", store, new TaskOutput.Backlog(1 << 22, 1 << 24), "", 0, 0);
    StringBuilder said = new StringBuilder();
    onContext(() -> {
      for (int i = 0; i < 300; i++) {
        String delta = ("line " + i + " ").repeat(1 + i % 50) + "\n";
        out.add(delta);
        said.append(delta);
      }
      return null;
    });
    onContext(out::close).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(out.tail()).isEqualTo(said.substring(said.length() - TaskText.TAIL_CHARS));
    assertThat(out.total()).isEqualTo(said.length());
    assertThat(out.dropped()).isZero();
    StringBuilder stored = new StringBuilder();
    for (JsonObject a : appended) {
      assertThat(a.getLong("offset")).isEqualTo(stored.length());
      assertThat(a.getString("text").length()).isLessThanOrEqualTo(TaskText.CHUNK_CHARS);
      stored.append(a.getString("text"));
    }
    assertThat(stored.toString()).isEqualTo(said.toString());
  }

  @Test
  @DisplayName("past the stored maximum, and when the store refuses a piece, output is counted as dropped, the "
      + "last flush still completes, and the stored text ends saying how much was dropped")
  void droppedOutput() throws Exception {
    StoreClient store = store();
    TaskOutput big = new TaskOutput("t1", store, new TaskOutput.Backlog(1L << 40, 1L << 40), "", 0, 0);
    String mib = "x".repeat(1 << 20);
    onContext(() -> {
      for (int i = 0; i < 17; i++) big.add(mib);
      return null;
    });
    onContext(big::close).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(big.dropped()).isEqualTo(1 << 20);
    assertThat(appended.get(appended.size() - 1).getString("text"))
        .contains("[output truncated: " + (1 << 20) + " characters were not stored");

    failAppends = true;
    TaskOutput failing = new TaskOutput("t2", store, new TaskOutput.Backlog(1 << 22, 1 << 24), "", 0, 0);
    onContext(() -> {
      failing.add("y".repeat(100_000));
      return null;
    });
    onContext(failing::close).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(failing.dropped()).isEqualTo(100_000);
    assertThat(failing.tail()).hasSize(TaskText.TAIL_CHARS);
  }

  @Test
  @DisplayName("a store far behind holds the runner's answer until it catches up, and only a runner that keeps "
      + "sending past the hard bound loses output")
  void backlog() throws Exception {
    TaskOutput.Backlog backlog = new TaskOutput.Backlog(100, 200);
    assertThat(backlog.room().succeeded()).isTrue();
    backlog.chars = 150;
    var waiting = backlog.room();
    assertThat(waiting.isComplete()).isFalse();
    backlog.taken(60);
    assertThat(waiting.succeeded()).isTrue();
    assertThat(Bus.code(new IllegalStateException())).isEqualTo(500); // sanity: Bus is on the classpath
  }
}
