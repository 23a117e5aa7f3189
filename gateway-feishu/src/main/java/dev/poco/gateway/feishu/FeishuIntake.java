package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.Platforms;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.gatewaykit.LateReply;
import dev.poco.gatewaykit.Markdown;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Event and callback intake for both transports. Webhook (feishu.md §5, §6): serves {@link Addresses#gatewayWebhook} for /platform/feishu/events and
 * /platform/feishu/card-actions. Verifies first ({@link WebhookVerifier}); then an {@code im.message.receive_v1} is
 * acked at once and handed to the orchestrator, whose {@link Reply} is applied by its placement; a
 * {@code card.action.trigger} is answered within the 3-second rule ({@link LateReply}): in time with the toast and,
 * for REPLACE, the new card; late with {@code {}} now and the reply applied afterwards by patching or posting. The long
 * connection ({@link FeishuLongConn}) hands its plaintext envelopes to {@link #onMessage} and {@link #cardAnswer}.
 */
final class FeishuIntake {
  private static final Logger log = LoggerFactory.getLogger(FeishuIntake.class);
  /**
   * How long a card callback waits for the orchestrator: under the edge's own {@link Bus#PLATFORM_ANSWER_MS}, which
   * it spends waiting for this gateway, so our answer reaches the edge before it gives up.
   */
  static final long CALLBACK_ANSWER_MS = Bus.PLATFORM_ANSWER_MS - 600;
  private static final Reply LATE = Reply.of(View.notice("", ""));
  private static final String OK = new JsonObject().put("msg", "success").encode();

  private final Vertx vertx;
  private final FeishuApi api;
  private final WebhookVerifier verifier;
  private final DebugRing debug;
  private final Runnable onEvent;
  private final long intentTimeoutMs;
  /** chat_id → dm|group as seen on messages, for callbacks (which do not say). */
  private final Map<String, String> chatTypes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) { return size() > 10_000; }
  };

  FeishuIntake(Vertx vertx, FeishuApi api, WebhookVerifier verifier, DebugRing debug, Runnable onEvent) {
    this(vertx, api, verifier, debug, onEvent, CALLBACK_ANSWER_MS);
  }

  FeishuIntake(Vertx vertx, FeishuApi api, WebhookVerifier verifier, DebugRing debug, Runnable onEvent,
      long intentTimeoutMs) {
    this.vertx = vertx;
    this.api = api;
    this.verifier = verifier;
    this.debug = debug;
    this.onEvent = onEvent;
    this.intentTimeoutMs = intentTimeoutMs;
  }

  void onWebhook(Message<JsonObject> msg) {
    RawHttpRequest req;
    try {
      req = RawHttpRequest.fromJson(msg.body());
    } catch (RuntimeException e) {
      answer(msg, WebhookVerifier.refuse(400, "unreadable webhook request").response());
      return;
    }
    WebhookVerifier.Outcome outcome = verifier.verify(req);
    if (outcome instanceof WebhookVerifier.Answer a) {
      if (a.refused()) {
        log.warn("Feishu webhook {} from {} refused ({}): {}", req.path(), req.remoteAddress(),
            a.response().status(), a.reason());
        debug.add(DebugRing.ERROR, new JsonObject().put("path", req.path()).put("refused", a.response().status())
            .put("reason", a.reason()));
      } else {
        debug.add(DebugRing.INBOUND, new JsonObject().put("path", req.path()).put("answered", a.reason()));
      }
      answer(msg, a.response());
      return;
    }
    WebhookVerifier.Event event = (WebhookVerifier.Event) outcome;
    onEvent.run();
    debug.add(DebugRing.INBOUND, new JsonObject().put("path", req.path()).put("event_type", event.eventType())
        .put("event_id", event.eventId()));
    switch (event.eventType() == null ? "" : event.eventType()) {
      case FeishuEvents.MESSAGE_RECEIVE -> {
        answer(msg, new RawHttpResponse(200, "application/json", OK)); // ack first: never wait for the orchestrator
        onMessage(event.envelope());
      }
      case FeishuEvents.CARD_ACTION -> cardAnswer(event.envelope()).onComplete(ar ->
          answer(msg, callback(ar.succeeded() ? ar.result() : new JsonObject())));
      default -> answer(msg, new RawHttpResponse(200, "application/json",
          new JsonObject().put("msg", "ignored event type").encode()));
    }
  }

  // ---- messages ----

  void onMessage(JsonObject envelope) {
    FeishuEvents.Parsed<InboundMessage> parsed = FeishuEvents.message(envelope);
    if (parsed.value() == null) {
      debug.add(DebugRing.INBOUND, new JsonObject().put("ignored", parsed.ignored()));
      return;
    }
    InboundMessage in = parsed.value();
    chatTypes.put(in.chatId(), in.chatType());
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INBOUND, in.toJson(), Bus.EDGE_TIMEOUT_MS)
        .map(Reply::fromJson)
        .onSuccess(reply -> applyToMessage(in, reply))
        .onFailure(err -> {
          log.warn("the orchestrator did not answer Feishu message {}: {}", in.messageId(), err.getMessage());
          debug.add(DebugRing.ERROR, new JsonObject().put("event_id", in.eventId()).put("message_id", in.messageId())
              .put("error", "orchestrator: " + err.getMessage()));
        });
  }

  /** Applies a message's reply by its placement (RENDER.md): NEW/REPLACE reply in the chat, EPHEMERAL to the user. */
  Future<?> applyToMessage(InboundMessage in, Reply reply) {
    String placement = reply.placement() == null ? Placement.NEW : reply.placement();
    if (reply.duplicate() || Placement.TOAST.equals(placement)) {
      chosen(in.eventId(), reply.duplicate() ? "duplicate" : placement, "none");
      return Future.succeededFuture();
    }
    String content = FeishuCards.content(reply.view());
    Future<JsonObject> sent;
    if (Placement.EPHEMERAL.equals(placement) && Platforms.CHAT_GROUP.equals(in.chatType())) {
      // Feishu's notes know no ephemeral card: to the acting user alone, as a direct message from the bot; when the
      // bot cannot write to that user (outside the app's availability scope), a normal reply rather than nothing
      chosen(in.eventId(), placement, "user:" + in.userId());
      sent = api.send("open_id", in.userId(), "interactive", content).recover(err -> {
        chosen(in.eventId(), placement, "reply (direct message failed: " + err.getMessage() + ")");
        return replyInChat(in, content);
      });
    } else {
      sent = replyInChat(in, content);
      chosen(in.eventId(), placement, in.messageId() != null ? "reply:" + in.messageId() : "chat:" + in.chatId());
    }
    return sent.onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("event_id", in.eventId())
        .put("error", "reply: " + err.getMessage())));
  }

  /** A reply to the user's message (in its thread, if any), or a message in the chat when that is gone. */
  private Future<JsonObject> replyInChat(InboundMessage in, String content) {
    if (in.messageId() == null) return api.sendCard(in.chatId(), content);
    return api.reply(in.messageId(), "interactive", content, in.threadId() != null)
        .recover(err -> err instanceof FeishuApiException fe && fe.cardGone()
            ? api.sendCard(in.chatId(), content) : Future.failedFuture(err));
  }

  // ---- card callbacks ----

  /**
   * Handles a verified {@code card.action.trigger} from either transport and gives the callback answer (the webhook's
   * body, or the long connection's ack {@code data}): within the budget the toast and, for REPLACE, the new card; late
   * {@code {}} (the reply then patches or posts). Never fails: an error becomes an error toast.
   */
  Future<JsonObject> cardAnswer(JsonObject envelope) {
    FeishuEvents.Parsed<FeishuEvents.CardAction> parsed = FeishuEvents.cardAction(envelope, chatTypes);
    if (parsed.value() == null) {
      debug.add(DebugRing.INBOUND, new JsonObject().put("ignored", parsed.ignored()));
      return Future.succeededFuture(new JsonObject());
    }
    FeishuEvents.CardAction action = parsed.value();
    CardIntent intent = action.intent();
    Future<Reply> reply = Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, intent.toJson(),
        Bus.EDGE_TIMEOUT_MS).map(Reply::fromJson);
    return LateReply.answerWithin(vertx, reply, intentTimeoutMs, LATE,
        late -> applyLate(action, late),
        err -> debug.add(DebugRing.ERROR, new JsonObject().put("event_id", intent.eventId())
            .put("error", "orchestrator (late): " + err.getMessage())))
        .map(r -> {
          if (r == LATE) {
            chosen(intent.eventId(), "late", "answered {} now; the reply updates the card when it comes");
            return new JsonObject();
          }
          return answerInTime(action, r);
        })
        .recover(err -> {
          debug.add(DebugRing.ERROR, new JsonObject().put("event_id", intent.eventId())
              .put("error", "orchestrator: " + err.getMessage()));
          return Future.succeededFuture(FeishuCards.callbackAnswer("PoCo could not handle this (" + Bus.code(err)
              + ")", "error", null));
        });
  }

  /** The callback answer for a reply that came in time; a NEW view is posted alongside. */
  JsonObject answerInTime(FeishuEvents.CardAction action, Reply r) {
    String placement = r.placement() == null ? Placement.REPLACE : r.placement();
    String eventId = action.intent().eventId();
    if (r.duplicate()) {
      chosen(eventId, "duplicate", "none");
      return new JsonObject();
    }
    String toastType = r.isRefusal() ? "error" : "info";
    switch (placement) {
      case Placement.REPLACE -> {
        chosen(eventId, placement, "callback card");
        return FeishuCards.callbackAnswer(r.toast(), toastType, FeishuCards.card(r.view()));
      }
      case Placement.NEW -> {
        postNew(action, r);
        return FeishuCards.callbackAnswer(r.toast(), toastType, null);
      }
      case Placement.EPHEMERAL -> {
        // a toast is shown to the clicking user only: the ephemeral surface of a callback
        chosen(eventId, placement, "toast");
        return FeishuCards.callbackAnswer(r.toast() != null ? r.toast() : summary(r.view()), toastType, null);
      }
      default -> {
        chosen(eventId, placement, "toast");
        return FeishuCards.callbackAnswer(r.toast(), toastType, null);
      }
    }
  }

  /** A reply that came after the callback was answered: patch the clicked card, or post. */
  void applyLate(FeishuEvents.CardAction action, Reply r) {
    String placement = r.placement() == null ? Placement.REPLACE : r.placement();
    String eventId = action.intent().eventId();
    if (r.duplicate() || Placement.TOAST.equals(placement)) {
      chosen(eventId, "late " + (r.duplicate() ? "duplicate" : placement), "none");
      return;
    }
    String content = FeishuCards.content(r.view());
    Future<?> done;
    if (Placement.REPLACE.equals(placement) && action.openMessageId() != null) {
      chosen(eventId, "late " + placement, "patch:" + action.openMessageId());
      done = api.patchCard(action.openMessageId(), content).recover(err ->
          err instanceof FeishuApiException fe && fe.cardGone() && action.openChatId() != null
              ? api.sendCard(action.openChatId(), content).mapEmpty() : Future.<Void>failedFuture(err));
    } else if (Placement.EPHEMERAL.equals(placement)) {
      chosen(eventId, "late " + placement, "user:" + action.intent().userId());
      done = api.send("open_id", action.intent().userId(), "interactive", content);
    } else {
      done = postNew(action, r);
    }
    done.onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("event_id", eventId)
        .put("error", "late reply: " + err.getMessage())));
  }

  private Future<?> postNew(FeishuEvents.CardAction action, Reply r) {
    String eventId = action.intent().eventId();
    if (action.openChatId() == null) {
      chosen(eventId, Placement.NEW, "user:" + action.intent().userId());
      return api.send("open_id", action.intent().userId(), "interactive", FeishuCards.content(r.view()));
    }
    chosen(eventId, Placement.NEW, "chat:" + action.openChatId());
    return api.sendCard(action.openChatId(), FeishuCards.content(r.view()))
        .onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("event_id", eventId)
            .put("error", "post: " + err.getMessage())));
  }

  /** A view as one toast line: its title and the start of its body. */
  static String summary(View v) {
    String body = v.body() == null ? "" : v.body().strip();
    String text = v.title() == null || v.title().isBlank() ? body : body.isEmpty() ? v.title() : v.title() + ": " + body;
    return Markdown.truncateChars(text.replace('\n', ' '), 200);
  }

  private void chosen(String eventId, String placement, String target) {
    JsonObject d = new JsonObject().put("placement", placement).put("target", target);
    if (eventId != null) d.put("event_id", eventId);
    debug.add(DebugRing.REPLY, d);
  }

  private static RawHttpResponse callback(JsonObject body) {
    // callback answers are plain JSON, never encrypted, even in encrypted mode (feishu.md §6)
    return new RawHttpResponse(200, "application/json", body.encode());
  }

  private static void answer(Message<JsonObject> msg, RawHttpResponse resp) { msg.reply(resp.toJson()); }
}
