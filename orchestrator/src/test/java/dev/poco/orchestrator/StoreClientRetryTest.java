package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.Bus;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.runtime.InFlight;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StoreClientRetryTest {
  final Vertx vertx = Vertx.vertx();
  final InFlight inFlight = new InFlight();

  @AfterEach
  void close() { vertx.close().await(); }

  private static DeliveryOptions from(String node) { return new DeliveryOptions().addHeader(StoreOp.NODE_HEADER, node); }

  @Test
  void aCallWaitsForAStoreThatIsNotThereYet() {
    StoreClient store = new StoreClient(vertx, inFlight, 10_000);
    Future<JsonObject> info = store.info();
    vertx.setTimer(400, t -> vertx.eventBus().<JsonObject>consumer(StoreOp.INFO.address(),
        m -> m.reply(new JsonObject().put("ok", true), from("s1"))));
    assertThat(info.await().getBoolean("ok")).isTrue();
    assertThat(store.storeNode()).isEqualTo("s1");
  }

  @Test
  void givesUpAfterItsBoundAndDoesNotRetryARealError() {
    StoreClient store = new StoreClient(vertx, inFlight, 300);
    long t0 = System.currentTimeMillis();
    assertThatThrownBy(() -> store.info().await()).satisfies(e -> assertThat(Bus.code(e)).isEqualTo(503));
    assertThat(System.currentTimeMillis() - t0).isBetween(250L, 3_000L);

    AtomicInteger calls = new AtomicInteger();
    vertx.eventBus().consumer(StoreOp.TASK_GET.address(), m -> {
      calls.incrementAndGet();
      m.fail(404, "no task");
    }).completion().await();
    StoreClient patient = new StoreClient(vertx, inFlight, 10_000);
    assertThatThrownBy(() -> patient.task("t1").await()).satisfies(e -> assertThat(Bus.code(e)).isEqualTo(404));
    assertThat(calls.get()).isEqualTo(1);
  }

  @Test
  void aMarkWhoseAnswerWasLostWithItsNodeCountsAsFreshOnReplay() {
    StoreClient store = new StoreClient(vertx, inFlight, 10_000);
    List<Message<JsonObject>> held = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(StoreOp.INFO.address(), m -> m.reply(new JsonObject(), from("s1")))
        .completion().await();
    vertx.eventBus().<JsonObject>consumer(StoreOp.EVENT_MARK.address(), m -> {
      if (held.isEmpty()) {
        held.add(m); // applied, then the node dies before answering
        vertx.setTimer(50, t -> inFlight.nodeLeft("s1"));
      } else {
        m.reply(new JsonObject().put("fresh", false), from("s2"));
      }
    }).completion().await();
    store.info().await();
    assertThat(store.markEvent("evt-1").await()).isTrue();
    assertThat(store.storeNode()).isEqualTo("s2");
    // a mark that did not need a retry means what the store says
    assertThat(store.markEvent("evt-1").await()).isFalse();
  }

  @Test
  void savesOfOneTaskLandInOrderAcrossRetries() {
    StoreClient store = new StoreClient(vertx, inFlight, 10_000);
    List<String> stored = new ArrayList<>();
    Task t = new Task.Builder().taskId("t1").projectId("p1").prompt("x").status(TaskStatus.RUNNING).build();
    Future<Void> first = store.saveTask(t);
    Future<Void> second = store.saveTask(t.toBuilder().status(TaskStatus.COMPLETED).build());
    vertx.setTimer(300, x -> vertx.eventBus().<JsonObject>consumer(StoreOp.TASK_SAVE.address(), m -> {
      stored.add(m.body().getJsonObject("task").getString("status"));
      m.reply(new JsonObject());
    }));
    Future.all(first, second).await();
    assertThat(stored).containsExactly("running", "completed");
  }

  @Test
  void aCreateWhoseAnswerWasLostFindsItsOwnProjectOnReplay() {
    StoreClient store = new StoreClient(vertx, inFlight, 10_000);
    Project p = new Project("p1", "P", "feishu", "ou_1", 1, 1, null, null, List.of(), List.of(), List.of(), List.of());
    List<Message<JsonObject>> held = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(StoreOp.INFO.address(), m -> m.reply(new JsonObject(), from("s1")))
        .completion().await();
    vertx.eventBus().<JsonObject>consumer(StoreOp.PROJECT_CREATE.address(), m -> {
      if (held.isEmpty()) {
        held.add(m);
        vertx.setTimer(50, t -> inFlight.nodeLeft("s1"));
      } else {
        m.fail(409, "project 'p1' already exists");
      }
    }).completion().await();
    vertx.eventBus().<JsonObject>consumer(StoreOp.PROJECT_GET.address(), m -> m.reply(p.toJson(), from("s2")))
        .completion().await();
    store.info().await();
    assertThat(store.createProject(p).await().projectId()).isEqualTo("p1");
    // without a lost answer, a conflict is a conflict
    assertThatThrownBy(() -> store.createProject(p).await()).satisfies(e -> assertThat(Bus.code(e)).isEqualTo(409));
  }
}
