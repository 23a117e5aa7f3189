package dev.poco.store;

import static dev.poco.store.Fixtures.code;
import static dev.poco.store.Fixtures.project;
import static dev.poco.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Bus;
import dev.poco.contract.StoreOp;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.ArrayList;
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
@DisplayName("Store: tasks and group commit")
class TaskStoreTest {
  @TempDir Path dir;
  Path db;
  StoreTestClient store;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = dir.resolve("poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    store = new StoreTestClient(vertx.eventBus());
    store.createProject(project("p1", "feishu", "oc_1")).await();
    store.createProject(project("p2", "slack", "C2")).await();
  }

  @Test
  @DisplayName("a saved task reads back field for field, and a later save updates it in place")
  void saveAndGet() {
    Task queued = task("t1", "p1", TaskStatus.QUEUED, 1_700_000_000_123L).toBuilder()
        .origin(new dev.poco.contract.ReplyTarget("slack", "C2", "1712.0001"), "U1").build();
    store.saveTask(queued).await();
    assertThat(store.task("t1").await()).isEqualTo(queued);

    Task done = queued.toBuilder().status(TaskStatus.COMPLETED).output("hello\nworld").result("ok")
        .usage(new JsonObject().put("input_tokens", 12).put("output_tokens", 34))
        .approval(new JsonObject().put("kind", "exec").put("title", "run ls")).runnerId("r1").sessionId("th-1")
        .cardMessageId("om_1").startedAt(1_700_000_001_000L).finishedAt(1_700_000_002_000L)
        .updatedAt(1_700_000_002_000L).createdAt(42).build();
    store.saveTask(done).await();

    Task read = store.task("t1").await();
    assertThat(read).isEqualTo(done.toBuilder().createdAt(queued.createdAt()).build());
    assertThat(code(store.task("nope"))).isEqualTo(404);
  }

  @Test
  @DisplayName("listing filters by project and statuses, newest first, and honours the limit")
  void list() {
    store.saveTask(task("a", "p1", TaskStatus.COMPLETED, 1_000)).await();
    store.saveTask(task("b", "p1", TaskStatus.RUNNING, 2_000)).await();
    store.saveTask(task("c", "p2", TaskStatus.QUEUED, 3_000)).await();
    store.saveTask(task("d", "p1", TaskStatus.QUEUED, 4_000)).await();
    store.saveTask(task("e", null, TaskStatus.FAILED, 5_000)).await();

    assertThat(ids(new TaskQuery(null, null, 0))).containsExactly("e", "d", "c", "b", "a");
    assertThat(ids(new TaskQuery("p1", null, 0))).containsExactly("d", "b", "a");
    assertThat(ids(new TaskQuery(null, List.of("queued", "running"), 0))).containsExactly("d", "c", "b");
    assertThat(ids(new TaskQuery("p1", List.of("queued", "completed"), 0))).containsExactly("d", "a");
    assertThat(ids(new TaskQuery(null, null, 2))).containsExactly("e", "d");
  }

  @Test
  @DisplayName("a task of an unknown project fails 404 and a task with an unknown status fails 400")
  void invalidTasks(Vertx vertx) {
    assertThat(code(store.saveTask(task("t1", "ghost", TaskStatus.QUEUED, 1)))).isEqualTo(404);
    JsonObject bad = task("t2", "p1", TaskStatus.QUEUED, 1).toJson().put("status", "sleeping");
    assertThat(code(Bus.request(vertx.eventBus(), StoreOp.TASK_SAVE.address(), new JsonObject().put("task", bad))))
        .isEqualTo(400);
    assertThat(code(store.tasks(new TaskQuery(null, List.of("sleeping"), 0)))).isEqualTo(400);
    assertThat(ids(new TaskQuery(null, null, 0))).isEmpty();
  }

  @Test
  @DisplayName("2,000 concurrent saves all succeed, are committed in shared transactions and all read back")
  void groupCommit() {
    int n = 2_000;
    long flushesBefore = store.info().await().getLong("flushes");
    long start = System.nanoTime();
    List<Future<Void>> saves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      saves.add(store.saveTask(task(String.format("t%04d", i), i % 2 == 0 ? "p1" : "p2", TaskStatus.RUNNING, 1 + i)));
    }
    Future.all(saves).await();
    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
    long flushes = store.info().await().getLong("flushes") - flushesBefore;
    System.out.printf("group commit: %d concurrent TASK_SAVE in %d ms over %d flushes%n", n, elapsedMs, flushes);

    assertThat(flushes).as("writes share transactions").isLessThan(n / 2);
    assertThat(store.tasks(new TaskQuery(null, null, n)).await()).hasSize(n);
    List<Future<Task>> reads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) reads.add(store.task(String.format("t%04d", i)));
    Future.all(reads).await();
    for (int i = 0; i < n; i++) assertThat(reads.get(i).result().createdAt()).isEqualTo(1 + i);
  }

  @Test
  @DisplayName("one invalid write in a burst fails alone; the writes around it commit")
  void badWriteFailsAlone() {
    int n = 500;
    List<Future<Void>> saves = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String project = i == n / 2 ? "ghost" : "p1";
      saves.add(store.saveTask(task("t" + i, project, TaskStatus.QUEUED, 1 + i)));
    }
    Future.join(saves).otherwiseEmpty().await();

    for (int i = 0; i < n; i++) {
      if (i == n / 2) assertThat(code(saves.get(i))).isEqualTo(404);
      else assertThat(saves.get(i).succeeded()).as("save %d", i).isTrue();
    }
    assertThat(store.tasks(new TaskQuery("p1", null, n)).await()).hasSize(n - 1);
    assertThat(code(store.task("t" + n / 2))).isEqualTo(404);
  }

  private List<String> ids(TaskQuery q) {
    return store.tasks(q).await().stream().map(Task::taskId).toList();
  }
}
