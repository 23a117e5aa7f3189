package dev.poco.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.Failures;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
@DisplayName("Store: seen events and the access list")
class EventAccessStoreTest {
  @TempDir Path dir;
  Path db;
  String deployment;
  StoreTestClient store;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = dir.resolve("poco.db");
    deployment = Fixtures.deploy(vertx, Fixtures.config(db));
    store = new StoreTestClient(vertx.eventBus());
  }

  @Test
  @DisplayName("a task's save that carries an event key marks it in the same transaction: a second task for the same"
      + " event is refused and not stored, a replay of the same save is ours and succeeds")
  void taskSaveMarksItsEvent() throws Exception {
    store.createProject(Fixtures.project("p1", "feishu", "oc_1")).await();
    assertThat(store.eventSeen("feishu:evt-t").await()).isFalse();
    store.saveTask(Fixtures.task("t1", "p1", TaskStatus.QUEUED, 1), "feishu:evt-t").await();
    assertThat(store.eventSeen("feishu:evt-t").await()).isTrue();
    store.saveTask(Fixtures.task("t1", "p1", TaskStatus.QUEUED, 1), "feishu:evt-t").await(); // a retried attempt

    Future<Void> second = store.saveTask(Fixtures.task("t2", "p1", TaskStatus.QUEUED, 2), "feishu:evt-t");
    assertThat(Fixtures.code(second)).isEqualTo(Failures.CONFLICT);
    assertThat(store.task("t2").transform(ar -> Future.succeededFuture(ar.failed())).await()).isTrue();
    assertThat(store.markEvent("feishu:evt-t").await()).isFalse();

    // a save refused for another reason (no such project) leaves the event unmarked, for the redelivery to run
    assertThat(Fixtures.code(store.saveTask(Fixtures.task("t3", "nope", TaskStatus.QUEUED, 3), "feishu:evt-u")))
        .isEqualTo(Failures.NOT_FOUND);
    assertThat(store.eventSeen("feishu:evt-u").await()).isFalse();
    assertThat(Fixtures.count(db, "SELECT count(*) FROM tasks")).isEqualTo(1);
  }

  @Test
  @DisplayName("event.mark is fresh only the first time a key is seen, even when marks race")
  void eventDedupe() {
    assertThat(store.markEvent("evt-1").await()).isTrue();
    assertThat(store.markEvent("evt-1").await()).isFalse();
    assertThat(store.markEvent("evt-2").await()).isTrue();

    List<Future<Boolean>> racing = new ArrayList<>();
    for (int i = 0; i < 50; i++) racing.add(store.markEvent("evt-race"));
    Future.all(racing).await();
    assertThat(racing.stream().filter(Future::result).count()).isOne();
  }

  @Test
  @DisplayName("seen keys older than seven days are forgotten at start")
  void prunesOldEvents(Vertx vertx) throws Exception {
    store.markEvent("recent").await();
    vertx.undeploy(deployment).await();
    long eightDaysAgo = System.currentTimeMillis() - 8L * 24 * 60 * 60 * 1000;
    Fixtures.exec(db, "INSERT INTO processed_events VALUES ('ancient', " + eightDaysAgo + ")");

    Fixtures.deploy(vertx, Fixtures.config(db));
    assertThat(store.markEvent("ancient").await()).isTrue();
    assertThat(store.markEvent("recent").await()).isFalse();
  }

  @Test
  @DisplayName("access entries are added once, listed in order and removed")
  void access() {
    assertThat(store.addAccess(new AccessEntry("feishu", "ou_1", "owner", 0)).await()).isTrue();
    assertThat(store.addAccess(new AccessEntry("feishu", "ou_1", "user", 0)).await()).isFalse();
    assertThat(store.addAccess(new AccessEntry("slack", "U1", "user", 0)).await()).isTrue();

    List<AccessEntry> entries = store.accessList().await();
    assertThat(entries).extracting(AccessEntry::key).containsExactly("feishu:ou_1", "slack:U1");
    assertThat(entries.get(0).role()).isEqualTo("owner");
    assertThat(entries.get(0).addedAt()).isPositive();

    assertThat(store.removeAccess("feishu", "ou_1").await()).isTrue();
    assertThat(store.removeAccess("feishu", "ou_1").await()).isFalse();
    assertThat(store.accessList().await()).extracting(AccessEntry::key).containsExactly("slack:U1");
  }
}
