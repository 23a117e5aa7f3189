package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import dev.poco.contract.CardBound;
import dev.poco.contract.Platforms;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.gatewaykit.CardPacer;
import dev.poco.gatewaykit.CardVersions;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Shows {@link RenderRequest}s as Feishu cards (RENDER.md). A render not newer than the version shown is acked stale.
 * A task card goes as a CardKit card entity with its live output streamed ({@link FeishuStreamer}), through a
 * {@link CardPacer} of {@link FeishuStreamer#STREAM_INTERVAL_MS} per card. Every other card, and a task card whose
 * entity could not be created, goes as a card message through a pacer of at most one write per second per card (the
 * message PATCH fallback rate of GATEWAYS.md). Both: 50 writes/s for the app, latest wins, must-show never dropped. The first write of a card posts it (in the thread when the target has one); later
 * ones PATCH the message. A message that can no longer be patched (recalled, older than 14 days) gets a fresh card,
 * bound with a {@link CardBound}. The ack goes when the platform has this view or a newer one; a refusal fails the
 * render so the orchestrator retries a must-show.
 */
final class FeishuRenderer {
  /** The message PATCH fallback: one write per card per second (GATEWAYS.md "Rendering a task"). */
  static final long CARD_INTERVAL_MS = 1_000;

  private final FeishuApi api;
  private final String gatewayId;
  private final DebugRing debug;
  private final Consumer<CardBound> onRebound;
  private final CardVersions versions = new CardVersions();
  private final CardPacer<RenderRequest> pacer;
  private final CardPacer<RenderRequest> streamPacer;
  private final FeishuStreamer streamer;
  /** Messages replaced by a fresh card → the fresh one, until the orchestrator's renders name the new one. */
  private final Map<String, String> replaced = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) { return size() > 10_000; }
  };

  /** The newest render offered per card, so an older one arriving late does not replace it in the pacer. */
  private final Map<String, RenderRequest> newestOffered = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, RenderRequest> eldest) { return size() > 10_000; }
  };

  FeishuRenderer(Vertx vertx, FeishuApi api, String gatewayId, DebugRing debug, Consumer<CardBound> onRebound) {
    this(vertx, api, gatewayId, debug, onRebound, System::currentTimeMillis);
  }

  /** @param clock epoch ms, for the streaming sequence and the 10-minute streaming limit (tests move it) */
  FeishuRenderer(Vertx vertx, FeishuApi api, String gatewayId, DebugRing debug, Consumer<CardBound> onRebound,
      LongSupplier clock) {
    this.api = api;
    this.gatewayId = gatewayId;
    this.debug = debug;
    this.onRebound = onRebound;
    this.pacer = new CardPacer<>(vertx, CARD_INTERVAL_MS, PlatformLimits.FEISHU_APP_CALLS_PER_SECOND, this::write);
    this.streamPacer = new CardPacer<>(vertx, FeishuStreamer.STREAM_INTERVAL_MS,
        PlatformLimits.FEISHU_APP_CALLS_PER_SECOND, this::stream);
    this.streamer = new FeishuStreamer(vertx, new CardKitApi(api), versions, debug, clock, this::post, this::show,
        (r, id) -> onRebound.accept(new CardBound(Platforms.FEISHU, r.target().chatId(), id, r.taskId(), r.projectId(),
            gatewayId)));
  }

  Future<RenderAck> render(RenderRequest r) {
    if (versions.isStale(r)) {
      return Future.succeededFuture(new RenderAck(gatewayId, versions.postedMessage(r.cardKey()), true));
    }
    // the pacer's latest wins by arrival; renders may arrive out of order, so the newest version offered is what goes
    RenderRequest newest = newestOffered.get(r.cardKey());
    if (newest == null || newest.version() < r.version()) {
      newestOffered.put(r.cardKey(), r);
      newest = r;
    }
    CardPacer<RenderRequest> p = streamer.streams(newest) ? streamPacer : pacer;
    return p.offer(r.cardKey(), newest, r.mustShow())
        .map(v -> new RenderAck(gatewayId, versions.postedMessage(r.cardKey()), false));
  }

  void close() {
    pacer.close();
    streamPacer.close();
  }

  CardPacer<RenderRequest> pacer() { return pacer; }

  CardPacer<RenderRequest> streamPacer() { return streamPacer; }

  FeishuStreamer streamer() { return streamer; }

  /** Streaming figures and the cards that fell back to PATCH (with the reason), for /debug. */
  JsonObject streamingStatus() { return streamer.status(); }

  /** Statuses that end a task or wait for its user: an in-place update notifies nobody, so the phone is told. */
  private static final Map<String, String> TOLD = Map.of("completed", "✅ Task completed", "failed", "❌ Task failed",
      "cancelled", "⏹ Task cancelled", "interrupted", "⚠️ Task interrupted",
      "waiting_confirmation", "⏸ Task waiting for your approval");
  /** The status each task card last told its user about (bounded): told once per status. */
  private final Map<String, String> told = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> e) { return size() > 10_000; }
  };

  private Future<Void> write(String key, RenderRequest r, boolean mustShow) {
    return show(key, r).onSuccess(v -> tellThePhone(r));
  }

  private Future<Void> stream(String key, RenderRequest r, boolean mustShow) {
    return streamer.write(key, r).onSuccess(v -> tellThePhone(r));
  }

  /**
   * A short line replying to the prompt (or in the chat), mentioning the user, once per status that ends or pauses a
   * task. Best effort: the card itself is the record; a failed notice is logged in the debug ring only.
   */
  private void tellThePhone(RenderRequest r) {
    String status = r.view().status();
    String line = status == null || r.taskId() == null ? null : TOLD.get(status);
    String before = told.get(r.cardKey());
    // once per status, and never a pause after the end (a late write of the waiting state must not follow "completed")
    if (line == null || status.equals(before) || (before != null && !before.equals("waiting_confirmation"))) return;
    told.put(r.cardKey(), status);
    String user = r.view().refs().getString("user_id");
    String text = (user == null ? "" : "<at user_id=\"" + user + "\"></at> ") + line + ": "
        + r.view().title().replaceFirst("^\\[[^\\]]*\\] ", "");
    String content = new JsonObject().put("text", text).encode();
    String thread = r.target().threadId();
    Future<JsonObject> sent = thread != null ? api.reply(thread, "text", content, false)
        : api.send("chat_id", r.target().chatId(), "text", content);
    sent.onComplete(ar -> outbound("notify", r, ar.succeeded() ? ar.result().getString("message_id") : null,
        ar.failed() ? ar.cause().getMessage() : null));
  }

  private Future<Void> show(String key, RenderRequest r) {
    if (versions.isStale(r)) return Future.succeededFuture(); // a newer version was shown meanwhile
    String content = FeishuCards.content(r.view());
    String target = versions.messageToPatch(r);
    target = CardRef.messageOf(target); // a streamed card that fell back: PATCH its message
    if (target != null && replaced.containsKey(target)) target = replaced.get(target);
    if (target == null) {
      return post(r, content).map(id -> {
        versions.shown(key, r.version(), id);
        return null;
      });
    }
    String patched = target;
    return api.patchCard(patched, content)
        .map(v -> {
          versions.shown(key, r.version(), patched);
          outbound("patch", r, patched, null);
          return (Void) null;
        })
        .recover(err -> {
          if (!(err instanceof FeishuApiException fe && fe.cardGone())) {
            outbound("patch", r, patched, err.getMessage());
            return Future.failedFuture(err);
          }
          outbound("patch", r, patched, err.getMessage() + "; posting a fresh card");
          return post(r, content).map(id -> {
            replaced.put(patched, id);
            versions.shown(key, r.version(), id);
            onRebound.accept(new CardBound(Platforms.FEISHU, r.target().chatId(), id, r.taskId(), r.projectId(),
                gatewayId));
            return null;
          });
        });
  }

  private Future<String> post(RenderRequest r, String content) {
    String thread = r.target().threadId();
    // A quote reply (not a new topic): the card stays in the chat's main flow, under the prompt it answers.
    Future<JsonObject> sent = thread != null ? api.reply(thread, "interactive", content, false)
        : api.sendCard(r.target().chatId(), content);
    return sent.map(m -> m.getString("message_id"))
        .compose(id -> id == null ? Future.failedFuture("Feishu answered a send without message_id")
            : Future.succeededFuture(id))
        .onComplete(ar -> outbound("post", r, ar.succeeded() ? ar.result() : null,
            ar.failed() ? ar.cause().getMessage() : null));
  }

  private void outbound(String op, RenderRequest r, String messageId, String error) {
    JsonObject d = new JsonObject().put("op", op).put("card_key", r.cardKey()).put("version", r.version())
        .put("chat_id", r.target().chatId()).put("must_show", r.mustShow());
    if (messageId != null) d.put("message_id", messageId);
    if (error != null) d.put("error", error);
    debug.add(error != null ? DebugRing.ERROR : DebugRing.OUTBOUND, d);
  }
}
