package dev.poco.gateway.feishu;

import dev.poco.contract.RenderRequest;
import dev.poco.contract.View;
import dev.poco.gatewaykit.CallBudget;
import dev.poco.gatewaykit.CardVersions;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;

/**
 * Task cards as CardKit card entities with streaming (feishu.md §11, GATEWAYS.md "Rendering a task"). The first
 * render creates the entity (Card JSON 2.0, {@code streaming_mode} on while the task is queued or running, explicit
 * {@code streaming_config}, a {@code summary}) and sends it once by {@code card_id}. Then, per render: the live
 * output goes to the body's markdown element through the content API with the FULL text so far (never a delta); a
 * state change (title, status, buttons, fields) is a full card update; waiting for approval and the end close
 * streaming with a final summary before the full update; output that goes on after an approval re-opens it, and so
 * does a card streaming for 9 minutes (the 10-minute auto close, §11.4).
 *
 * <p>One writer per card (the renderer's pacer serializes a card's writes), a sequence from elapsed ms since the
 * entity's creation ({@link StreamCard}), a uuid per write, at most {@link #CARD_OPS} operations per card per
 * {@link #CARD_WINDOW_MS} (CardKit's 10/s per card, every operation counted) and the app budget in {@link FeishuApi}.
 * Errors per §11.6: 300317 resyncs the sequence and retries, 200810 waits and retries, 300309/200850 re-open streaming
 * and retry then fall back to full updates, 200860 falls back to full updates. A card whose entity cannot be created
 * (no {@code cardkit:card:write} scope, any error) or is unknown to this instance goes by message PATCH (the
 * {@code fallback}), and the debug ring says "streaming: off" with the reason. The message id a streamed card is
 * acked with is a {@link CardRef} carrying the entity and its creation time, so a card outlives a gateway restart.
 */
final class FeishuStreamer {
  static final String ELEMENT_ID = "task_output";
  /** The stream pacer's interval per card: ≤ 10 renders/s (§11.5; official Node channel throttles at 100 ms). */
  static final long STREAM_INTERVAL_MS = 100;
  /** CardKit operations per card in {@link #CARD_WINDOW_MS}: the 10/s of §11.5, with a margin for network jitter. */
  static final int CARD_OPS = 10;
  static final long CARD_WINDOW_MS = 1_100;
  /** Re-open streaming before the platform closes it 10 minutes after it was last opened (§11.4). */
  static final long REOPEN_AFTER_MS = 9 * 60_000;
  static final long SEQUENCE_BUMP_MS = 10_000;
  static final long INTERACTION_RETRY_MS = 500;
  static final int PLATFORM_CODE_SEQUENCE = 300317, CLOSED = 300309, TIMED_OUT = 200850, TIMED_OUT_ALT = 200510,
      TOO_BIG = 200860, IN_INTERACTION = 200810;
  /** Explicit and constant while streaming (§11.2: defaults vary by client). */
  static final JsonObject STREAMING_CONFIG = new JsonObject()
      .put("print_frequency_ms", new JsonObject().put("default", 70).put("android", 70).put("ios", 70).put("pc", 70))
      .put("print_step", new JsonObject().put("default", 1))
      .put("print_strategy", "fast");

  /** Today's path for a card: post or PATCH the message with the whole card. */
  interface Fallback {
    Future<Void> show(String key, RenderRequest r);
  }

  /** A post: send (or reply with) the entity's message content; answers the message id. */
  interface Sender {
    Future<String> post(RenderRequest r, String content);
  }

  /** A fresh card replaced one that can no longer be updated: the orchestrator binds the new message. */
  interface Rebound {
    void bound(RenderRequest r, String messageId);
  }

  private final Vertx vertx;
  private final Rebound rebound;
  private final CardKitApi kit;
  private final CardVersions versions;
  private final DebugRing debug;
  private final LongSupplier clock;
  private final Sender sender;
  private final Fallback fallback;
  private final Map<String, StreamCard> cards = lru();
  private final Map<String, String> off = lru();

  private long creates, adopted, contentWrites, fullUpdates, settingsWrites, resyncs, reopens, fallbacks;

  FeishuStreamer(Vertx vertx, CardKitApi kit, CardVersions versions, DebugRing debug, LongSupplier clock, Sender sender,
      Fallback fallback, Rebound rebound) {
    this.vertx = vertx;
    this.rebound = rebound;
    this.kit = kit;
    this.versions = versions;
    this.debug = debug;
    this.clock = clock;
    this.sender = sender;
    this.fallback = fallback;
  }

  /**
   * Whether this card goes through the streamer: a task card not fallen back (one posted before a restart comes here
   * once, to be marked off with its reason).
   */
  boolean streams(RenderRequest r) {
    String key = r.cardKey();
    return key.startsWith("task:") && !off.containsKey(key);
  }

  /** Writes one render of a card; serialized per card by the caller's pacer. */
  Future<Void> write(String key, RenderRequest r) {
    if (versions.isStale(r)) return Future.succeededFuture();
    StreamCard known = cards.get(key);
    if (known == null && !off.containsKey(key) && versions.messageToPatch(r) != null) {
      CardRef ref = CardRef.parse(versions.messageToPatch(r));
      if (ref == null) return off(key, r, "card entity unknown to this gateway instance (posted before a restart?)");
      known = adopt(key, ref);
    }
    StreamCard c = known;
    if (off.containsKey(key)) return fallback.show(key, r);
    if (c == null || c.messageId == null) return post(key, r, c);
    String ref = c.ref();
    return update(c, r.view()).map(v -> {
      versions.shown(key, r.version(), ref);
      return (Void) null;
    }).recover(err -> gone(err) ? fresh(key, r, c, err) : Future.failedFuture(err));
  }

  /**
   * A card this instance did not create (it restarted, or took the card over): its entity from the render's
   * reference, the sequence from the entity's creation time, so it continues above what was sent before. Whether
   * streaming is still open is unknown: a live render re-opens it explicitly, an ended one closes it (§11.4).
   */
  private StreamCard adopt(String key, CardRef ref) {
    StreamCard c = new StreamCard(key, ref.createdAt(), new CallBudget(vertx, CARD_OPS, CARD_WINDOW_MS));
    c.cardId = ref.cardId();
    c.messageId = ref.messageId();
    c.streaming = true;
    c.openedAt = 0;
    cards.put(key, c);
    adopted++;
    note("cardkit adopt", c, null);
    return c;
  }

  /**
   * The card can no longer be updated (entity expired after 14 days, §11.6 200750; its message recalled or too old):
   * a fresh entity and message, bound by the orchestrator (GATEWAYS.md "The final state reaches the user").
   */
  private Future<Void> fresh(String key, RenderRequest r, StreamCard old, Throwable why) {
    note("cardkit", old, why.getMessage() + "; posting a fresh card");
    cards.remove(key);
    return post(key, r, null).onSuccess(v -> {
      StreamCard c = cards.get(key);
      if (c != null && c.messageId != null) rebound.bound(r, c.ref());
    });
  }

  private static boolean gone(Throwable err) { return err instanceof FeishuApiException fe && fe.cardGone(); }

  // ---- post: create the entity, send it once by card_id ----

  private Future<Void> post(String key, RenderRequest r, StreamCard existing) {
    Future<StreamCard> created = existing != null ? Future.succeededFuture(existing) : create(key, r);
    return created.compose(c -> sender.post(r, CardKitApi.sendContent(c.cardId)).compose(id -> {
      c.messageId = id;
      versions.shown(key, r.version(), c.ref());
      return Future.<Void>succeededFuture();
    }, err -> {
      // a platform refusal of the send (not a rate limit or a dropped answer): show it as today's inline card
      if (err instanceof FeishuApiException fe && fe.httpStatus() == 400) {
        cards.remove(key);
        return off(key, r, "sending the card entity was refused: " + fe.getMessage());
      }
      return Future.failedFuture(err);
    }), err -> off(key, r, "card entity create failed: " + err.getMessage()));
  }

  private Future<StreamCard> create(String key, RenderRequest r) {
    View v = r.view();
    boolean live = live(v);
    StreamCard c = new StreamCard(key, clock.getAsLong(), new CallBudget(vertx, CARD_OPS, CARD_WINDOW_MS));
    String text = live ? liveText(c, v) : v.body();
    return kit.create(card(v, text, live)).map(id -> {
      c.cardId = id;
      c.streaming = live;
      c.openedAt = clock.getAsLong();
      c.stateSig = sig(v);
      c.shownText = text;
      cards.put(key, c);
      creates++;
      note("cardkit create", c, null);
      return c;
    });
  }

  // ---- update: stream text, or change state ----

  private Future<Void> update(StreamCard c, View v) {
    String sig = sig(v);
    if (!live(v)) {
      if (!"waiting_confirmation".equals(v.status())) c.transcript.clear(); // ended: output goes on only after approval
      Future<Void> closed = c.streaming ? settings(c, v, false) : Future.succeededFuture();
      if (sig.equals(c.stateSig) && Objects.equals(v.body(), c.shownText)) return closed;
      return closed.compose(x -> fullUpdate(c, v, v.body()));
    }
    String text = liveText(c, v);
    if (c.streamBroken) {
      return sig.equals(c.stateSig) && text.equals(c.shownText) ? Future.succeededFuture() : fullUpdate(c, v, text);
    }
    boolean reopen = !c.streaming;
    Future<Void> open = reopen || clock.getAsLong() - c.openedAt > REOPEN_AFTER_MS ? settings(c, v, true)
        : Future.succeededFuture();
    if (reopen || !sig.equals(c.stateSig)) return open.compose(x -> fullUpdate(c, v, text));
    if (text.equals(c.shownText)) return open;
    return open.compose(x -> streamText(c, v, text, true));
  }

  private Future<Void> streamText(StreamCard c, View v, String text, boolean mayReopen) {
    return op(c, "c", (seq, uuid) -> kit.streamText(c.cardId, ELEMENT_ID, text, seq, uuid)).map(x -> {
      c.shownText = text;
      contentWrites++;
      return (Void) null;
    }).recover(err -> {
      int code = code(err);
      if ((code == CLOSED || code == TIMED_OUT || code == TIMED_OUT_ALT) && mayReopen) {
        c.streaming = false;
        note("cardkit content", c, err.getMessage() + "; re-opening streaming");
        return settings(c, v, true).compose(x -> streamText(c, v, text, false), e -> broken(c, v, text, e));
      }
      if (code == CLOSED || code == TIMED_OUT || code == TIMED_OUT_ALT || code == TOO_BIG) return broken(c, v, text, err);
      note("cardkit content", c, err.getMessage());
      return Future.failedFuture(err);
    });
  }

  /** Streaming cannot go on for this card: its text goes by full updates from now on (still CardKit). */
  private Future<Void> broken(StreamCard c, View v, String text, Throwable why) {
    c.streamBroken = true;
    fallbacks++;
    debug.add(DebugRing.ERROR, new JsonObject().put("op", "streaming").put("card_key", c.cardKey)
        .put("card_id", c.cardId).put("streaming", "off").put("reason", why.getMessage() + "; full card updates"));
    return fullUpdate(c, v, text);
  }

  private Future<Void> fullUpdate(StreamCard c, View v, String text) {
    JsonObject card = card(v, text, c.streaming);
    return op(c, "u", (seq, uuid) -> kit.update(c.cardId, card, seq, uuid)).map(x -> {
      c.stateSig = sig(v);
      c.shownText = text;
      fullUpdates++;
      return (Void) null;
    }).onFailure(err -> note("cardkit update", c, err.getMessage()));
  }

  /** Opens (with the streaming config) or closes streaming, with the summary for the chat list (§11.2). */
  private Future<Void> settings(StreamCard c, View v, boolean open) {
    JsonObject config = new JsonObject().put("streaming_mode", open)
        .put("summary", new JsonObject().put("content", summary(v)));
    if (open) config.put("streaming_config", STREAMING_CONFIG.copy());
    return op(c, "s", (seq, uuid) -> kit.settings(c.cardId, config, seq, uuid)).map(x -> {
      if (open && c.streaming) reopens++;
      c.streaming = open;
      if (open) c.openedAt = clock.getAsLong();
      settingsWrites++;
      return (Void) null;
    }).recover(err -> {
      if (!open && code(err) == CLOSED) { // closed already (the 10-minute auto close)
        c.streaming = false;
        return Future.succeededFuture();
      }
      note("cardkit settings", c, err.getMessage());
      return Future.failedFuture(err);
    });
  }

  /** One CardKit write: the card's budget, the next sequence, a uuid; 300317 and 200810 retried (§11.6). */
  private Future<Void> op(StreamCard c, String kind, BiFunction<Long, String, Future<Void>> call) {
    return op(c, kind, call, 0);
  }

  private Future<Void> op(StreamCard c, String kind, BiFunction<Long, String, Future<Void>> call, int retry) {
    return c.budget.acquire().compose(x -> {
      long seq = c.nextSequence(clock.getAsLong());
      return call.apply(seq, kind + "_" + c.cardId + "_" + seq);
    }).recover(err -> {
      int code = code(err);
      if (code == PLATFORM_CODE_SEQUENCE && retry < 2) {
        c.resync(SEQUENCE_BUMP_MS);
        resyncs++;
        note("cardkit sequence", c, err.getMessage() + "; resynced to " + c.lastSequence);
        return op(c, kind, call, retry + 1);
      }
      if (code == IN_INTERACTION && retry < 2) {
        Promise<Void> later = Promise.promise();
        vertx.setTimer(INTERACTION_RETRY_MS, t -> op(c, kind, call, retry + 1).onComplete(later));
        return later.future();
      }
      return Future.failedFuture(err);
    });
  }

  private Future<Void> off(String key, RenderRequest r, String reason) {
    off.put(key, reason);
    fallbacks++;
    debug.add(DebugRing.ERROR, new JsonObject().put("op", "streaming").put("card_key", key)
        .put("streaming", "off").put("reason", reason + "; message PATCH"));
    return fallback.show(key, r);
  }

  // ---- the card ----

  static boolean live(View v) { return "running".equals(v.status()) || "queued".equals(v.status()); }

  /** The full text so far while output comes, else the body (the status line shown before any output: "Working…"). */
  private static String liveText(StreamCard c, View v) {
    String text = c.transcript.apply(v.body(), v.refs().getLong("output_chars", 0L));
    if (text == null) text = v.body();
    return text == null || text.isBlank() ? "…" : text;
  }

  /** The task card with the body element addressable, streaming set, its config explicit, and a summary. */
  static JsonObject card(View v, String text, boolean streaming) {
    View shown = new View(v.kind(), v.title(), v.status(), text, v.fields(), v.inputs(), v.actions(), v.page(),
        v.pages(), v.refs());
    JsonObject card = FeishuCards.card(shown, ELEMENT_ID);
    card.getJsonObject("config").put("streaming_mode", streaming).put("streaming_config", STREAMING_CONFIG.copy())
        .put("summary", new JsonObject().put("content", summary(v)));
    return card;
  }

  /** The chat list's preview: "Running · Task: …" (a custom summary is kept after close, so it is always set). */
  static String summary(View v) {
    String title = v.title() == null ? "PoCo" : v.title().replaceFirst("^\\[[^\\]]*\\] ", "");
    String s = (v.status() == null ? "" : FeishuCards.label(v.status()) + " · ") + title;
    return s.length() > 60 ? s.substring(0, 59) + "…" : s;
  }

  /**
   * The card's state without its text: a change means a full update. A button's {@code request_id} is new in every
   * render (a click's idempotency key), so it is left out: the buttons on the card keep the ones they were sent with.
   */
  static String sig(View v) {
    JsonObject j = v.toJson();
    j.remove("body");
    j.remove("refs");
    io.vertx.core.json.JsonArray actions = j.getJsonArray("actions");
    for (int i = 0; actions != null && i < actions.size(); i++) {
      JsonObject a = actions.getJsonObject(i);
      a.remove("request_id");
      if (a.getJsonObject("value") != null) a.getJsonObject("value").remove("request_id");
    }
    return j.encode();
  }

  private static int code(Throwable err) { return err instanceof FeishuApiException fe ? fe.code() : -1; }

  private void note(String op, StreamCard c, String error) {
    JsonObject d = new JsonObject().put("op", op).put("card_key", c.cardKey);
    if (c.cardId != null) d.put("card_id", c.cardId);
    if (error != null) d.put("error", error);
    debug.add(error != null ? DebugRing.ERROR : DebugRing.OUTBOUND, d);
  }

  // ---- figures ----

  /** Counters and the cards that fell back, for /debug and tests. */
  JsonObject status() {
    JsonObject offCards = new JsonObject();
    off.forEach(offCards::put);
    return new JsonObject().put("cards", cards.size()).put("creates", creates).put("adopted", adopted)
        .put("content_writes", contentWrites)
        .put("full_updates", fullUpdates).put("settings_writes", settingsWrites).put("sequence_resyncs", resyncs)
        .put("reopens", reopens).put("fallbacks", fallbacks).put("off", offCards);
  }

  String offReason(String cardKey) { return off.get(cardKey); }

  StreamCard card(String cardKey) { return cards.get(cardKey); }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> e) { return size() > 10_000; }
    };
  }
}
