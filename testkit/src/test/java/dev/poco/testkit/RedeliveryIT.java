package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.Addresses;
import dev.poco.contract.RenderAck;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Intents;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.orchestrator.StoreClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A platform redelivers an event (same event id) as Feishu and Slack do after a timeout, a failure or a restart: the
 * orchestrator, through the store, runs it once. Deliveries come over the bus as a gateway sends them.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Redelivered platform events run exactly once, after a success, a failure and a restart")
class RedeliveryIT {
  static final String PLATFORM = "feishu";
  static final String ALICE = "ou_alice";

  @TempDir Path home;

  /** Allowed Feishu user, short store retries so an outage fails a delivery within a second. */
  private static Map<String, String> config() {
    return Map.of(ConfigKeys.ALLOWED_USERS, PLATFORM + ":" + ALICE, ConfigKeys.STORE_RETRY_MS, "800");
  }

  /** The gateway side of project chats: every create gets a new group id, recorded. */
  private static List<String> serveChats(EmbeddedPoco poco) {
    List<String> chats = new CopyOnWriteArrayList<>();
    poco.vertx.eventBus().<JsonObject>consumer(Addresses.gatewayChat(PLATFORM), msg -> {
      String id = "oc_" + (chats.size() + 1);
      if ("create".equals(msg.body().getString("op"))) chats.add(id);
      msg.reply(new JsonObject().put("chat_id", id));
    });
    AtomicInteger posts = new AtomicInteger();
    poco.vertx.eventBus().<JsonObject>consumer(Addresses.gatewayRender(PLATFORM), msg -> msg.reply(new RenderAck("gw1",
        msg.body().getString("message_id", "om_" + posts.incrementAndGet()), false).toJson()));
    return chats;
  }

  private static String createProject(BusGateway gw, List<String> chats, String name) {
    JsonObject created = gw.click(null, ALICE, Intents.PROJECT_CREATE, new JsonObject().put("name", name));
    assertThat(BusGateway.refused(created)).as(created.encode()).isZero();
    return chats.get(chats.size() - 1);
  }

  private static List<Task> tasks(EmbeddedPoco poco, String prompt) {
    return new StoreClient(poco.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await().stream()
        .filter(t -> t.prompt().equals(prompt)).toList();
  }

  @Test
  @DisplayName("the same message event twice: one task; the second answer is marked duplicate and creates nothing")
  void sameEventTwice() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      Demo demo = new Demo(poco.http);
      String chat = createProject(gw, chats, "redeliver-once");

      JsonObject first = gw.message(chat, ALICE, "Reply with exactly: ONCE", "evt-once");
      assertThat(BusGateway.duplicate(first)).isFalse();
      String taskId = first.getString("task_id");
      assertThat(taskId).as(first.encode()).isNotBlank();
      JsonObject again = gw.message(chat, ALICE, "Reply with exactly: ONCE", "evt-once");
      assertThat(BusGateway.duplicate(again)).as(again.encode()).isTrue();
      assertThat(again.getString("task_id")).isNull();

      assertThat(demo.awaitDone(taskId, 10).getString("result")).isEqualTo("ONCE");
      assertThat(BusGateway.duplicate(gw.message(chat, ALICE, "Reply with exactly: ONCE", "evt-once"))).isTrue();
      assertThat(tasks(poco, "Reply with exactly: ONCE")).hasSize(1);

      // two deliveries of one event in flight together (two gateway instances): one runs, the other waits for it
      List<JsonObject> racing = List.of(gw.messageAsync(chat, ALICE, "Reply with exactly: RACE", "evt-race"),
          gw.messageAsync(chat, ALICE, "Reply with exactly: RACE", "evt-race")).stream().map(f -> f.await()).toList();
      assertThat(racing.stream().filter(BusGateway::duplicate).count()).as(racing.toString()).isOne();
      assertThat(racing.stream().filter(r -> r.getString("task_id") != null).count()).isOne();
      assertThat(tasks(poco, "Reply with exactly: RACE")).hasSize(1);
    }
  }

  @Test
  @DisplayName("the store away while a message is handled: that delivery fails and marks nothing; the redelivery once"
      + " the store is back runs the task once, a later one is a duplicate")
  void redeliveryAfterFailure() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      Demo demo = new Demo(poco.http);
      String chat = createProject(gw, chats, "redeliver-failed");

      poco.stopStore();
      assertThatThrownBy(() -> gw.message(chat, ALICE, "Reply with exactly: AGAIN", "evt-fail"))
          .as("the first delivery fails while the store is away").isNotNull();
      poco.startStore();

      JsonObject redelivered = gw.message(chat, ALICE, "Reply with exactly: AGAIN", "evt-fail");
      assertThat(BusGateway.duplicate(redelivered)).as(redelivered.encode()).isFalse();
      String taskId = redelivered.getString("task_id");
      assertThat(taskId).as(redelivered.encode()).isNotBlank();
      assertThat(demo.awaitDone(taskId, 10).getString("result")).isEqualTo("AGAIN");
      assertThat(BusGateway.duplicate(gw.message(chat, ALICE, "Reply with exactly: AGAIN", "evt-fail"))).isTrue();
      assertThat(tasks(poco, "Reply with exactly: AGAIN")).extracting(Task::taskId).containsExactly(taskId);
    }
  }

  @Test
  @DisplayName("a task's first save lost on the way to the store: the task is dropped (not stored, not run) and the"
      + " event stays unmarked; its redelivery runs it once")
  void firstSaveLost() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      Demo demo = new Demo(poco.http);
      String chat = createProject(gw, chats, "redeliver-lost");
      AtomicBoolean dropped = new AtomicBoolean();
      // The store is reached (the event was checked) but the task's save carrying the event never arrives.
      poco.vertx.eventBus().addOutboundInterceptor(ctx -> {
        Object body = ctx.message().body();
        if (ctx.message().address().equals(StoreOp.TASK_SAVE.address()) && body instanceof JsonObject j
            && "feishu:evt-lost".equals(j.getString("event_key")) && dropped.compareAndSet(false, true)) {
          return; // not passed on: the orchestrator's call times out
        }
        ctx.next();
      });

      assertThatThrownBy(() -> gw.message(chat, ALICE, "Reply with exactly: LOST", "evt-lost")).isNotNull();
      assertThat(dropped).isTrue();
      assertThat(tasks(poco, "Reply with exactly: LOST")).isEmpty();

      JsonObject redelivered = gw.message(chat, ALICE, "Reply with exactly: LOST", "evt-lost");
      String taskId = redelivered.getString("task_id");
      assertThat(taskId).as(redelivered.encode()).isNotBlank();
      assertThat(demo.awaitDone(taskId, 10).getString("result")).isEqualTo("LOST");
      assertThat(tasks(poco, "Reply with exactly: LOST")).extracting(Task::taskId).containsExactly(taskId);
      // the lane went on: the project runs the next prompt
      String next = gw.message(chat, ALICE, "Reply with exactly: NEXT", "evt-next").getString("task_id");
      assertThat(demo.awaitDone(next, 10).getString("result")).isEqualTo("NEXT");
    }
  }

  @Test
  @DisplayName("a project.create card callback redelivered after an orchestrator restart: one project, and the"
      + " redelivery's answer is a duplicate")
  void cardCallbackAcrossRestart() {
    JsonObject form = new JsonObject().put("name", "card-once");
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      serveChats(poco);
      JsonObject created = new BusGateway(poco.vertx, PLATFORM)
          .click(null, ALICE, Intents.PROJECT_CREATE, form, "req-card-1", "evt-card-1");
      assertThat(BusGateway.refused(created)).as(created.encode()).isZero();
      assertThat(BusGateway.duplicate(created)).isFalse();
    }
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      JsonObject again = new BusGateway(poco.vertx, PLATFORM)
          .click(null, ALICE, Intents.PROJECT_CREATE, form, "req-card-1", "evt-card-1");
      assertThat(BusGateway.duplicate(again)).as(again.encode()).isTrue();
      assertThat(chats).as("no second group was created").isEmpty();
      List<Project> projects = new StoreClient(poco.vertx.eventBus()).projects().await();
      assertThat(projects).extracting(Project::name).containsExactly("card-once");
    }
  }
}
