package dev.poco.gateway.slack;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.TaskText;
import dev.poco.contract.View;
import dev.poco.gatewaykit.CallBudget;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.LiveOutput;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A task's live output streamed into its thread (slack.md §10, GATEWAYS.md "Rendering a task"): the task message stays
 * the state; the agent's prose goes to {@code chat.startStream} / {@code appendStream} / {@code stopStream} replies in
 * the thread the task message lives in (the prompt's thread, else the task message's own).
 *
 * <p>Every running render is fed on arrival, in version order, before any pacing: what is new in its live tail
 * ({@link LiveOutput}) joins the stream's unsent text, so coalescing renders loses nothing. One writer per stream sends
 * the unsent text as it can: the first chunk starts a stream, later ones append (at most one append per
 * {@link StreamLimits#appendIntervalMs()} per stream, so text is buffered; the shared workspace budgets of
 * {@link StreamLimits}); waiting for approval and the end stop the stream with the last chunk. The end's render carries
 * the result, not the live tail, so the output no running render showed (the last delta comes with the end, or the
 * task ended before its message was posted) is read from the orchestrator before the stream stops, and the thread holds
 * the whole output (the last {@link StreamLimits#maxPendingChars()} of what was not seen). A stream message holds at
 * most {@link #SEGMENT_MAX_CHARS} and lives at most {@link StreamLimits#rolloverAfterMs()}: then it is stopped and a new
 * one continues the text. Each call carries at most {@link #CALL_MAX_CHARS}.
 *
 * <p>Errors (§10.2): a stream that ended server-side ({@code message_not_in_streaming_state}, {@code stopped_by_user})
 * is repaired: its message is set by chat.update (it no longer streams) to the text it should hold, as far as 12,000
 * characters go, and the rest goes to a new stream, so nothing is lost. A rate limit or a server error puts the chunk
 * back and tries again later. A method the workspace or token cannot use (unknown, not allowed, a missing scope) turns
 * streaming off for the whole gateway: the task message then shows the live window alone, and /debug says why. Another
 * refusal (an archived channel...) turns it off for that card. Used on the renderer's context only.
 */
final class SlackStreamer {
  /** Text of one stream message: inside the 40,000 characters Slack keeps of a message (§4), with a margin. */
  static final int SEGMENT_MAX_CHARS = 36_000;
  /** markdown_text of one call (§10.1), and of the chat.update that repairs an ended stream (§10.4). */
  static final int CALL_MAX_CHARS = PlatformLimits.SLACK_MARKDOWN_BLOCK_MAX_CHARS;
  static final long RETRY_MIN_MS = 1_000;
  static final long RETRY_MAX_MS = 30_000;
  /** Failed tries in a row after which a card stops streaming (its window stays on the task message). */
  static final int MAX_FAILURES = 8;
  static final String LEFT_OUT = "\n\n_… %d characters of output are left out here: more than Slack could take in"
      + " time. The task message has the result._\n\n";
  static final long FETCH_TIMEOUT_MS = 10_000;
  static final String NOT_SEEN = "\n\n_… %d more characters of output were not streamed; the task message has the"
      + " result._";

  private final Vertx vertx;
  private final SlackApi api;
  private final DebugRing debug;
  private final LongSupplier clock;
  private final Supplier<String> teamId;
  private final StreamLimits limits;
  private final CallBudget appends;
  private final CallBudget starts;
  private final CallBudget stops;
  private final Map<String, Stream> streams = lru();
  private final Map<String, String> cardsOff = lru();
  private String fallback;

  private long started, appended, stopped, rollovers, repairs, retries, charsStreamed, leftOut, peakHeld, restFetched;

  /** One task's stream state. */
  private static final class Stream {
    final String cardKey;
    final LiveOutput live = new LiveOutput();
    String channel;
    String threadTs;
    String userId;
    long version = -1;
    final StringBuilder pending = new StringBuilder();
    char lastFed;
    /** Length and count of the "left out" note at the front of {@code pending}, while it is unsent. */
    int noteChars;
    long noteCount;
    String ts;
    long openedAt;
    final StringBuilder segment = new StringBuilder();
    long lastAppendNanos = Long.MIN_VALUE / 2;
    boolean busy;
    long timer = -1;
    int failures;
    boolean closing;
    boolean ended;
    /** The output no render showed is being read: the stream waits for it before it stops. */
    boolean fetching;
    Promise<Void> closed;

    Stream(String cardKey) { this.cardKey = cardKey; }

    int held() { return pending.length() + segment.length(); }
  }

  /**
   * @param clock epoch ms for a stream's age (tests move it past the rollover and the expiry)
   * @param teamId the workspace id from auth.test, sent as recipient_team_id; null until known
   */
  SlackStreamer(Vertx vertx, SlackApi api, DebugRing debug, LongSupplier clock, Supplier<String> teamId,
      StreamLimits limits) {
    this.vertx = vertx;
    this.api = api;
    this.debug = debug;
    this.clock = clock;
    this.teamId = teamId;
    this.limits = limits;
    this.appends = new CallBudget(vertx, limits.appendsPerWindow(), limits.windowMs());
    this.starts = new CallBudget(vertx, limits.startsPerWindow(), limits.windowMs());
    this.stops = new CallBudget(vertx, limits.stopsPerWindow(), limits.windowMs());
  }

  /** True while the workspace streams: the task message shows the state only. */
  boolean enabled() { return fallback == null; }

  /** True when this card's output goes to its thread (streaming on for the workspace and the card). */
  boolean streams(String cardKey) { return fallback == null && !cardsOff.containsKey(cardKey); }

  static boolean live(View v) { return "running".equals(v.status()) || "queued".equals(v.status()); }

  /** Takes a task card's render as it arrives (newer than the last one fed, else ignored). */
  void feed(RenderRequest r) {
    if (!r.cardKey().startsWith("task:")) return;
    Stream s = streams.computeIfAbsent(r.cardKey(), Stream::new);
    if (r.version() <= s.version) return;
    s.version = r.version();
    s.channel = r.target().chatId();
    String user = r.view().refs().getString("user_id");
    if (user != null) s.userId = user;
    View v = r.view();
    long total = v.refs().getLong("output_chars", 0L);
    if (live(v)) {
      if (s.ended) return; // a task does not run again after it ended
      if (s.closing) { // output goes on after an approval: the same stream carries on
        s.closing = false;
        if (s.closed != null) s.closed.tryComplete();
      }
      if ("running".equals(v.status())) {
        LiveOutput.Change c = s.live.next(v.body(), total);
        if (c != null) add(s, (c.restarted() ? "\n\n" : "") + c.text());
      }
    } else {
      boolean waiting = "waiting_confirmation".equals(v.status());
      // the end usually comes with output no running render showed (the last delta and the end arrive together):
      // a result as long as the whole output is that output; else the orchestrator is asked for the rest
      if (!waiting && !s.ended && total > Math.max(0, s.live.seen())) {
        String body = v.body() == null ? "" : v.body();
        long seen = Math.max(0, s.live.seen());
        if (body.length() == total) add(s, body.substring((int) seen));
        else if (r.taskId() != null) fetchRest(s, r.taskId(), total);
      }
      s.closing = true;
      s.ended |= !waiting;
    }
    pump(s);
  }

  /**
   * Reads the output the stream has not seen from the orchestrator ({@link Addresses#ORCHESTRATOR_TASK_GET}, at most
   * what one stream holds unsent) and adds it before the stream stops; if it cannot be read, the thread says how much
   * is missing.
   */
  private void fetchRest(Stream s, String taskId, long total) {
    long seen = Math.max(0, s.live.seen());
    long from = Math.max(seen, total - limits.maxPendingChars());
    s.fetching = true;
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_TASK_GET, new JsonObject().put("task_id", taskId)
        .put("output_offset", from).put("output_limit", (int) (total - from)), FETCH_TIMEOUT_MS).onComplete(ar -> {
          s.fetching = false;
          String page = ar.succeeded() ? ar.result().getString("output", "") : "";
          if (page.isEmpty()) {
            if (s.live.seen() >= 0) add(s, String.format(NOT_SEEN, total - seen));
            note("output read", s, ar.failed() ? ar.cause().getMessage() : "no output stored");
          } else {
            restFetched++;
            add(s, (from > seen ? (seen > 0 ? LiveOutput.GAP : "…") : "") + page);
          }
          pump(s);
        });
  }

  /** The task message of the card is on Slack: its stream goes in {@code threadTs}. */
  void bound(String cardKey, String threadTs) {
    Stream s = streams.get(cardKey);
    if (s == null || threadTs == null || threadTs.equals(s.threadTs)) return;
    if (s.threadTs == null) {
      s.threadTs = threadTs;
      pump(s);
    }
  }

  /** Completes when the card's stream has sent everything and stopped (at once when it has nothing to do). */
  Future<Void> closed(String cardKey) {
    Stream s = streams.get(cardKey);
    if (s == null || !s.closing) return Future.succeededFuture();
    if (s.closed == null) s.closed = Promise.promise();
    return s.closed.future();
  }

  // ---- the writer ----

  private void add(Stream s, String text) {
    if (text.isEmpty() || !streams(s.cardKey)) return;
    s.pending.append(defuse(text, s.lastFed));
    s.lastFed = text.charAt(text.length() - 1);
    if (s.pending.length() > limits.maxPendingChars()) {
      // the oldest unsent text goes; a note still unsent at the front is folded into the new one
      long before = s.noteChars > 0 ? s.noteCount : 0;
      s.pending.delete(0, s.noteChars);
      int keep = limits.maxPendingChars() * 3 / 4;
      int cut = TaskText.safeEnd(s.pending, Math.max(0, s.pending.length() - keep));
      s.pending.delete(0, cut);
      String note = String.format(LEFT_OUT, before + cut);
      s.pending.insert(0, note);
      s.noteChars = note.length();
      s.noteCount = before + cut;
      leftOut += cut;
    }
    peakHeld = Math.max(peakHeld, s.held());
  }

  /** Mentions in the agent's text stay text: {@code <!channel>}, {@code <@U…>} must not ping anyone. */
  static String defuse(String text, char before) {
    String t = text.replace("<!", "<\u200B!").replace("<@", "<\u200B@");
    if (before == '<' && (t.startsWith("!") || t.startsWith("@"))) t = "\u200B" + t;
    return t;
  }

  private void pump(Stream s) {
    if (s.busy || s.fetching || s.timer >= 0 || s.threadTs == null) return;
    if (!streams(s.cardKey)) {
      s.pending.setLength(0);
      if (s.ts != null) {
        s.busy = true;
        String ts = s.ts;
        s.ts = null;
        api.stopStream(s.channel, ts, null).onComplete(ar -> idle(s));
        return;
      }
      if (s.closing) finish(s);
      return;
    }
    long now = clock.getAsLong();
    boolean aged = s.ts != null && now - s.openedAt >= limits.rolloverAfterMs();
    boolean full = s.ts != null && s.segment.length() >= SEGMENT_MAX_CHARS && s.pending.length() > 0;
    if (aged || full) {
      rollovers++;
      stop(s, "");
      return;
    }
    if (s.pending.length() == 0) {
      if (s.closing) {
        if (s.ts != null) stop(s, "");
        else finish(s);
      }
      return;
    }
    if (s.ts == null) {
      start(s);
      return;
    }
    int room = SEGMENT_MAX_CHARS - s.segment.length();
    if (s.closing && s.pending.length() <= Math.min(room, CALL_MAX_CHARS)) {
      stop(s, take(s, s.pending.length()));
      return;
    }
    long wait = (s.lastAppendNanos + limits.appendIntervalMs() * 1_000_000 - System.nanoTime()) / 1_000_000;
    if (wait > 0) {
      later(s, wait);
      return;
    }
    append(s);
  }

  private void start(Stream s) {
    s.busy = true;
    starts.acquire().onComplete(x -> {
      String chunk = take(s, CALL_MAX_CHARS);
      if (chunk.isEmpty()) {
        idle(s);
        return;
      }
      api.startStream(s.channel, s.threadTs, chunk, s.userId, teamId.get()).onComplete(ar -> {
        if (ar.failed()) {
          failed(s, "chat.startStream", chunk, ar.cause());
          return;
        }
        s.ts = ar.result();
        s.openedAt = clock.getAsLong();
        s.segment.setLength(0);
        s.segment.append(chunk);
        s.lastAppendNanos = System.nanoTime();
        started++;
        charsStreamed += chunk.length();
        note("chat.startStream", s, null);
        long rollover = limits.rolloverAfterMs();
        String ts = s.ts;
        vertx.setTimer(Math.max(1, rollover), id -> {
          if (ts.equals(s.ts)) pump(s); // an idle stream is stopped before Slack expires it
        });
        succeeded(s);
      });
    });
  }

  private void append(Stream s) {
    s.busy = true;
    appends.acquire().onComplete(x -> {
      int room = SEGMENT_MAX_CHARS - s.segment.length();
      String chunk = take(s, Math.min(room, CALL_MAX_CHARS)); // taken now: everything that came while waiting
      if (chunk.isEmpty()) {
        idle(s);
        return;
      }
      s.lastAppendNanos = System.nanoTime();
      api.appendStream(s.channel, s.ts, chunk).onComplete(ar -> {
        if (ar.failed()) {
          failed(s, "chat.appendStream", chunk, ar.cause());
          return;
        }
        s.segment.append(chunk);
        appended++;
        charsStreamed += chunk.length();
        succeeded(s);
      });
    });
  }

  /** Stops the open stream with {@code last} as its final chunk (may be empty). */
  private void stop(Stream s, String last) {
    s.busy = true;
    stops.acquire().onComplete(x -> api.stopStream(s.channel, s.ts, last).onComplete(ar -> {
      if (ar.failed()) {
        failed(s, "chat.stopStream", last, ar.cause());
        return;
      }
      stopped++;
      charsStreamed += last.length();
      closeSegment(s);
      note("chat.stopStream", s, null);
      succeeded(s);
    }));
  }

  private void closeSegment(Stream s) {
    s.ts = null;
    s.segment.setLength(0);
    if (s.segment.capacity() > CALL_MAX_CHARS) s.segment.trimToSize();
  }

  private void failed(Stream s, String method, String chunk, Throwable err) {
    SlackApiException e = err instanceof SlackApiException se ? se : null;
    if (e != null && e.streamEnded() && s.ts != null) {
      repair(s, chunk, err);
      return;
    }
    if (e != null && e.methodUnavailable()) {
      fallback = method + ": " + e.error();
      debug.add(DebugRing.ERROR, new JsonObject().put("op", "streaming").put("streaming", "fallback")
          .put("reason", fallback + "; task messages show the live output instead"));
      s.pending.setLength(0);
      idle(s);
      return;
    }
    // a recipient id not known yet (auth.test still on its way) is worth another try, as a rate limit is
    boolean retry = e == null || e.transientFailure() || e.error().startsWith("missing_recipient_");
    if (retry && ++s.failures < MAX_FAILURES) {
      s.pending.insert(0, chunk); // not carried out: it goes again
      retries++;
      note(method, s, err.getMessage() + "; trying again");
      s.busy = false;
      later(s, Math.min(RETRY_MAX_MS, RETRY_MIN_MS << Math.min(5, s.failures - 1)));
      return;
    }
    off(s, method + ": " + err.getMessage());
  }

  /**
   * The stream ended on Slack's side: its message is set to the text it should hold (what was appended and the chunk
   * that failed), up to what one chat.update takes; what does not fit goes first into the next stream.
   */
  private void repair(Stream s, String chunk, Throwable why) {
    String ts = s.ts;
    String whole = s.segment + chunk;
    int cut = TaskText.safeEnd(whole, Math.min(whole.length(), CALL_MAX_CHARS));
    note("stream ended", s, why.getMessage() + "; repairing with chat.update");
    closeSegment(s);
    api.updateMarkdown(s.channel, ts, whole.substring(0, cut)).onComplete(ar -> {
      if (ar.succeeded()) {
        repairs++;
        s.pending.insert(0, whole.substring(cut));
      } else {
        note("chat.update", s, ar.cause().getMessage() + "; its text goes to a new stream");
        s.pending.insert(0, whole);
      }
      succeeded(s);
    });
  }

  private void off(Stream s, String reason) {
    cardsOff.put(s.cardKey, reason);
    debug.add(DebugRing.ERROR, new JsonObject().put("op", "streaming").put("card_key", s.cardKey)
        .put("streaming", "off").put("reason", reason + "; the task message shows the live output"));
    s.pending.setLength(0);
    idle(s);
  }

  private void succeeded(Stream s) {
    s.failures = 0;
    idle(s);
  }

  private void idle(Stream s) {
    s.busy = false;
    pump(s);
  }

  private void later(Stream s, long ms) {
    s.timer = vertx.setTimer(Math.max(1, ms), id -> {
      s.timer = -1;
      pump(s);
    });
  }

  private void finish(Stream s) {
    s.closing = false;
    if (s.closed != null) s.closed.tryComplete();
    s.closed = null;
    if (s.ended) {
      s.pending.setLength(0);
      s.pending.trimToSize();
      s.segment.trimToSize();
    }
  }

  private static String take(Stream s, int max) {
    int end = TaskText.safeEnd(s.pending, Math.min(max, s.pending.length()));
    String chunk = s.pending.substring(0, end);
    s.pending.delete(0, end);
    s.noteChars = 0; // sent (or split): a later cut starts a note of its own
    if (s.pending.length() == 0 && s.pending.capacity() > CALL_MAX_CHARS) s.pending.trimToSize();
    return chunk;
  }

  private void note(String op, Stream s, String error) {
    JsonObject d = new JsonObject().put("op", op).put("card_key", s.cardKey).put("channel", s.channel);
    if (s.ts != null) d.put("ts", s.ts);
    if (error != null) d.put("error", error);
    debug.add(error != null ? DebugRing.ERROR : DebugRing.OUTBOUND, d);
  }

  // ---- figures ----

  /** For /debug/slack: enabled or fallback (and why), open streams, counters. Ids and counts only. */
  JsonObject status() {
    int open = 0;
    long held = 0;
    for (Stream s : streams.values()) {
      if (s.ts != null) open++;
      held += s.held();
    }
    JsonObject off = new JsonObject();
    cardsOff.forEach(off::put);
    JsonObject j = new JsonObject().put("state", fallback == null ? "enabled" : "fallback");
    if (fallback != null) j.put("reason", fallback);
    return j.put("open_streams", open).put("started", started).put("appends", appended).put("stopped", stopped)
        .put("rollovers", rollovers).put("repairs", repairs).put("retries", retries).put("rest_fetched", restFetched)
        .put("chars_streamed", charsStreamed).put("chars_left_out", leftOut).put("chars_held", held)
        .put("peak_chars_held", peakHeld).put("append_budget_waits", appends.waited()).put("cards_off", off);
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> e) { return size() > 10_000; }
    };
  }
}
