package dev.poco.store;

import static dev.poco.store.Fixtures.project;
import static dev.poco.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Store: long prompts and outputs stay out of task rows and lists")
class TaskTextStoreTest {
  @TempDir Path dir;
  Path db;
  StoreTestClient store;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = dir.resolve("poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    store = new StoreTestClient(vertx.eventBus());
    store.createProject(project("p1", "feishu", "oc_1")).await();
  }

  @Test
  @DisplayName("a long prompt is kept whole from the first save, later saves with its summary never replace it, "
      + "and a listing carries only summaries and lengths")
  void longPrompt() throws Exception {
    String prompt = "head " + "p".repeat(200_000) + " tail";
    String result = "r".repeat(50_000);
    String output = "o".repeat(TaskText.TAIL_CHARS);
    Task first = task("t1", "p1", TaskStatus.QUEUED, 1_000).toBuilder().prompt(prompt).build();
    store.saveTask(first).await();
    Task later = first.toBuilder().prompt(TaskText.summary(prompt)).promptChars(prompt.length())
        .status(TaskStatus.COMPLETED).output(output).outputChars(5_000_000).result(result).build();
    store.saveTask(later).await();

    Task got = store.task("t1").await();
    assertThat(got.prompt()).isEqualTo(prompt);
    assertThat(got.output()).isEqualTo(output);
    assertThat(got.result()).isEqualTo(result);
    assertThat(got.outputChars()).isEqualTo(5_000_000);

    Task listed = store.tasks(new TaskQuery(null, List.of(), 10)).await().get(0);
    assertThat(listed.prompt()).startsWith("head ").endsWith(" tail").contains("characters omitted")
        .hasSizeLessThan(TaskText.SUMMARY_MAX_CHARS);
    assertThat(listed.promptChars()).isEqualTo(prompt.length());
    assertThat(listed.output()).hasSize(TaskText.LIST_OUTPUT_CHARS);
    assertThat(listed.result()).hasSizeLessThan(TaskText.SUMMARY_MAX_CHARS);
    assertThat(listed.outputChars()).isEqualTo(5_000_000);
    assertThat(Fixtures.count(db, "SELECT max(length(prompt) + length(output) + length(result)) FROM tasks"))
        .isLessThan(3 * TaskText.SUMMARY_MAX_CHARS);
  }

  @Test
  @DisplayName("output appended in pieces reads back in pages that follow on, replays rewrite a piece in place, "
      + "and a page never splits a surrogate pair")
  void outputPages() {
    store.saveTask(task("t1", "p1", TaskStatus.RUNNING, 1_000)).await();
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      String piece = ("piece " + i + " ").repeat(1_000) + "😀";
      store.appendOutput("t1", all.length(), piece).await();
      all.append(piece);
    }
    store.appendOutput("t1", 0, all.substring(0, 8_000 + 2)).await(); // a replay of the first piece

    StringBuilder read = new StringBuilder();
    long offset = 0;
    int pages = 0;
    while (true) {
      JsonObject page = store.outputPage("t1", offset, 3_001).await();
      String text = page.getString("text");
      assertThat(text.isEmpty() || !Character.isLowSurrogate(text.charAt(0))).isTrue();
      assertThat(page.getLong("stored_chars")).isEqualTo(all.length());
      read.append(text);
      pages++;
      Long next = page.getLong("next_offset");
      if (next == null) break;
      assertThat(next).isEqualTo(offset + text.length());
      offset = next;
    }
    assertThat(read.toString()).isEqualTo(all.toString());
    assertThat(pages).isGreaterThan(10);
    assertThat(Fixtures.code(store.outputPage("t1", -1, 10))).isEqualTo(400);
  }

  @Test
  @DisplayName("a piece longer than one bus message, or for an unknown task, is refused")
  void refusedPieces() {
    store.saveTask(task("t1", "p1", TaskStatus.RUNNING, 1_000)).await();
    assertThat(Fixtures.code(store.appendOutput("t1", 0, "x".repeat(TaskText.CHUNK_CHARS + 1)))).isEqualTo(400);
    assertThat(Fixtures.code(store.appendOutput("nope", 0, "x"))).isEqualTo(404);
  }
}
