package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Intents;
import dev.poco.contract.Platforms;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The platform-free demo surface: chat commands and card clicks, answered with the view. Who speaks is the caller
 * EdgeGuard established (the trusted local user, or the token's user); a user id in the body is never believed.
 */
final class DemoRoutes {
  private final Vertx vertx;
  private final Responses responses;

  DemoRoutes(Vertx vertx, Responses responses) {
    this.vertx = vertx;
    this.responses = responses;
  }

  void mount(Router router) {
    router.post("/demo/command").handler(this::command);
    router.post("/demo/tasks/:task_id/approve").handler(ctx -> decide(ctx, Intents.TASK_APPROVE));
    router.post("/demo/tasks/:task_id/reject").handler(ctx -> decide(ctx, Intents.TASK_REJECT));
    router.get("/demo/cards/dm/projects").handler(this::home);
    router.post("/demo/card-actions").handler(this::cardAction);
  }

  private void command(RoutingContext ctx) {
    JsonObject body = Bodies.object(ctx);
    String text = Bodies.string(body, "text", "text", null);
    if (text == null) throw new HttpError(400, "field 'text' is required");
    EdgeGuard.Caller caller = EdgeGuard.caller(ctx);
    InboundMessage msg = new InboundMessage(Platforms.DEMO,
        Bodies.string(body, "chat_id", "chat_id", DemoIds.GROUP_CHAT), Platforms.CHAT_GROUP,
        caller.userId(), text, DemoIds.fresh("msg"), DemoIds.fresh("evt"), null, caller.trusted());
    answer(ctx, Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INBOUND, msg.toJson(), Bus.EDGE_TIMEOUT_MS), null, true);
  }

  private void decide(RoutingContext ctx, String intentKey) {
    String taskId = ctx.pathParam("task_id");
    String chatId = ctx.queryParams().get("chat_id");
    String requestId = DemoIds.fresh("req");
    JsonObject value = new JsonObject().put("intent_key", intentKey).put("request_id", requestId)
        .put("task_id", taskId);
    // With ?chat_id= the click comes from that chat and reaches its project's tasks only; without, from the DM.
    EdgeGuard.Caller caller = EdgeGuard.caller(ctx);
    boolean dm = chatId == null || chatId.isBlank();
    CardIntent intent = new CardIntent(Platforms.DEMO, dm ? DemoIds.DM_CHAT : chatId,
        dm ? Platforms.CHAT_DM : Platforms.CHAT_GROUP, caller.userId(), null, intentKey, requestId, value,
        new JsonObject(), caller.trusted());
    answer(ctx, intent(intent), taskId, true);
  }

  private void home(RoutingContext ctx) {
    String requestId = DemoIds.fresh("req");
    JsonObject value = new JsonObject().put("intent_key", Intents.HOME).put("request_id", requestId);
    EdgeGuard.Caller caller = EdgeGuard.caller(ctx);
    CardIntent intent = new CardIntent(Platforms.DEMO, DemoIds.DM_CHAT, Platforms.CHAT_DM, caller.userId(), null,
        Intents.HOME, requestId, value, new JsonObject(), caller.trusted());
    answer(ctx, intent(intent), null, false);
  }

  private void cardAction(RoutingContext ctx) {
    CardIntent intent = CardActionPayload.toIntent(Bodies.object(ctx), EdgeGuard.caller(ctx));
    answer(ctx, intent(intent), null, false);
  }

  private Future<JsonObject> intent(CardIntent intent) {
    return Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, intent.toJson(), Bus.EDGE_TIMEOUT_MS);
  }

  /**
   * Answers {ok, task_id?, status, toast?, view} from the orchestrator's Reply.
   *
   * @param taskId the task the request was about, when the reply names none
   * @param withStatus true to always include "status" (null when the view shows no task)
   */
  /** What a refusal says: the error of the form field it concerns (a form shown again), else the view's text. */
  static String refusalText(JsonObject view) {
    JsonArray inputs = view.getJsonArray("inputs");
    if (inputs != null) {
      for (int i = 0; i < inputs.size(); i++) {
        Object in = inputs.getValue(i);
        if (in instanceof JsonObject j && j.getString("error") != null) return j.getString("error");
      }
    }
    return view.getString("body", "refused");
  }

  private void answer(RoutingContext ctx, Future<JsonObject> reply, String taskId, boolean withStatus) {
    reply.onFailure(err -> ctx.fail(HttpErrors.fromBus(err, HttpErrors.ORCHESTRATOR))).onSuccess(r -> {
      JsonObject view = r.getJsonObject("view");
      if (view == null) {
        ctx.fail(new HttpError(502, "the orchestrator replied without a view"));
        return;
      }
      int refused = r.getInteger("refused", 0);
      if (refused > 0) {
        // A refusal (not allowed, not in this chat, a wrong pairing code): an error, with the view's sentence.
        ctx.fail(new HttpError(refused >= 400 && refused <= 599 ? refused : 403, refusalText(view)));
        return;
      }
      JsonObject out = new JsonObject().put("ok", true);
      String id = r.getString("task_id", taskId);
      if (id != null) out.put("task_id", id);
      if (withStatus || view.getString("status") != null) out.put("status", view.getString("status"));
      if (r.getString("toast") != null) out.put("toast", r.getString("toast"));
      responses.ok(ctx, out.put("view", view));
    });
  }
}
