package dev.poco.store;

import static dev.poco.store.Fixtures.code;
import static dev.poco.store.Fixtures.project;
import static dev.poco.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.AgentSession;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.Workspace;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client retries a write whose answer it lost, so the store may apply it twice. Every write must come out the same
 * the second time; the few whose answer differs (create, mark, add, remove, delete) are read back by StoreClient.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Store: every write can be replayed")
class StoreReplayTest {
  @TempDir Path dir;

  private static <T> T twice(Supplier<Future<T>> write) {
    write.get().await();
    return write.get().await();
  }

  @Test
  @DisplayName("upserts, pins, touches and deletes applied twice leave the state of one, without an error")
  void replays(Vertx vertx) {
    Fixtures.deploy(vertx, Fixtures.config(dir.resolve("poco.db")));
    StoreTestClient store = new StoreTestClient(vertx.eventBus());
    store.createProject(project("p1", "feishu", "oc_1")).await();

    Task t = task("t1", "p1", TaskStatus.RUNNING, 5);
    twice(() -> store.saveTask(t));
    Task done = t.toBuilder().status(TaskStatus.COMPLETED).result("ok").build();
    twice(() -> store.saveTask(done));
    twice(() -> store.pinProject("p1", "r1"));
    twice(() -> store.saveWorkspace(new Workspace("p1", "/w2", "manual", "codex", new JsonObject())));
    twice(() -> store.saveBinding(new ChatBinding("feishu", "oc_2", "p1", "om_1")));
    twice(() -> store.saveSession(new AgentSession("p1", "codex", "th-1", "/w2", "r1", 7)));
    twice(() -> store.savePreset(new DirPreset("p1", "src", "/w2/src")));
    twice(() -> store.touchRecentDir("p1", "/w2/src"));
    Project before = store.project("p1").await();
    twice(() -> store.deletePreset("p1", "/w2/src"));
    twice(() -> store.deleteSession("p1", "codex"));

    assertThat(store.task("t1").await()).isEqualTo(done);
    Project p = store.project("p1").await();
    assertThat(p.runnerId()).isEqualTo("r1");
    assertThat(p.workspace().workdir()).isEqualTo("/w2");
    assertThat(p.bindings()).extracting(ChatBinding::chatId).containsExactly("oc_1", "oc_2");
    assertThat(before.sessions()).hasSize(1);
    assertThat(before.presets()).hasSize(1);
    assertThat(p.sessions()).isEmpty();
    assertThat(p.presets()).isEmpty();
    assertThat(p.recentDirs()).containsExactly("/w2/src");
  }

  @Test
  @DisplayName("writes whose answer says whether they changed anything answer the replay differently, never fail")
  void answersOfAReplay(Vertx vertx) {
    Fixtures.deploy(vertx, Fixtures.config(dir.resolve("poco.db")));
    StoreTestClient store = new StoreTestClient(vertx.eventBus());
    Project p = project("p1", "feishu", "oc_1");
    store.createProject(p).await();
    assertThat(code(store.createProject(p))).isEqualTo(409); // StoreClient reads it back after a lost answer
    assertThat(store.markEvent("e1").await()).isTrue();
    assertThat(store.markEvent("e1").await()).isFalse();
    AccessEntry e = new AccessEntry("feishu", "ou_1", "user", 1);
    assertThat(store.addAccess(e).await()).isTrue();
    assertThat(store.addAccess(e).await()).isFalse();
    assertThat(store.removeAccess("feishu", "ou_1").await()).isTrue();
    assertThat(store.removeAccess("feishu", "ou_1").await()).isFalse();
    assertThat(store.deleteProject("p1").await()).isTrue();
    assertThat(store.deleteProject("p1").await()).isFalse();
    assertThat(store.projects().await()).isEqualTo(List.of());
  }
}
