package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Intents;
import dev.poco.contract.Reply;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("The /demo surface")
class DemoRoutesTest {

  /** An orchestrator that queues a task per message and answers intents by key, failing the unknown ones. */
  static FakeBus orchestrator(Vertx vertx) {
    return new FakeBus(vertx)
        .reply(Addresses.ORCHESTRATOR_INBOUND, msg -> new Reply(Fixtures.taskView("t1", TaskStatus.QUEUED), "t1",
            "Task queued").toJson())
        .reply(Addresses.ORCHESTRATOR_INTENT, body -> {
          CardIntent intent = CardIntent.fromJson(body);
          return switch (intent.intentKey()) {
            case Intents.HOME, Intents.PROJECT_CREATE -> Reply.of(Fixtures.homeView()).toJson();
            case Intents.TASK_APPROVE -> new Reply(Fixtures.taskView(intent.param("task_id"), TaskStatus.RUNNING),
                null, "Approved").toJson();
            case Intents.TASK_REJECT -> Reply.of(Fixtures.taskView(intent.param("task_id"), TaskStatus.CANCELLED))
                .toJson();
            case "admin.only" -> throw Bus.error(Failures.FORBIDDEN, "you are not on the access list");
            default -> throw Bus.error(Failures.BAD_REQUEST, "unknown intent '" + intent.intentKey() + "'");
          };
        });
  }

  static Future<Edge> start(Vertx vertx, FakeBus bus, JsonObject config) {
    return bus.ready().compose(v -> Edge.deploy(vertx, config));
  }

  @Test
  @DisplayName("sends a command as a trusted demo message on loopback and answers with the task view")
  void command(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject())
        .compose(edge -> edge.post("/demo/command", new JsonObject().put("text", "/run Reply with exactly: DEMO_OK")))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          JsonObject body = resp.bodyAsJsonObject();
          assertThat(body.getBoolean("ok")).isTrue();
          assertThat(body.getString("task_id")).isEqualTo("t1");
          assertThat(body.getString("status")).isEqualTo("queued");
          assertThat(body.getString("toast")).isEqualTo("Task queued");
          assertThat(body.getJsonObject("view")).isEqualTo(Fixtures.taskView("t1", TaskStatus.QUEUED).toJson());
          InboundMessage sent = InboundMessage.fromJson(bus.last(Addresses.ORCHESTRATOR_INBOUND));
          assertThat(sent.platform()).isEqualTo("demo");
          assertThat(sent.chatId()).isEqualTo("demo");
          assertThat(sent.chatType()).isEqualTo("group");
          assertThat(sent.userId()).isEqualTo("demo_user");
          assertThat(sent.text()).isEqualTo("/run Reply with exactly: DEMO_OK");
          assertThat(sent.trusted()).isTrue();
          assertThat(sent.messageId()).isNotBlank();
          assertThat(sent.eventId()).isNotBlank();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("uses the given chat, ignores a user_id in the body, and gives every command fresh message and event ids")
  void commandIds(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> edge.post("/demo/command", new JsonObject().put("text", "a"))
            .compose(r -> edge.post("/demo/command", new JsonObject().put("text", "b").put("chat_id", "oc_x")
                .put("user_id", "ou_y"))))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          List<InboundMessage> sent = bus.received(Addresses.ORCHESTRATOR_INBOUND).stream()
              .map(InboundMessage::fromJson).toList();
          assertThat(sent).hasSize(2);
          assertThat(sent.get(1).chatId()).isEqualTo("oc_x");
          assertThat(sent.get(1).userId()).isEqualTo("demo_user");
          assertThat(sent.get(1).trusted()).isTrue();
          assertThat(sent.get(0).messageId()).isNotEqualTo(sent.get(1).messageId());
          assertThat(sent.get(0).eventId()).isNotEqualTo(sent.get(1).eventId());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("with POCO_DEMO_TRUST_LOCAL false, speaks for the token's user, access-checked, whatever user_id says")
  void untrusted(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    JsonObject spoofed = new JsonObject().put("text", "hi").put("user_id", "ou_the_owner");
    JsonObject action = action(new JsonObject().put("intent_key", Intents.HOME));
    JsonObject config = new JsonObject().put(ConfigKeys.DEMO_TRUST_LOCAL, "false")
        .put(ConfigKeys.HTTP_TOKEN, "tok-untrusted-123").put(ConfigKeys.HTTP_TOKEN_USER, "alice");
    start(vertx, bus, config).compose(edge -> Future.all(
            edge.request(HttpMethod.POST, "/demo/command").bearerTokenAuthentication("tok-untrusted-123")
                .sendJsonObject(spoofed),
            edge.request(HttpMethod.POST, "/demo/card-actions").bearerTokenAuthentication("tok-untrusted-123")
                .sendJsonObject(action)))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          InboundMessage sent = InboundMessage.fromJson(bus.last(Addresses.ORCHESTRATOR_INBOUND));
          assertThat(sent.userId()).isEqualTo("alice");
          assertThat(sent.trusted()).isFalse();
          CardIntent click = CardIntent.fromJson(bus.last(Addresses.ORCHESTRATOR_INTENT));
          assertThat(click.userId()).isEqualTo("alice");
          assertThat(click.trusted()).isFalse();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("off loopback, the token's holder is the trusted operator, named by POCO_HTTP_TOKEN_USER (default owner)")
  void tokenOffLoopback(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    JsonObject config = new JsonObject().put(ConfigKeys.HTTP_HOST, "0.0.0.0").put(ConfigKeys.HTTP_TOKEN, "tok-wide-456");
    start(vertx, bus, config).compose(edge -> edge.request(HttpMethod.POST, "/demo/command")
            .bearerTokenAuthentication("tok-wide-456").sendJsonObject(new JsonObject().put("text", "hi")
                .put("user_id", "mallory")))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          InboundMessage sent = InboundMessage.fromJson(bus.last(Addresses.ORCHESTRATOR_INBOUND));
          assertThat(sent.userId()).isEqualTo("owner");
          assertThat(sent.trusted()).isTrue();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("rejects malformed JSON, a missing or blank text and a non-object body with 400 JSON")
  void badCommands(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> Future.all(List.of(
            edge.post("/demo/command", "application/json", Buffer.buffer("{\"text\": ")),
            edge.post("/demo/command", new JsonObject()),
            edge.post("/demo/command", new JsonObject().put("text", "   ")),
            edge.post("/demo/command", "application/json", Buffer.buffer("[1, 2]")),
            edge.post("/demo/command", new JsonObject().put("text", 42)))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<JsonObject> bodies = all.<HttpResponse<Buffer>>list().stream().map(r -> {
            assertThat(r.statusCode()).isEqualTo(400);
            return r.bodyAsJsonObject();
          }).toList();
          assertThat(bodies.get(0).getString("error")).startsWith("malformed JSON: ");
          assertThat(bodies.get(0).getBoolean("ok")).isFalse();
          assertThat(bodies.get(0).getInteger("code")).isEqualTo(400);
          assertThat(bodies.get(1).getString("error")).isEqualTo("field 'text' is required");
          assertThat(bodies.get(2).getString("error")).isEqualTo("field 'text' is required");
          assertThat(bodies.get(3).getString("error")).isEqualTo("malformed JSON: expected an object");
          assertThat(bodies.get(4).getString("error")).isEqualTo("field 'text' must be a string");
          assertThat(bus.received(Addresses.ORCHESTRATOR_INBOUND)).isEmpty();
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("a refusal from the orchestrator is an error with its code and sentence, never ok:true")
  void refusal(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.ORCHESTRATOR_INBOUND, msg -> Reply.refusal(Failures.FORBIDDEN,
        dev.poco.contract.View.notice("Not allowed", "Sorry, you are not allowed to use this PoCo."), "Not allowed")
        .toJson());
    start(vertx, bus, new JsonObject())
        .compose(edge -> edge.post("/demo/command", new JsonObject().put("text", "/run hi")))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(403);
          assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "Sorry, you are not allowed to use this PoCo.").put("code", 403));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("approves and rejects a task through card intents carrying the task id")
  void approveReject(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> edge.post("/demo/tasks/t7/approve")
            .compose(approved -> edge.post("/demo/tasks/t7/reject?chat_id=oc_group").map(r -> List.of(approved, r))))
        .onComplete(ctx.succeeding(resps -> ctx.verify(() -> {
          JsonObject approved = resps.get(0).bodyAsJsonObject();
          assertThat(resps.get(0).statusCode()).isEqualTo(200);
          assertThat(approved.getBoolean("ok")).isTrue();
          assertThat(approved.getString("task_id")).isEqualTo("t7");
          assertThat(approved.getString("status")).isEqualTo("running");
          assertThat(approved.getJsonObject("view").getString("kind")).isEqualTo("task");
          assertThat(resps.get(1).bodyAsJsonObject().getString("status")).isEqualTo("cancelled");

          List<CardIntent> sent = bus.received(Addresses.ORCHESTRATOR_INTENT).stream()
              .map(CardIntent::fromJson).toList();
          CardIntent approve = sent.get(0);
          assertThat(approve.platform()).isEqualTo("demo");
          assertThat(approve.chatId()).as("without ?chat_id= the click comes from the DM").isEqualTo("demo_dm");
          assertThat(approve.chatType()).isEqualTo("dm");
          assertThat(approve.userId()).isEqualTo("demo_user");
          assertThat(approve.intentKey()).isEqualTo(Intents.TASK_APPROVE);
          assertThat(approve.trusted()).isTrue();
          assertThat(approve.requestId()).isNotBlank();
          assertThat(approve.value()).isEqualTo(new JsonObject().put("intent_key", Intents.TASK_APPROVE)
              .put("request_id", approve.requestId()).put("task_id", "t7"));
          assertThat(sent.get(1).intentKey()).isEqualTo(Intents.TASK_REJECT);
          assertThat(sent.get(1).chatId()).isEqualTo("oc_group");
          assertThat(sent.get(1).chatType()).isEqualTo("group");
          assertThat(sent.get(1).requestId()).isNotEqualTo(approve.requestId());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("shows the DM home card through the home intent in the demo DM")
  void dmProjects(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> edge.get("/demo/cards/dm/projects"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.bodyAsJsonObject())
              .isEqualTo(new JsonObject().put("ok", true).put("view", Fixtures.homeView().toJson()));
          CardIntent sent = CardIntent.fromJson(bus.last(Addresses.ORCHESTRATOR_INTENT));
          assertThat(sent.intentKey()).isEqualTo(Intents.HOME);
          assertThat(sent.chatType()).isEqualTo("dm");
          assertThat(sent.chatId()).isEqualTo("demo_dm");
          assertThat(sent.userId()).isEqualTo("demo_user");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maps the README's DM card-action payload, form values included, to a card intent")
  void cardActionDm(Vertx vertx, VertxTestContext ctx) {
    JsonObject payload = new JsonObject().put("event", new JsonObject()
        .put("operator", new JsonObject().put("open_id", "ou_demo_user"))
        .put("context", new JsonObject().put("open_message_id", "om_demo_card"))
        .put("action", new JsonObject()
            .put("value", new JsonObject().put("intent_key", "project.create").put("surface", "dm")
                .put("request_id", "req_demo_project_create_1"))
            .put("form_value", new JsonObject().put("name", "PoCo").put("backend", "codex"))));
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> edge.post("/demo/card-actions", payload))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.bodyAsJsonObject().getBoolean("ok")).isTrue();
          assertThat(resp.bodyAsJsonObject().getJsonObject("view").getString("kind")).isEqualTo("home");
          CardIntent sent = CardIntent.fromJson(bus.last(Addresses.ORCHESTRATOR_INTENT));
          assertThat(sent).isEqualTo(new CardIntent("demo", "demo_dm", "dm", "demo_user", "om_demo_card",
              "project.create", "req_demo_project_create_1", payload.getJsonObject("event").getJsonObject("action")
              .getJsonObject("value"), new JsonObject().put("name", "PoCo").put("backend", "codex"), true));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("maps a group card action to the open chat, and fills in a missing request id")
  void cardActionGroup(Vertx vertx, VertxTestContext ctx) {
    JsonObject payload = new JsonObject().put("event", new JsonObject()
        .put("operator", new JsonObject().put("open_id", "ou_1"))
        .put("context", new JsonObject().put("open_message_id", "om_1").put("open_chat_id", "oc_1"))
        .put("action", new JsonObject().put("value", new JsonObject().put("intent_key", Intents.TASK_APPROVE)
            .put("task_id", "t3"))));
    FakeBus bus = orchestrator(vertx);
    start(vertx, bus, new JsonObject()).compose(edge -> edge.post("/demo/card-actions", payload))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.bodyAsJsonObject().getString("toast")).isEqualTo("Approved");
          CardIntent sent = CardIntent.fromJson(bus.last(Addresses.ORCHESTRATOR_INTENT));
          assertThat(sent.chatType()).isEqualTo("group");
          assertThat(sent.chatId()).isEqualTo("oc_1");
          assertThat(sent.param("task_id")).isEqualTo("t3");
          assertThat(sent.requestId()).isNotBlank().isEqualTo(sent.value().getString("request_id"));
          assertThat(sent.form()).isEqualTo(new JsonObject());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("passes the orchestrator's 400 (unknown intent) and 403 (refused user) through, and needs an intent key")
  void intentErrors(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = orchestrator(vertx);
    JsonObject unknown = action(new JsonObject().put("intent_key", "no.such.intent"));
    JsonObject refused = action(new JsonObject().put("intent_key", "admin.only"));
    JsonObject keyless = action(new JsonObject().put("surface", "dm"));
    start(vertx, bus, new JsonObject()).compose(edge -> Future.all(List.of(edge.post("/demo/card-actions", unknown),
            edge.post("/demo/card-actions", refused), edge.post("/demo/card-actions", keyless))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> resps = all.list();
          assertThat(resps.get(0).statusCode()).isEqualTo(400);
          assertThat(resps.get(0).bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "unknown intent 'no.such.intent'").put("code", 400));
          assertThat(resps.get(1).statusCode()).isEqualTo(403);
          assertThat(resps.get(1).bodyAsJsonObject().getString("error")).isEqualTo("you are not on the access list");
          assertThat(resps.get(2).statusCode()).isEqualTo(400);
          assertThat(resps.get(2).bodyAsJsonObject().getString("error"))
              .isEqualTo("field 'event.action.value.intent_key' is required");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answers 503 JSON when no orchestrator is running")
  void noOrchestrator(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx).compose(edge -> Future.all(edge.post("/demo/command", new JsonObject().put("text", "hi")),
            edge.post("/demo/tasks/t1/approve"), edge.get("/demo/cards/dm/projects"), edge.get("/tasks")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          for (HttpResponse<Buffer> resp : all.<HttpResponse<Buffer>>list()) {
            assertThat(resp.statusCode()).isEqualTo(503);
            assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
                .put("error", "the orchestrator is not running").put("code", 503));
          }
          ctx.completeNow();
        })));
  }

  private static JsonObject action(JsonObject value) {
    return new JsonObject().put("event", new JsonObject().put("operator", new JsonObject().put("open_id", "ou_1"))
        .put("action", new JsonObject().put("value", value)));
  }
}
