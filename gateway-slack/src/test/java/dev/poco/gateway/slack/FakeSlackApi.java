package dev.poco.gateway.slack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small in-test fake of the Slack Web API methods the gateway calls (slack.md §8), on 127.0.0.1: requires the bot
 * token, stores posted messages with unique ts, answers chat.update of unknown messages with message_not_found,
 * knows taken channel names, and serves response_url endpoints at /actions/*. Faults are scripted per method:
 * {@code 429:<seconds>} (HTTP 429 with Retry-After) or {@code error:<code>} (HTTP 200 ok:false).
 *
 * <p>Streaming and sessions (slack.md §10), checked as the notes say Slack does: startStream needs a thread_ts, text
 * or chunks, and in a channel the recipient user and team ids; markdown_text over 12,000 characters is msg_too_long;
 * a stream older than {@link #streamLifetimeMs} (on {@link #clock}, which tests move) answers append and stop with
 * message_not_in_streaming_state; chat.update of a message still streaming is streaming_state_conflict; markdown_text
 * with text or blocks is refused. Per-method rate limits per minute of {@link #clock} ({@link #perMinute}: Tier 2
 * start/stop 20, Tier 4 append 100, Tier 3 chat.update 50) answer HTTP 429 with Retry-After. Methods listed in
 * {@link #unknownMethods} answer unknown_method (a workspace that cannot stream).
 *
 * <p>Modals (slack.md §3, §4): {@link #trigger} issues a click's trigger_id; views.open answers invalid_trigger_id,
 * exchanged_trigger_id (used before) or expired_trigger_id (older than 3 s on {@link #clock}) and refuses a view
 * Slack would ({@link #viewRefusal}); views.update replaces an open view. Messages and views are refused
 * invalid_blocks as Slack would ({@link #blocksRefused}).
 */
final class FakeSlackApi {
  static final String BOT_TOKEN = "xoxb-test-token";
  static final String BOT_USER = "U0BOT";

  /** One request the fake received. */
  record Call(String method, JsonObject body, long atMs) {}

  final List<Call> calls = new CopyOnWriteArrayList<>();
  final Map<String, JsonObject> messages = new ConcurrentHashMap<>(); // channel/ts → message
  final Set<String> takenNames = ConcurrentHashMap.newKeySet();
  final Map<String, Deque<String>> faults = new ConcurrentHashMap<>();
  /** Message keys (channel/ts) in the order they were posted. */
  final List<String> order = new CopyOnWriteArrayList<>();
  final Set<String> unknownMethods = ConcurrentHashMap.newKeySet();
  /** Calls per minute per method; a method not listed is not limited. */
  final Map<String, Integer> perMinute = new ConcurrentHashMap<>(Map.of("chat.startStream", 20, "chat.stopStream", 20,
      "chat.appendStream", 100, "chat.update", 50));
  final Map<String, Deque<Long>> callTimes = new ConcurrentHashMap<>();
  /** Epoch ms as Slack sees it: real time plus what a test advanced. */
  final AtomicLong skewMs = new AtomicLong();
  volatile long streamLifetimeMs = 5 * 60_000;
  volatile String sessionWarning;
  final List<String> errorsAnswered = new CopyOnWriteArrayList<>();
  /** Streams whose user pressed Stop in Slack: no longer streaming; the next append or stop says stopped_by_user. */
  final Set<String> stoppedByUser = ConcurrentHashMap.newKeySet();
  /** trigger_id → when it was issued (on {@link #clock}); a click's trigger lasts 3 s and is used once (slack.md §3). */
  final Map<String, Long> triggers = new ConcurrentHashMap<>();
  final Set<String> usedTriggers = ConcurrentHashMap.newKeySet();
  /** Open modals by view id, as last opened or updated. */
  final Map<String, JsonObject> views = new ConcurrentHashMap<>();
  private final AtomicLong seq = new AtomicLong(100_000);
  private HttpServer server;
  /** When set, apps.connections.open (xapp token only) hands out its one-time URLs. */
  volatile FakeSocketMode socketMode;

  static Future<FakeSlackApi> start(Vertx vertx) {
    FakeSlackApi f = new FakeSlackApi();
    f.server = vertx.createHttpServer().requestHandler(f::handle);
    return f.server.listen(0, "127.0.0.1").map(s -> f);
  }

  String baseUrl() { return "http://127.0.0.1:" + server.actualPort() + "/api"; }

  String responseUrl(String id) { return "http://127.0.0.1:" + server.actualPort() + "/actions/" + id; }

  void fault(String method, String... scripted) {
    faults.computeIfAbsent(method, m -> new ArrayDeque<>()).addAll(List.of(scripted));
  }

  List<Call> calls(String method) { return calls.stream().filter(c -> c.method().equals(method)).toList(); }

  long clock() { return System.currentTimeMillis() + skewMs.get(); }

  /** The user presses Stop on a streaming message (slack.md §10.2, §10.3): Slack stops the stream. */
  void stopByUser(String channel, String ts) {
    messages.get(channel + "/" + ts).put("streaming", false);
    stoppedByUser.add(channel + "/" + ts);
  }

  void advance(long ms) { skewMs.addAndGet(ms); }

  /** A user's click: Slack issues its trigger_id now. */
  String trigger() {
    String t = "tr-" + seq.incrementAndGet();
    triggers.put(t, clock());
    return t;
  }

  /** The messages in a thread (its root excluded), in posting order: what a user reads there. */
  List<JsonObject> thread(String channel, String threadTs) {
    return order.stream().map(messages::get)
        .filter(m -> m != null && channel.equals(m.getString("channel")) && threadTs.equals(m.getString("thread_ts")))
        .toList();
  }

  /** A message's shown text: its markdown_text, else its text. */
  static String shown(JsonObject m) { return m.getString("markdown_text", m.getString("text", "")); }

  private boolean overLimit(String method) {
    Integer limit = perMinute.get(method);
    if (limit == null) return false;
    Deque<Long> times = callTimes.computeIfAbsent(method, m -> new ArrayDeque<>());
    synchronized (times) {
      long now = clock();
      while (!times.isEmpty() && times.peekFirst() <= now - 60_000) times.pollFirst();
      if (times.size() >= limit) return true;
      times.addLast(now);
      return false;
    }
  }

  private long retryAfterSeconds(String method) {
    Deque<Long> times = callTimes.get(method);
    synchronized (times) {
      return Math.max(1, (times.peekFirst() + 60_000 - clock() + 999) / 1000);
    }
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      String path = req.path();
      JsonObject body = buf.length() == 0 ? new JsonObject() : new JsonObject(buf);
      if (path.startsWith("/actions/")) {
        calls.add(new Call("response_url:" + path.substring("/actions/".length()), body, System.currentTimeMillis()));
        req.response().end("ok");
        return;
      }
      String method = path.substring(path.lastIndexOf('/') + 1);
      calls.add(new Call(method, body, System.currentTimeMillis()));
      String auth = req.getHeader("Authorization");
      if ("apps.connections.open".equals(method)) { // slack.md §6: xoxb and xapp are never mixed up
        if (auth != null && auth.startsWith("Bearer xoxb-")) {
          ok(req, new JsonObject().put("ok", false).put("error", "not_allowed_token_type"));
          return;
        }
        if (socketMode == null || !("Bearer " + FakeSocketMode.APP_TOKEN).equals(auth)) {
          ok(req, new JsonObject().put("ok", false).put("error", "invalid_auth"));
          return;
        }
      } else if (!("Bearer " + BOT_TOKEN).equals(auth)) {
        ok(req, new JsonObject().put("ok", false).put("error", "not_authed"));
        return;
      }
      Deque<String> q = faults.get(method);
      String fault = q == null ? null : q.poll();
      if (fault != null && fault.startsWith("429:")) {
        req.response().setStatusCode(429).putHeader("Retry-After", fault.substring(4))
            .putHeader("Content-Type", "application/json").end(new JsonObject().put("ok", false)
                .put("error", "ratelimited").encode());
        return;
      }
      if (fault != null && fault.startsWith("error:")) {
        ok(req, new JsonObject().put("ok", false).put("error", fault.substring(6)));
        return;
      }
      if (overLimit(method)) {
        req.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(retryAfterSeconds(method)))
            .putHeader("Content-Type", "application/json").end(new JsonObject().put("ok", false)
                .put("error", "ratelimited").encode());
        return;
      }
      JsonObject answer = unknownMethods.contains(method) ? error("unknown_method") : answer(method, body);
      if (!answer.getBoolean("ok")) errorsAnswered.add(method + ":" + answer.getString("error"));
      ok(req, answer);
    });
  }

  private JsonObject answer(String method, JsonObject b) {
    JsonObject ok = new JsonObject().put("ok", true);
    switch (method) {
      case "apps.connections.open":
        return ok.put("url", socketMode.issue());
      case "auth.test":
        return ok.put("user_id", BOT_USER).put("team_id", "T0TEAM").put("team", "Test").put("bot_id", "B0BOT");
      case "chat.postMessage": {
        if (blocksRefused(b.getJsonArray("blocks"), 50)) return error("invalid_blocks");
        String bad = markdownRefusal(b);
        if (bad != null) return error(bad);
        return ok.put("channel", b.getString("channel")).put("ts", store(b.copy()));
      }
      case "chat.update": {
        String key = b.getString("channel") + "/" + b.getString("ts");
        JsonObject m = messages.get(key);
        if (m == null) return error("message_not_found");
        if (b.getString("text", "").length() > 4_000) return error("msg_too_long");
        if (blocksRefused(b.getJsonArray("blocks"), 50)) return error("invalid_blocks");
        String bad = markdownRefusal(b);
        if (bad != null) return error(bad);
        if (streaming(m)) return error("streaming_state_conflict");
        JsonObject updated = b.copy();
        if (m.getString("thread_ts") != null) updated.put("thread_ts", m.getString("thread_ts"));
        messages.put(key, updated);
        return ok.put("channel", b.getString("channel")).put("ts", b.getString("ts"));
      }
      case "chat.startStream": {
        String channel = b.getString("channel");
        if (channel == null || b.getString("thread_ts") == null) return error("invalid_arguments");
        if (b.getString("markdown_text") == null && b.getJsonArray("chunks") == null) return error("invalid_arguments");
        if (b.getString("markdown_text", "").length() > 12_000) return error("msg_too_long");
        if (!channel.startsWith("D") && b.getString("recipient_user_id") == null) {
          return error("missing_recipient_user_id");
        }
        if (!channel.startsWith("D") && b.getString("recipient_team_id") == null) {
          return error("missing_recipient_team_id");
        }
        JsonObject m = new JsonObject().put("channel", channel).put("thread_ts", b.getString("thread_ts"))
            .put("markdown_text", b.getString("markdown_text", "")).put("streaming", true)
            .put("started_at", clock());
        return ok.put("channel", channel).put("ts", store(m));
      }
      case "chat.appendStream":
      case "chat.stopStream": {
        JsonObject m = messages.get(b.getString("channel") + "/" + b.getString("ts"));
        if (m == null) return error("message_not_found");
        String text = b.getString("markdown_text");
        if (text != null && text.length() > 12_000) return error("msg_too_long");
        if (method.equals("chat.appendStream") && text == null && b.getJsonArray("chunks") == null) {
          return error("invalid_arguments");
        }
        if (stoppedByUser.remove(b.getString("channel") + "/" + b.getString("ts"))) return error("stopped_by_user");
        if (!streaming(m)) return error("message_not_in_streaming_state");
        if (text != null) m.put("markdown_text", m.getString("markdown_text") + text);
        if (method.equals("chat.stopStream")) {
          m.put("streaming", false);
          return ok.put("channel", b.getString("channel")).put("ts", b.getString("ts")).put("message", m.copy());
        }
        return ok.put("channel", b.getString("channel")).put("ts", b.getString("ts"));
      }
      case "agents.sessions.setStatus": {
        if (b.getString("channel_id") == null || b.getString("thread_ts") == null) return error("invalid_arguments");
        if (!List.of("active", "processing", "suspended", "closed").contains(b.getString("status"))) {
          return error("invalid_arguments");
        }
        return sessionWarning == null ? ok : ok.put("warning", sessionWarning);
      }
      case "assistant.threads.setStatus":
        if (b.getString("channel_id") == null || b.getString("thread_ts") == null || b.getString("status") == null) {
          return error("invalid_arguments");
        }
        return ok;
      case "views.open": {
        String t = b.getString("trigger_id");
        Long issued = t == null ? null : triggers.get(t);
        if (issued == null) return error("invalid_trigger_id");
        if (!usedTriggers.add(t)) return error("exchanged_trigger_id");
        if (clock() - issued > 3_000) return error("expired_trigger_id");
        String bad = viewRefusal(b.getJsonObject("view"));
        if (bad != null) return error(bad);
        String id = "V" + seq.incrementAndGet();
        JsonObject v = b.getJsonObject("view").copy().put("id", id).put("hash", "h" + seq.incrementAndGet());
        views.put(id, v);
        return ok.put("view", v.copy());
      }
      case "views.update": {
        JsonObject old = views.get(b.getString("view_id", ""));
        if (old == null) return error("not_found");
        String bad = viewRefusal(b.getJsonObject("view"));
        if (bad != null) return error(bad);
        JsonObject v = b.getJsonObject("view").copy().put("id", old.getString("id")).put("hash", "h" + seq.incrementAndGet());
        views.put(old.getString("id"), v);
        return ok.put("view", v.copy());
      }
      case "chat.postEphemeral":
        return ok.put("message_ts", (System.currentTimeMillis() / 1000) + "." + seq.incrementAndGet());
      case "conversations.create": {
        String name = b.getString("name", "");
        if (!name.matches("[a-z0-9_-]{1,80}")) return error("invalid_name_specials");
        if (!takenNames.add(name)) return error("name_taken");
        return ok.put("channel", new JsonObject().put("id", "C" + seq.incrementAndGet()).put("name", name)
            .put("is_private", b.getBoolean("is_private", false)));
      }
      case "conversations.invite":
      case "conversations.archive":
        return ok.put("channel", new JsonObject().put("id", b.getString("channel")));
      case "conversations.open":
        return ok.put("channel", new JsonObject().put("id", "D" + b.getString("users")));
      default:
        return error("unknown_method");
    }
  }

  private String store(JsonObject m) {
    String ts = (System.currentTimeMillis() / 1000) + "." + seq.incrementAndGet();
    String key = m.getString("channel") + "/" + ts;
    messages.put(key, m);
    order.add(key);
    return ts;
  }

  /** A stream still open: started, not stopped, younger than its lifetime (else it is no longer streaming). */
  private boolean streaming(JsonObject m) {
    if (!m.getBoolean("streaming", false)) return false;
    if (clock() - m.getLong("started_at") > streamLifetimeMs) {
      m.put("streaming", false);
      return false;
    }
    return true;
  }

  /**
   * Blocks Slack refuses (slack.md §4, §8): more than {@code max} blocks (50 in a message, 100 in a modal), a section
   * text over 3,000 characters, an actions block over 25 elements, a block_id used twice.
   */
  static boolean blocksRefused(JsonArray blocks, int max) {
    if (blocks == null) return false;
    if (blocks.size() > max) return true;
    Set<String> ids = new java.util.HashSet<>();
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject block = blocks.getJsonObject(i);
      String id = block.getString("block_id");
      if (id != null && !ids.add(id)) return true;
      JsonObject text = block.getJsonObject("text");
      if ("section".equals(block.getString("type")) && text != null && text.getString("text", "").length() > 3_000) {
        return true;
      }
      if ("actions".equals(block.getString("type")) && block.getJsonArray("elements", new JsonArray()).size() > 25) {
        return true;
      }
    }
    return false;
  }

  /**
   * A modal Slack refuses (slack.md §3, §4): not a modal, a title, submit or close text over 24 characters, input
   * blocks without a submit, private_metadata over 3,000 characters, more than 100 blocks.
   */
  static String viewRefusal(JsonObject view) {
    if (view == null || !"modal".equals(view.getString("type"))) return "invalid_arguments";
    for (String k : List.of("title", "submit", "close")) {
      JsonObject t = view.getJsonObject(k);
      if (t == null && k.equals("title")) return "invalid_arguments";
      if (t != null && (!"plain_text".equals(t.getString("type")) || t.getString("text", "").length() > 24)) {
        return "invalid_arguments";
      }
    }
    JsonArray blocks = view.getJsonArray("blocks", new JsonArray());
    boolean inputs = blocks.stream().anyMatch(o -> o instanceof JsonObject j && "input".equals(j.getString("type")));
    if (inputs && view.getJsonObject("submit") == null) return "invalid_arguments";
    if (view.getString("private_metadata", "").length() > 3_000) return "invalid_arguments";
    if (view.encode().length() > 250 * 1024) return "view_too_large";
    return blocksRefused(blocks, 100) ? "invalid_blocks" : null;
  }

  /** markdown_text is ≤ 12,000 characters and not combined with text or blocks (slack.md §10.4). */
  private static String markdownRefusal(JsonObject b) {
    String md = b.getString("markdown_text");
    if (md == null) return null;
    if (b.containsKey("text") || b.containsKey("blocks")) return "invalid_arguments";
    return md.length() > 12_000 ? "msg_too_long" : null;
  }

  private static JsonObject error(String code) { return new JsonObject().put("ok", false).put("error", code); }

  private static void ok(HttpServerRequest req, JsonObject body) {
    req.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }
}
