package dev.poco.gateway.slack;

import dev.poco.contract.CardBound;
import dev.poco.contract.Platforms;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.TaskText;
import dev.poco.contract.View;
import dev.poco.gatewaykit.CallBudget;
import dev.poco.gatewaykit.CardPacer;
import dev.poco.gatewaykit.CardVersions;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.Markdown;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Shows {@link RenderRequest}s as Slack messages (RENDER.md). A message is addressed by channel + {@code ts}; the
 * ts is the card's message id in {@link RenderAck}. A render not newer than the version shown is acked stale.
 * Otherwise it goes through a {@link CardPacer}: per card at most one write per
 * {@link PlatformLimits#SLACK_UPDATE_MIN_INTERVAL_MS} (slack.md §10.4), {@link #APP_WRITES_PER_SECOND} for the app
 * and {@link #UPDATES_PER_MINUTE} chat.update calls (chat.update is Tier 3, about 50/min per workspace;
 * chat.postMessage about 1/s per channel: §4), latest wins,
 * must-show never dropped. The first write posts (in the target's thread when it has one); later ones chat.update
 * the message. A message that can no longer be edited gets a fresh one, bound with a {@link CardBound}. A refusal
 * fails the render so the orchestrator retries a must-show.
 *
 * <p>A task's live output streams into the thread with a {@link SlackStreamer} when one is given: every render is fed
 * to it on arrival (before the pacer coalesces), and the task message then shows the state only (its running body
 * says where the output is), so an unchanged state costs no chat.update. Without streaming (none given, or the
 * workspace cannot stream) the task message shows the live window: the last {@link #LIVE_WINDOW_CHARS} characters.
 *
 * <p>An edit notifies nobody, so when a card's view turns waiting or terminal the renderer also posts one short line
 * in the target's thread mentioning {@code view.refs.user_id} (once per card and status, never "waiting" after the
 * end), after the stream has stopped so it comes below the output.
 */
final class SlackRenderer {
  /** App-wide writes per second (posts and edits): about one a second; a 429 is waited out anyway. */
  static final int APP_WRITES_PER_SECOND = 1;
  /**
   * chat.update calls per minute for the workspace: Tier 3's 50 with a margin (slack.md §4). One write a second alone
   * would edit up to 60 times a minute when many tasks end together, and the edits over 50 would meet 429s.
   */
  static final int UPDATES_PER_MINUTE = 45;
  /** The live output a task message shows when it is not streamed: the orchestrator's live tail, bounded here too. */
  static final int LIVE_WINDOW_CHARS = 2_800;
  static final String STREAMING_BODY = "_The agent's output streams in this thread._";

  private final SlackApi api;
  private final String gatewayId;
  private final DebugRing debug;
  private final ButtonValues buttonValues;
  private final Consumer<CardBound> onRebound;
  private final CardVersions versions = new CardVersions();
  private final CardPacer<RenderRequest> pacer;
  private final CallBudget updates;
  private final Map<String, String> replaced = lru();
  private final Map<String, RenderRequest> newestOffered = lru();
  /** The status last announced per card, so a repeated terminal render does not mention the user again. */
  private final Map<String, String> announced = lru();
  /** What each message shows (its view without request ids): an unchanged one is not edited again. */
  private final Map<String, String> shownSig = lru();
  private final SlackStreamer streamer;
  private final SlackSessions sessions;

  SlackRenderer(Vertx vertx, SlackApi api, String gatewayId, DebugRing debug, ButtonValues buttonValues,
      Consumer<CardBound> onRebound, long cardIntervalMs, int appWritesPerSecond) {
    this(vertx, api, gatewayId, debug, buttonValues, onRebound, cardIntervalMs, appWritesPerSecond, null,
        new SlackSessions(api, debug, false));
  }

  /** @param streamer streams task output into threads; null: task messages show the live window */
  SlackRenderer(Vertx vertx, SlackApi api, String gatewayId, DebugRing debug, ButtonValues buttonValues,
      Consumer<CardBound> onRebound, long cardIntervalMs, int appWritesPerSecond, SlackStreamer streamer,
      SlackSessions sessions) {
    this.streamer = streamer;
    this.sessions = sessions;
    this.api = api;
    this.gatewayId = gatewayId;
    this.debug = debug;
    this.buttonValues = buttonValues;
    this.onRebound = onRebound;
    this.pacer = new CardPacer<>(vertx, cardIntervalMs, appWritesPerSecond, this::write);
    this.updates = new CallBudget(vertx, UPDATES_PER_MINUTE, 60_000);
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
    if (streamer != null) streamer.feed(r); // every render's new output, before the pacer keeps only the latest
    return pacer.offer(r.cardKey(), newest, r.mustShow())
        .map(v -> new RenderAck(gatewayId, versions.postedMessage(r.cardKey()), false));
  }

  void close() { pacer.close(); }

  CardPacer<RenderRequest> pacer() { return pacer; }

  SlackStreamer streamer() { return streamer; }

  SlackSessions sessions() { return sessions; }

  /** For /debug/slack: the streaming state (enabled, or fallback and why; open streams) and the sessions' mode. */
  JsonObject streamingStatus() {
    JsonObject j = streamer != null ? streamer.status()
        : new JsonObject().put("state", "fallback").put("reason", "streaming is not wired in").put("open_streams", 0);
    return j.put("rate_limit_retries", api.retries()).put("held_back_by_rate_limits", api.heldBack())
        .put("sessions", sessions.status());
  }

  private Future<Void> write(String key, RenderRequest r, boolean mustShow) {
    if (versions.isStale(r)) return Future.succeededFuture(); // a newer version was shown meanwhile
    String channel = r.target().chatId();
    View view = shownView(r);
    String sig = sig(view);
    String target = versions.messageToPatch(r);
    if (target != null && replaced.containsKey(target)) target = replaced.get(target);
    if (target != null && sig.equals(shownSig.get(target))) { // only the live output changed, and it streams
      versions.shown(key, r.version(), target);
      return Future.<Void>succeededFuture().onSuccess(v -> afterShown(key, r, versions.postedMessage(key)));
    }
    String text = SlackBlocks.fallbackText(view);
    JsonArray blocks = SlackBlocks.blocks(view, buttonValues);
    Future<Void> written;
    if (target == null) {
      written = post(r, text, blocks).map(ts -> {
        versions.shown(key, r.version(), ts);
        shownSig.put(ts, sig);
        return null;
      });
    } else {
      String ts = target;
      written = updates.acquire().compose(x -> api.update(channel, ts, text, blocks))
          .map(j -> {
            versions.shown(key, r.version(), ts);
            shownSig.put(ts, sig);
            outbound("update", r, ts, null);
            return (Void) null;
          })
          .recover(err -> {
            if (!(err instanceof SlackApiException se && se.messageGone())) {
              outbound("update", r, ts, err.getMessage());
              return Future.failedFuture(err);
            }
            outbound("update", r, ts, err.getMessage() + "; posting a fresh message");
            return post(r, text, blocks).map(fresh -> {
              replaced.put(ts, fresh);
              shownSig.put(fresh, sig);
              versions.shown(key, r.version(), fresh);
              onRebound.accept(new CardBound(Platforms.SLACK, channel, fresh, r.taskId(), r.projectId(), gatewayId));
              return null;
            });
          });
    }
    return written.onSuccess(v -> afterShown(key, r, versions.postedMessage(key)));
  }

  /** The task message shows {@code r}: its stream and session learn the thread, and the phone may be told. */
  private void afterShown(String key, RenderRequest r, String messageTs) {
    String thread = r.target().threadId() != null ? r.target().threadId() : messageTs;
    if (streamer != null && messageTs != null) streamer.bound(key, thread);
    if (key.startsWith("task:")) sessions.shown(r, thread, messageTs);
    announce(key, r);
  }

  /**
   * The view the task message shows: while the output streams, its running body says where the output is; without
   * streaming, the live window (the last {@link #LIVE_WINDOW_CHARS} characters).
   */
  private View shownView(RenderRequest r) {
    View v = r.view();
    if (!r.cardKey().startsWith("task:") || !"running".equals(v.status()) || v.body() == null) return v;
    String body;
    if (streamer != null && streamer.streams(r.cardKey()) && v.refs().getLong("output_chars", 0L) > 0) {
      body = STREAMING_BODY;
    } else if (v.body().length() > LIVE_WINDOW_CHARS) {
      body = "…" + TaskText.tail(v.body(), LIVE_WINDOW_CHARS - 1);
    } else {
      return v;
    }
    return new View(v.kind(), v.title(), v.status(), body, v.fields(), v.inputs(), v.actions(), v.page(), v.pages(),
        v.refs());
  }

  /** A view's look without its buttons' request ids (new in every render): equal means the message is unchanged. */
  static String sig(View v) {
    JsonObject j = v.toJson();
    j.remove("refs");
    JsonArray actions = j.getJsonArray("actions");
    for (int i = 0; actions != null && i < actions.size(); i++) {
      JsonObject a = actions.getJsonObject(i);
      a.remove("request_id");
      if (a.getJsonObject("value") != null) a.getJsonObject("value").remove("request_id");
    }
    return j.encode();
  }

  private Future<String> post(RenderRequest r, String text, JsonArray blocks) {
    return api.postMessage(r.target().chatId(), text, blocks, r.target().threadId())
        .onComplete(ar -> outbound("post", r, ar.succeeded() ? ar.result() : null,
            ar.failed() ? ar.cause().getMessage() : null));
  }

  /**
   * Tells the phone (RenderRequest Javadoc): a waiting or terminal task card gets one threaded line mentioning the
   * user. Best effort: the card itself is shown, so a failure here is logged and does not fail the render.
   */
  private void announce(String key, RenderRequest r) {
    String line = outcomeLine(r.view());
    String status = r.view().status();
    // only a task's own message: the workspace message shows the latest task's status too, and would post a stray
    // top-level "completed" line in the channel after every task
    if (!key.startsWith("task:")) return;
    String before = announced.get(key);
    // once per status, and never a pause after the end (a late write of the waiting state must not follow "completed")
    if (line == null || status.equals(before) || (before != null && !"waiting_confirmation".equals(before))) return;
    announced.put(key, status);
    String user = r.view().refs().getString("user_id");
    String text = (user != null ? "<@" + user + "> " : "") + line;
    Future<Void> streamDone = streamer != null ? streamer.closed(key) : Future.succeededFuture();
    streamDone.transform(x -> api.postMessage(r.target().chatId(), text, null, r.target().threadId()))
        .onComplete(ar -> {
          JsonObject d = new JsonObject().put("op", "notify").put("card_key", key).put("status", r.view().status());
          if (ar.failed()) {
            announced.remove(key, r.view().status());
            d.put("error", ar.cause().getMessage());
          }
          debug.add(ar.failed() ? DebugRing.ERROR : DebugRing.OUTBOUND, d);
        });
  }

  /** The notifying line of a task view's status, or null when the status calls for none. */
  static String outcomeLine(View v) {
    if (v == null || v.status() == null) return null;
    String title = v.title() == null || v.title().isBlank() ? ""
        : ": " + Markdown.escapeSlack(Markdown.truncateChars(v.title().strip(), SlackBlocks.HEADER_MAX_CHARS));
    return switch (v.status()) {
      case "completed" -> "✅ completed" + title;
      case "failed" -> "❌ failed" + title;
      case "cancelled" -> "🚫 cancelled" + title;
      case "interrupted" -> "⚠️ interrupted" + title;
      case "waiting_confirmation" -> "⏸ waiting for your approval" + title;
      default -> null;
    };
  }

  private void outbound(String op, RenderRequest r, String ts, String error) {
    JsonObject d = new JsonObject().put("op", op).put("card_key", r.cardKey()).put("version", r.version())
        .put("channel", r.target().chatId()).put("must_show", r.mustShow());
    if (ts != null) d.put("ts", ts);
    if (error != null) d.put("error", error);
    debug.add(error != null ? DebugRing.ERROR : DebugRing.OUTBOUND, d);
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) { return size() > 10_000; }
    };
  }
}
