package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Intents;
import dev.poco.contract.Placement;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The task card's Continue and Steer buttons, and the New form's field error, clicked as a Feishu gateway delivers
 * them over the bus, against the stub agent (which fails on FAIL, sleeps on SLOW and takes a steer mid-turn).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Continue a failed task, Steer a queued one, and a taken project name answered on its input")
class ContinueSteerIT {
  static final String PLATFORM = "feishu";
  static final String ALICE = "ou_alice";

  @TempDir Path home;

  private static Map<String, String> config() {
    return Map.of(ConfigKeys.ALLOWED_USERS, PLATFORM + ":" + ALICE, ConfigKeys.STUB_SLOW_SECONDS, "60");
  }

  /** The gateway side: every chat create gets a new group id; every render is acknowledged. */
  private static List<String> serveChats(EmbeddedPoco poco) {
    List<String> chats = new CopyOnWriteArrayList<>();
    poco.vertx.eventBus().<JsonObject>consumer(Addresses.gatewayChat(PLATFORM), msg -> {
      String id = "oc_" + (chats.size() + 1);
      if ("create".equals(msg.body().getString("op"))) chats.add(id);
      msg.reply(new JsonObject().put("chat_id", id));
    });
    poco.vertx.eventBus().<JsonObject>consumer(Addresses.gatewayRender(PLATFORM), msg -> msg.reply(new JsonObject()));
    return chats;
  }

  private static String createProject(BusGateway gw, List<String> chats, String name) {
    JsonObject created = gw.click(null, ALICE, Intents.PROJECT_CREATE, new JsonObject().put("name", name));
    assertThat(BusGateway.refused(created)).as(created.encode()).isZero();
    return chats.get(chats.size() - 1);
  }

  private static JsonObject action(JsonObject reply, String intent) {
    JsonArray actions = reply.getJsonObject("view").getJsonArray("actions");
    for (int i = 0; i < actions.size(); i++) {
      if (intent.equals(actions.getJsonObject(i).getString("intent_key"))) return actions.getJsonObject(i);
    }
    return null;
  }

  @Test
  @DisplayName("a FAIL task's Continue: a new task in the same project and session, told how the first ended; only"
      + " from the task's chat, only for an ended task")
  void continueAfterFailure() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      Demo demo = new Demo(poco.http);
      String chat = createProject(gw, chats, "continue-me");
      String other = createProject(gw, chats, "someone-else");
      String failedId = gw.message(chat, ALICE, "refactor the parser FAIL").getString("task_id");
      JsonObject failed = demo.awaitDone(failedId, 20);
      assertThat(failed.getString("status")).isEqualTo("failed");
      assertThat(failed.getString("session_id")).isNotNull();

      // Like every task intent, only from the task's own chat (TaskScope): from another, the task is not found.
      assertThatThrownBy(() -> gw.click(other, ALICE, Intents.TASK_CONTINUE, new JsonObject().put("task_id", failedId)))
          .hasMessageContaining("not found");

      JsonObject reply = gw.click(chat, ALICE, Intents.TASK_CONTINUE, new JsonObject().put("task_id", failedId));
      assertThat(BusGateway.refused(reply)).as(reply.encode()).isZero();
      assertThat(reply.getString("toast")).isEqualTo("Continuing");
      assertThat(reply.getString("placement")).isEqualTo(Placement.TOAST);
      String next = reply.getString("task_id");
      assertThat(next).isNotNull().isNotEqualTo(failedId);
      JsonObject cont = demo.awaitDone(next, 20);
      assertThat(cont.getString("project_id")).isEqualTo(failed.getString("project_id"));
      assertThat(cont.getString("prompt")).startsWith("Continue the previous task (failed: stub failure requested)")
          .contains("refactor the parser").endsWith("Carry on from there.");
      assertThat(cont.getString("session_id")).as("the project's session goes on").isEqualTo(failed.getString("session_id"));

      String doneId = gw.message(chat, ALICE, "Reply with exactly: FINE").getString("task_id");
      assertThat(demo.awaitDone(doneId, 20).getString("status")).isEqualTo("completed");
      assertThatThrownBy(() -> gw.click(chat, ALICE, Intents.TASK_CONTINUE, new JsonObject().put("task_id", doneId)))
          .hasMessageContaining("can be continued");
    }
  }

  @Test
  @DisplayName("Steer on a queued task behind a SLOW turn: its prompt goes into the turn and it leaves the queue;"
      + " behind a turn that is not running it stays queued and the toast says so")
  void steerQueued() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      Demo demo = new Demo(poco.http);
      String chat = createProject(gw, chats, "steer-me");

      String slow = gw.message(chat, ALICE, "SLOW first").getString("task_id");
      demo.awaitStatus(slow, "running", 5_000);
      JsonObject queuedReply = gw.message(chat, ALICE, "also check the README");
      String queued = queuedReply.getString("task_id");
      assertThat(demo.task(queued).getString("status")).isEqualTo("queued");
      assertThat(action(queuedReply, Intents.TASK_STEER)).as("the queued card offers Steer").isNotNull();

      JsonObject steered = gw.click(chat, ALICE, Intents.TASK_STEER, new JsonObject().put("task_id", queued));
      assertThat(BusGateway.refused(steered)).as(steered.encode()).isZero();
      assertThat(steered.getString("toast")).isEqualTo("Sent to the running turn");
      assertThat(steered.getString("placement")).isEqualTo(Placement.TOAST);
      JsonObject gone = demo.task(queued);
      assertThat(gone.getString("status")).isEqualTo("completed");
      assertThat(gone.getString("result")).contains(slow);
      assertThat(gone.getString("started_at")).as("never run as a task of its own").isNull();
      demo.awaitOutput(slow, "steered: also check the README");
      assertThat(demo.task(slow).getString("status")).isEqualTo("running");
      gw.click(chat, ALICE, Intents.TASK_STOP, new JsonObject().put("task_id", slow));
      demo.awaitDone(slow, 20);

      // Behind a task that waits for confirmation no turn runs: Steer leaves the task queued.
      String waiting = gw.message(chat, ALICE, "confirm: SLOW deploy").getString("task_id");
      demo.awaitStatus(waiting, "waiting_confirmation", 5_000);
      String later = gw.message(chat, ALICE, "then tidy up").getString("task_id");
      JsonObject refused = gw.click(chat, ALICE, Intents.TASK_STEER, new JsonObject().put("task_id", later));
      assertThat(BusGateway.refused(refused)).as(refused.encode()).isZero();
      assertThat(refused.getString("toast")).contains("stays queued");
      assertThat(demo.task(later).getString("status")).isEqualTo("queued");
      gw.click(chat, ALICE, Intents.TASK_REJECT, new JsonObject().put("task_id", waiting));
      assertThat(demo.awaitDone(later, 20).getString("status")).as("it still runs, in its turn").isEqualTo("completed");
    }
  }

  @Test
  @DisplayName("a taken project name, a refused typed dir, an unknown agent: the form again, the typed value kept, the"
      + " error on its input")
  void takenNameOnItsInput() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config())) {
      List<String> chats = serveChats(poco);
      BusGateway gw = new BusGateway(poco.vertx, PLATFORM);
      createProject(gw, chats, "twice");
      JsonObject again = gw.click(null, ALICE, Intents.PROJECT_CREATE, new JsonObject().put("name", "twice"));
      assertThat(BusGateway.refused(again)).as(again.encode()).isZero();
      JsonObject view = again.getJsonObject("view");
      assertThat(view.getString("kind")).isEqualTo("project_new");
      JsonObject name = view.getJsonArray("inputs").getJsonObject(0);
      assertThat(name.getString("name")).isEqualTo("name");
      assertThat(name.getString("value")).isEqualTo("twice");
      assertThat(name.getString("error")).contains("already exists");
      assertThat(chats).hasSize(1);

      // A typed working dir the runner refuses, and an unknown agent: each form again, the error on its input.
      String chat = chats.get(0);
      JsonObject dir = gw.click(chat, ALICE, Intents.WORKDIR_MANUAL,
          new JsonObject().put("path", "/no/such/dir/outside/the/roots"));
      assertThat(BusGateway.refused(dir)).as(dir.encode()).isZero();
      assertThat(dir.getJsonObject("view").getString("kind")).isEqualTo("workdir");
      JsonObject path = dir.getJsonObject("view").getJsonArray("inputs").getJsonObject(0);
      assertThat(path.getString("name")).isEqualTo("path");
      assertThat(path.getString("value")).isEqualTo("/no/such/dir/outside/the/roots");
      assertThat(path.getString("error")).isNotBlank();
      JsonObject agent = gw.click(chat, ALICE, Intents.AGENT_APPLY, new JsonObject().put("backend", "nope"));
      assertThat(BusGateway.refused(agent)).as(agent.encode()).isZero();
      JsonObject select = agent.getJsonObject("view").getJsonArray("inputs").getJsonObject(0);
      assertThat(select.getString("name")).isEqualTo("backend");
      assertThat(select.getString("error")).contains("Unknown agent backend 'nope'");
    }
  }
}
