package dev.poco.gateway.slack;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.LateReply;
import dev.poco.gatewaykit.Markdown;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The intake, shared by both transports. HTTP (slack.md §1–§3): serves {@link Addresses#gatewayWebhook} for /platform/slack/events,
 * /platform/slack/interactive and /platform/slack/commands. The v0 signature is checked first over the exact bytes
 * ({@link SlackSignature}); a bad or stale one is answered 401 and nothing runs. An event is acked at once and handed
 * to the orchestrator (every delivery, retries included: de-duplication is the orchestrator's), whose {@link Reply}
 * is applied by placement. A button click is acked at once and its reply applied afterwards (chat.update of the
 * clicked message, a new message, an ephemeral one; a form as a modal, {@link SlackModals}); a modal's
 * {@code view_submission} is answered in the HTTP body with its {@code response_action}. A slash command is answered within the 3-second rule
 * ({@link LateReply}): in time with the reply's view as an ephemeral message, late with an empty 200 and the view
 * POSTed to the command's response_url. Socket Mode ({@link SlackSocketMode}, §5) acks each envelope itself and
 * calls the same {@link #event}, {@link #interaction} and {@link #command} with the envelope's payload.
 */
final class SlackIntake {
  private static final Logger log = LoggerFactory.getLogger(SlackIntake.class);
  /** How long a slash command waits for the orchestrator: under the edge's own {@link Bus#PLATFORM_ANSWER_MS}. */
  static final long COMMAND_ANSWER_MS = Bus.PLATFORM_ANSWER_MS - 600;
  private static final Reply LATE = Reply.of(View.notice("", ""));
  private static final RawHttpResponse EMPTY_OK = new RawHttpResponse(200, "text/plain", "");

  private final Vertx vertx;
  private final SlackApi api;
  private final SlackSignature signature;
  private final ButtonValues buttonValues;
  private final DebugRing debug;
  private final Runnable onEvent;
  private final Supplier<String> botUserId;
  private final long commandAnswerMs;
  private final SlackModals modals;
  private final SlackSessions sessions;

  SlackIntake(Vertx vertx, SlackApi api, SlackSignature signature, ButtonValues buttonValues, DebugRing debug,
      Runnable onEvent, Supplier<String> botUserId, long commandAnswerMs) {
    this(vertx, api, signature, buttonValues, debug, onEvent, botUserId, commandAnswerMs, null);
  }

  /** @param sessions the task threads shown (Slack's own Stop names a thread); null: agent_session_stopped ignored */
  SlackIntake(Vertx vertx, SlackApi api, SlackSignature signature, ButtonValues buttonValues, DebugRing debug,
      Runnable onEvent, Supplier<String> botUserId, long commandAnswerMs, SlackSessions sessions) {
    this.vertx = vertx;
    this.api = api;
    this.signature = signature;
    this.buttonValues = buttonValues;
    this.debug = debug;
    this.onEvent = onEvent;
    this.botUserId = botUserId;
    this.commandAnswerMs = commandAnswerMs;
    this.modals = new SlackModals(vertx, api, buttonValues, debug, this::applyToInteraction, commandAnswerMs);
    this.sessions = sessions;
  }

  void onWebhook(Message<JsonObject> msg) {
    RawHttpRequest req;
    byte[] body;
    try {
      req = RawHttpRequest.fromJson(msg.body());
      body = req.bodyBytes();
    } catch (RuntimeException e) {
      answer(msg, refuse(400, "unreadable webhook request"));
      return;
    }
    String refusal = signature.refusal(req.header("X-Slack-Request-Timestamp"), req.header("X-Slack-Signature"), body);
    if (refusal != null) {
      log.warn("Slack webhook {} from {} refused: {}", req.path(), req.remoteAddress(), refusal);
      debug.add(DebugRing.ERROR, new JsonObject().put("path", req.path()).put("refused", 401).put("reason", refusal));
      answer(msg, refuse(401, refusal));
      return;
    }
    String path = req.path() == null ? "" : req.path();
    try {
      if (path.endsWith("/events")) onEvents(req, msg);
      else if (path.endsWith("/interactive")) onInteractive(req, msg);
      else if (path.endsWith("/commands")) onCommand(req, msg);
      else answer(msg, refuse(404, "no such Slack route: " + path));
    } catch (RuntimeException e) {
      debug.add(DebugRing.ERROR, new JsonObject().put("path", path).put("error", "unreadable: " + e.getMessage()));
      answer(msg, refuse(400, "unreadable Slack payload"));
    }
  }

  // ---- Events API ----

  private void onEvents(RawHttpRequest req, Message<JsonObject> msg) {
    JsonObject envelope = new JsonObject(req.bodyText());
    if ("url_verification".equals(envelope.getString("type"))) {
      debug.add(DebugRing.INBOUND, new JsonObject().put("path", req.path()).put("answered", "url_verification"));
      answer(msg, new RawHttpResponse(200, "application/json",
          new JsonObject().put("challenge", envelope.getString("challenge")).encode()));
      return;
    }
    answer(msg, EMPTY_OK); // ack first: never wait for the orchestrator
    JsonObject delivery = new JsonObject().put("path", req.path());
    if (req.header("X-Slack-Retry-Num") != null) {
      delivery.put("retry_num", req.header("X-Slack-Retry-Num")).put("retry_reason", req.header("X-Slack-Retry-Reason"));
    }
    event(envelope, delivery);
  }

  /**
   * An Events API {@code event_callback} body, already acked (HTTP 200, or a Socket Mode {@code events_api}
   * envelope's ack): its message goes to the orchestrator (with its {@code event_id}, the orchestrator's key for
   * redeliveries) and the reply is applied by placement.
   *
   * @param delivery how it came, for the debug ring (path or envelope id, retry number and reason)
   */
  void event(JsonObject envelope, JsonObject delivery) {
    onEvent.run();
    String type = envelope.getString("type");
    debug.add(DebugRing.INBOUND, delivery.copy().put("type", type).put("event_id", envelope.getString("event_id")));
    if (!"event_callback".equals(type)) return;
    if (sessionStopped(envelope)) return;
    SlackEvents.Parsed<InboundMessage> parsed = SlackEvents.message(envelope, botUserId.get());
    if (parsed.value() == null) {
      debug.add(DebugRing.INBOUND, new JsonObject().put("event_id", envelope.getString("event_id"))
          .put("ignored", parsed.ignored()));
      return;
    }
    InboundMessage in = parsed.value();
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INBOUND, in.toJson(), Bus.EDGE_TIMEOUT_MS)
        .map(Reply::fromJson)
        .onSuccess(reply -> applyToMessage(in, reply))
        .onFailure(err -> {
          log.warn("the orchestrator did not answer Slack message {}: {}", in.messageId(), err.getMessage());
          debug.add(DebugRing.ERROR, new JsonObject().put("event_id", in.eventId()).put("message_id", in.messageId())
              .put("error", "orchestrator: " + err.getMessage()));
        });
  }

  /**
   * Slack's own Stop of an agent session (slack.md §10.3): the thread's task is stopped like its Stop button, and the
   * reply replaces the task message. True when the event was {@code agent_session_stopped} (handled or ignored).
   */
  private boolean sessionStopped(JsonObject envelope) {
    JsonObject e = envelope.getJsonObject("event");
    if (e == null || !AgentSessionStop.EVENT_TYPE.equals(e.getString("type"))) return false;
    CardIntent intent = sessions == null ? null : AgentSessionStop.intent(envelope, sessions);
    if (intent == null) {
      debug.add(DebugRing.INBOUND, new JsonObject().put("event_id", envelope.getString("event_id"))
          .put("ignored", "agent_session_stopped in a thread with no known task"));
      return true;
    }
    SlackEvents.Interaction stop = new SlackEvents.Interaction(intent, intent.chatId(), intent.messageId(), false,
        null, e.getString("thread_ts"), null);
    debug.add(DebugRing.INBOUND, new JsonObject().put("event_id", envelope.getString("event_id"))
        .put("intent_key", intent.intentKey()).put("request_id", intent.requestId()));
    sendIntent(stop, System.currentTimeMillis());
    return true;
  }

  /** A message's reply by placement: NEW in the channel (under the prompt's thread), EPHEMERAL to the user. */
  Future<?> applyToMessage(InboundMessage in, Reply reply) {
    String placement = reply.placement() == null ? Placement.NEW : reply.placement();
    if (reply.duplicate() || Placement.TOAST.equals(placement) || reply.view() == null) {
      chosen(in.eventId(), reply.duplicate() ? "duplicate" : placement, "none");
      return Future.succeededFuture();
    }
    View v = reply.view();
    Future<?> sent;
    if (Placement.EPHEMERAL.equals(placement)) {
      chosen(in.eventId(), placement, "user:" + in.userId());
      sent = api.postEphemeral(in.chatId(), in.userId(), SlackBlocks.fallbackText(v), blocks(v), in.threadId());
    } else {
      chosen(in.eventId(), placement, "channel:" + in.chatId() + (in.threadId() != null ? " thread:" + in.threadId() : ""));
      sent = api.postMessage(in.chatId(), SlackBlocks.fallbackText(v), blocks(v), in.threadId());
    }
    return sent.onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("event_id", in.eventId())
        .put("error", "reply: " + err.getMessage())));
  }

  // ---- interactivity ----

  private void onInteractive(RawHttpRequest req, Message<JsonObject> msg) {
    String payloadText = SlackEvents.formFields(req.bodyText()).get("payload");
    if (payloadText == null) {
      answer(msg, refuse(400, "interactive request without payload"));
      return;
    }
    JsonObject payload = new JsonObject(payloadText);
    JsonObject delivery = new JsonObject().put("path", req.path());
    if (answersInAck(payload)) { // the HTTP body carries the response_action (3-second rule)
      interaction(payload, delivery).onComplete(ar -> answer(msg, ar.succeeded() && ar.result() != null
          ? new RawHttpResponse(200, "application/json", ar.result().encode()) : EMPTY_OK));
      return;
    }
    answer(msg, EMPTY_OK); // ack first (3 s); the reply is applied by the Web API or response_url
    interaction(payload, delivery);
  }

  /** An interaction whose ack must carry the answer: a modal's {@code view_submission} (its response_action). */
  static boolean answersInAck(JsonObject payload) { return "view_submission".equals(payload.getString("type")); }

  /**
   * An interactivity payload (the JSON object: form {@code payload=} over HTTP, an {@code interactive} envelope's
   * payload in Socket Mode). A {@code block_actions} click, already acked, goes to the orchestrator as a CardIntent
   * and its reply is applied afterwards: a form opens as a modal while the click's trigger lasts ({@link SlackModals}),
   * else goes where its placement says; a click inside a PoCo modal is {@link SlackModals#click}. A
   * {@code view_submission} of a PoCo modal ({@link #answersInAck}) completes, within the 3-second rule, with the
   * {@code response_action} to answer; anything else (a view PoCo never opened...) is ignored. Completes with null
   * when there is nothing to answer.
   */
  Future<JsonObject> interaction(JsonObject payload, JsonObject delivery) {
    onEvent.run();
    if (answersInAck(payload) || SlackModals.fromModal(payload)) {
      if (!SlackModals.fromModal(payload)) {
        debug.add(DebugRing.INBOUND, delivery.copy().put("ignored", "a view PoCo did not open"));
        return Future.succeededFuture(null);
      }
      if (answersInAck(payload)) return modals.submission(payload, delivery);
      modals.click(payload, delivery);
      return Future.succeededFuture(null);
    }
    long clickedAt = System.currentTimeMillis();
    SlackEvents.Parsed<SlackEvents.Interaction> parsed = SlackEvents.interaction(payload, buttonValues);
    if (parsed.value() == null) {
      debug.add(DebugRing.INBOUND, delivery.copy().put("ignored", parsed.ignored()));
      return Future.succeededFuture(null);
    }
    SlackEvents.Interaction action = parsed.value();
    debug.add(DebugRing.INBOUND, delivery.copy().put("intent_key", action.intent().intentKey())
        .put("request_id", action.intent().requestId()));
    sendIntent(action, clickedAt);
    return Future.succeededFuture(null);
  }

  /** An intent to the orchestrator; its reply applied as a click's (a form opens as a modal while the trigger lasts). */
  private void sendIntent(SlackEvents.Interaction action, long clickedAt) {
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, action.intent().toJson(), Bus.EDGE_TIMEOUT_MS)
        .map(Reply::fromJson)
        .onSuccess(reply -> modals.open(action, reply, clickedAt)
            .onSuccess(opened -> {
              if (!opened) applyToInteraction(action, reply);
            }))
        .onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("request_id", action.intent().requestId())
            .put("error", "orchestrator: " + err.getMessage())));
  }

  /**
   * A click's reply by placement: REPLACE updates the clicked message (by response_url when it is ephemeral, or when
   * chat.update refuses), NEW posts, EPHEMERAL posts to the clicking user only, TOAST (Slack has none) posts the
   * toast text ephemerally, or nothing when there is none.
   */
  Future<?> applyToInteraction(SlackEvents.Interaction a, Reply reply) {
    String placement = reply.placement() == null ? Placement.REPLACE : reply.placement();
    String requestId = a.intent().requestId();
    String user = a.intent().userId();
    if (reply.duplicate()) {
      chosen(requestId, "duplicate", "none");
      return Future.succeededFuture();
    }
    Future<?> done;
    if (Placement.TOAST.equals(placement) || reply.view() == null) {
      if (reply.toast() == null || reply.toast().isBlank() || a.channelId() == null) {
        chosen(requestId, placement, "none");
        return Future.succeededFuture();
      }
      chosen(requestId, placement, "ephemeral toast:" + user);
      done = api.postEphemeral(a.channelId(), user, Markdown.escapeSlack(reply.toast()), null, a.threadTs());
    } else {
      View v = reply.view();
      String text = SlackBlocks.fallbackText(v);
      JsonArray blocks = blocks(v);
      switch (placement) {
        case Placement.REPLACE -> {
          JsonObject viaUrl = new JsonObject().put("replace_original", true).put("text", text).put("blocks", blocks);
          if (a.ephemeral() || a.channelId() == null || a.messageTs() == null) {
            chosen(requestId, placement, "response_url");
            done = respondOrFail(a.responseUrl(), viaUrl);
          } else {
            chosen(requestId, placement, "update:" + a.channelId() + "/" + a.messageTs());
            done = api.update(a.channelId(), a.messageTs(), text, blocks).<Void>mapEmpty()
                .recover(err -> a.responseUrl() == null ? Future.failedFuture(err) : api.respond(a.responseUrl(), viaUrl));
          }
        }
        case Placement.EPHEMERAL -> {
          chosen(requestId, placement, "user:" + user);
          done = a.channelId() != null ? api.postEphemeral(a.channelId(), user, text, blocks, a.threadTs())
              : respondOrFail(a.responseUrl(), new JsonObject().put("response_type", "ephemeral")
                  .put("replace_original", false).put("text", text).put("blocks", blocks));
        }
        default -> {
          chosen(requestId, Placement.NEW, "channel:" + a.channelId());
          done = a.channelId() != null ? api.postMessage(a.channelId(), text, blocks, a.threadTs())
              : api.openDm(user).compose(dm -> api.postMessage(dm, text, blocks, null));
        }
      }
    }
    return done.onFailure(err -> debug.add(DebugRing.ERROR, new JsonObject().put("request_id", requestId)
        .put("error", "interaction reply: " + err.getMessage())));
  }

  // ---- slash commands ----

  private void onCommand(RawHttpRequest req, Message<JsonObject> msg) {
    command(SlackEvents.formFields(req.bodyText()), new JsonObject().put("path", req.path()))
        .onSuccess(body -> answer(msg, body == null ? EMPTY_OK
            : new RawHttpResponse(200, "application/json", body.encode())))
        .onFailure(err -> answer(msg, refuse(400, err.getMessage())));
  }

  /**
   * A slash command's fields (the form over HTTP, a {@code slash_commands} envelope's payload in Socket Mode): asks
   * the orchestrator and completes within the 3-second rule ({@link LateReply}, {@code commandAnswerMs}) with the
   * message to answer at once (the HTTP 200 body, or the envelope ack's {@code payload}), or null for an empty
   * answer; a later reply is POSTed to the command's response_url. Fails only when the fields are not a command
   * (HTTP answers 400).
   */
  Future<JsonObject> command(Map<String, String> fields, JsonObject delivery) {
    onEvent.run();
    SlackEvents.Parsed<SlackEvents.SlashCommand> parsed = SlackEvents.slashCommand(fields);
    if (parsed.value() == null) {
      debug.add(DebugRing.INBOUND, delivery.copy().put("ignored", parsed.ignored()));
      return Future.failedFuture(parsed.ignored());
    }
    SlackEvents.SlashCommand cmd = parsed.value();
    debug.add(DebugRing.INBOUND, delivery.copy().put("command", cmd.command()).put("channel", cmd.message().chatId()));
    Future<Reply> reply = Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INBOUND, cmd.message().toJson(),
        Bus.EDGE_TIMEOUT_MS).map(Reply::fromJson);
    return LateReply.answerWithin(vertx, reply, commandAnswerMs, LATE,
        late -> {
          JsonObject body = commandMessage(late);
          if (body == null || cmd.responseUrl() == null) {
            chosen(null, "late", "none");
            return;
          }
          chosen(null, "late", "response_url");
          api.respond(cmd.responseUrl(), body).onFailure(err -> debug.add(DebugRing.ERROR,
              new JsonObject().put("command", cmd.command()).put("error", "response_url: " + err.getMessage())));
        },
        err -> debug.add(DebugRing.ERROR, new JsonObject().put("command", cmd.command())
            .put("error", "orchestrator (late): " + err.getMessage())))
        .map(r -> {
          if (r == LATE) return (JsonObject) null;
          JsonObject body = commandMessage(r);
          chosen(null, "in time", body == null ? "none" : body.getString("response_type"));
          return body;
        })
        .recover(err -> {
          debug.add(DebugRing.ERROR, new JsonObject().put("command", cmd.command())
              .put("error", "orchestrator: " + err.getMessage()));
          return Future.succeededFuture(new JsonObject().put("response_type", "ephemeral")
              .put("text", "PoCo could not answer just now; please try again."));
        });
  }

  /**
   * A slash command's answer as a Slack message: the view to the user only (a /poco reply is EPHEMERAL), in the
   * channel only when the reply says NEW; a TOAST as its text alone; a duplicate or an empty reply as nothing (null).
   */
  JsonObject commandMessage(Reply r) {
    if (r == null || r.duplicate()) return null;
    String placement = r.placement() == null ? Placement.EPHEMERAL : r.placement();
    if (Placement.TOAST.equals(placement) || r.view() == null) {
      return r.toast() == null || r.toast().isBlank() ? null
          : new JsonObject().put("response_type", "ephemeral").put("text", Markdown.escapeSlack(r.toast()));
    }
    return new JsonObject().put("response_type", Placement.NEW.equals(placement) ? "in_channel" : "ephemeral")
        .put("text", SlackBlocks.fallbackText(r.view())).put("blocks", blocks(r.view()));
  }

  private JsonArray blocks(View v) { return SlackBlocks.blocks(v, buttonValues); }

  private Future<Void> respondOrFail(String responseUrl, JsonObject body) {
    return responseUrl == null ? Future.failedFuture("no response_url") : api.respond(responseUrl, body);
  }

  private void chosen(String id, String placement, String target) {
    JsonObject d = new JsonObject().put("placement", placement).put("target", target);
    if (id != null) d.put("id", id);
    debug.add(DebugRing.REPLY, d);
  }

  private static RawHttpResponse refuse(int status, String reason) {
    return new RawHttpResponse(status, "application/json", new JsonObject().put("error", reason).encode());
  }

  private static void answer(Message<JsonObject> msg, RawHttpResponse resp) { msg.reply(resp.toJson()); }
}
