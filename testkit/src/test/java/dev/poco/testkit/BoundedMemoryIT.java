package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Big prompts and big outputs against the server `poco start` runs (its own JVM, the production heap flags). By
 * default 20 tasks keep the run short; {@code -Dpoco.memory.tasks=100} runs the hundred of the issue (the bench
 * measures that one).
 */
@Timeout(value = 900, unit = TimeUnit.SECONDS)
@DisplayName("A server on its small heap stays healthy through many 1 MiB prompts and 10 MiB outputs")
class BoundedMemoryIT {
  static final int TASKS = Integer.getInteger("poco.memory.tasks", 20);
  static final long OUTPUT_CHARS = 10L * 1024 * 1024;
  static final int CHATS = 4;

  @TempDir Path home;
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    PocoCli.killServer(home);
    vertx.close().await();
  }

  @Test
  @DisplayName("every task completes, /tasks lists bounded summaries, pages give each output back byte-exact, "
      + "/health is ok and the log has no OutOfMemoryError")
  void bigPromptsAndOutputs() throws Exception {
    int port = Ports.free();
    Map<String, String> env = Map.of("POCO_AGENT_BACKEND", "stub", "POCO_WORKDIR_ROOTS", home.toString(),
        "POCO_HTTP_PORT", String.valueOf(port));
    PocoCli.Result started = PocoCli.run(home, env, Duration.ofSeconds(60), "start");
    assertThat(started.code()).as(started.output()).isZero();

    try (Http http = new Http(vertx, port)) {
      BigTasks big = new BigTasks(http);
      long t0 = System.nanoTime();
      List<String> ids = big.submit(TASKS, CHATS, OUTPUT_CHARS);
      long t1 = System.nanoTime();
      List<JsonObject> done = big.awaitAll(ids, 600_000);
      System.out.printf("%d tasks submitted in %d ms, all ended %d ms later%n", TASKS, (t1 - t0) / 1_000_000,
          (System.nanoTime() - t1) / 1_000_000);
      for (JsonObject t : done) {
        assertThat(t.getString("status")).as(t.getString("task_id") + ": " + t.getString("error")).isEqualTo("completed");
      }

      Http.Result list = http.get("/tasks?limit=" + TASKS);
      assertThat(list.status()).as(list.raw()).isEqualTo(200);
      JsonArray tasks = list.json().getJsonArray("tasks");
      assertThat(tasks).hasSize(TASKS);
      for (int i = 0; i < tasks.size(); i++) {
        JsonObject t = tasks.getJsonObject(i);
        assertThat(t.getString("status")).isEqualTo("completed");
        assertThat(t.getString("prompt").length()).isLessThan(1_100);
        assertThat(t.getLong("prompt_chars")).isEqualTo((long) BigTasks.PROMPT_CHARS);
        assertThat(t.getString("output").length()).isLessThanOrEqualTo(1_000);
        assertThat(t.getLong("output_chars")).isEqualTo(OUTPUT_CHARS);
        assertThat(t.getLong("output_dropped")).isZero();
      }
      assertThat(list.raw().length()).isLessThan(TASKS * 6_000);

      long t2 = System.nanoTime();
      String expected = BigTasks.expectedSha256(OUTPUT_CHARS);
      for (int i = 0; i < ids.size(); i++) {
        BigTasks.Read read = big.readOutput(ids.get(i));
        assertThat(read.chars()).as(ids.get(i)).isEqualTo(OUTPUT_CHARS);
        assertThat(read.sha256()).as(ids.get(i)).isEqualTo(expected);
        assertThat(read.pages()).isGreaterThan(1);
        assertThat(read.prompt()).isEqualTo(BigTasks.prompt(i, OUTPUT_CHARS));
      }

      System.out.printf("every output read back in pages in %d ms%n", (System.nanoTime() - t2) / 1_000_000);
      Http.Result health = http.get("/health");
      assertThat(health.status()).as(health.raw()).isEqualTo(200);
      assertThat(health.str("status")).isEqualTo("ok");
    }
    String log = Files.readString(home.resolve("poco.log"));
    assertThat(log).doesNotContain("OutOfMemoryError").doesNotContain("dropping what comes");
    assertThat(PocoCli.run(home, env, Duration.ofSeconds(60), "shutdown").code()).isZero();
  }
}
