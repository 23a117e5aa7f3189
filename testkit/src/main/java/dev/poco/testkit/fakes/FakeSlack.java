package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback Slack for one app installed in one workspace (slack.md §8 checklist): the Web API at {@code /api/<method>}
 * (§4, in {@link SlackWebApi}; streaming §10 in {@link SlackStreams}), {@code response_url} endpoints (§3), Socket Mode
 * at {@code /link/} (§5, §11, in {@link SlackSocketLink}). Bodies form-encoded or JSON, a Bearer token on every call,
 * HTTP 200 {@code {ok:..}} answers, 429 + {@code Retry-After} per method tier and per channel.
 *
 * <p>State for assertions: {@link #channel}, each channel's messages, thread replies and ephemerals, each message's
 * versions and stream; {@link #views}; {@link #calls()} (the API call log), {@link #calls(String)},
 * {@link #rateLimited(String)}. Scripted faults: {@link #failNext}, {@link #latency}, {@link #revokeBotToken}. Time:
 * {@link #advance} moves the fake's clock (trigger and response_url expiry, stream lifetime, rate windows),
 * {@link #freezeClock} stops it for exact rate counts. What users do: {@link SlackInbound} builds the events and
 * payloads, {@link SlackPusher} (HTTP mode) or {@link #socket()} (Socket Mode) delivers them.
 */
public final class FakeSlack {
  private static final Logger log = LoggerFactory.getLogger(FakeSlack.class);
  /** Guards every channel, message and view of every fake (tests are small; one lock keeps snapshots consistent). */
  static final Object LOCK = new Object();

  public static final String TEAM_ID = "T0FAKE";
  public static final String TEAM_DOMAIN = "pocofake";
  public static final String ENTERPRISE_ID = null;

  /** The rate-limit tiers of slack.md §4 (per method, per app, per workspace): calls per minute. */
  static final Map<Integer, Integer> TIER_PER_MINUTE = Map.of(1, 1, 2, 20, 3, 50, 4, 100);

  public final String appId = "A0FAKEAPP";
  public final String botUserId = "U0FAKEBOT";
  public final String botId = "B0FAKEBOT";
  private final String botToken;
  private final String appToken;
  private final HttpServer server;
  private final SlackWebApi web;
  private final SlackStreams streams;
  private final SlackSocketLink socket;
  private final AtomicLong clockOffsetMs = new AtomicLong();
  private final AtomicLong frozenAtMs = new AtomicLong(-1);
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final List<JsonObject> calls = new CopyOnWriteArrayList<>();
  // guarded by LOCK
  final Map<String, SlackChannel> channels = new LinkedHashMap<>();
  final Map<String, SlackView> views = new LinkedHashMap<>();
  final Map<String, Trigger> triggers = new HashMap<>();
  final Map<String, ResponseUrl> responseUrls = new HashMap<>();
  private final Map<String, Long> lastTsMicros = new HashMap<>();
  private final Map<String, Deque<Long>> windows = new HashMap<>();
  private final Map<String, Deque<Fault>> faults = new HashMap<>();
  private final Map<String, Long> latencies = new HashMap<>();
  private final Map<Integer, Integer> tierPerMinute = new HashMap<>(TIER_PER_MINUTE);
  private boolean rateLimits = true;
  private boolean channelLimitAsOkFalse;
  private boolean botTokenRevoked;

  /** A {@code trigger_id}: valid 3 s, single use (slack.md §3 trigger_id). */
  static final class Trigger {
    final String userId;
    final long issuedAtMs;
    boolean used;

    Trigger(String userId, long issuedAtMs) {
      this.userId = userId;
      this.issuedAtMs = issuedAtMs;
    }
  }

  /** A {@code response_url}: 5 uses within 30 min (slack.md §3). */
  static final class ResponseUrl {
    final String channel;
    final String userId;
    /** The message the action came from (block_actions), else null (slash commands). */
    final String messageTs;
    final long issuedAtMs;
    int uses;

    ResponseUrl(String channel, String userId, String messageTs, long issuedAtMs) {
      this.channel = channel;
      this.userId = userId;
      this.messageTs = messageTs;
      this.issuedAtMs = issuedAtMs;
    }
  }

  /**
   * A scripted answer for the next call of a method: an {@code ok:false} error (HTTP 200), an HTTP status (5xx) or
   * a 429 with {@code Retry-After}.
   */
  public record Fault(String error, int status, int retryAfterSeconds) {
    /** {@code {"ok":false,"error":error}} with HTTP 200, e.g. {@code rate_limited} (slack.md §4) or invalid_auth. */
    public static Fault error(String error) { return new Fault(error, 200, 0); }

    /** HTTP {@code status} (e.g. 500, 503) with a non-JSON body, as a failing load balancer answers. */
    public static Fault status(int status) { return new Fault(null, status, 0); }

    /** HTTP 429 + {@code Retry-After: seconds} + {@code {"ok":false,"error":"ratelimited"}} (slack.md §4). */
    public static Fault rateLimited(int seconds) { return new Fault("ratelimited", 429, seconds); }
  }

  private FakeSlack(Vertx vertx, String botToken, String appToken) {
    this.botToken = botToken;
    this.appToken = appToken;
    this.web = new SlackWebApi(this);
    this.streams = new SlackStreams(this);
    this.socket = new SlackSocketLink(this, vertx);
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  /** A fake whose bot token is {@code botToken} (xoxb-…) and app-level token {@code appToken} (xapp-…). */
  public static FakeSlack start(Vertx vertx, String botToken, String appToken) {
    if (!botToken.startsWith("xoxb-") || !appToken.startsWith("xapp-")) {
      throw new IllegalArgumentException("a bot token starts with xoxb-, an app-level token with xapp-");
    }
    FakeSlack fake = new FakeSlack(vertx, botToken, appToken);
    fake.server.listen(0, "127.0.0.1").await();
    return fake;
  }

  public int port() { return server.actualPort(); }

  public String baseUrl() { return "http://127.0.0.1:" + port(); }

  /** The Web API prefix a client is pointed at (slack.md §7: {@code http://127.0.0.1:P/api/}). */
  public String apiUrl() { return baseUrl() + "/api/"; }

  /** Socket Mode's platform side (slack.md §5, §11). */
  public SlackSocketLink socket() { return socket; }

  public void close() {
    socket.close();
    server.close().await();
  }

  // ---- clock ----

  /** The fake's clock: wall time plus what {@link #advance} added. */
  public long nowMs() {
    long frozen = frozenAtMs.get();
    return (frozen >= 0 ? frozen : System.currentTimeMillis()) + clockOffsetMs.get();
  }

  /** Stops the clock (only {@link #advance} moves it), so rate windows do not depend on how loaded the machine is. */
  public void freezeClock() { frozenAtMs.compareAndSet(-1, System.currentTimeMillis()); }

  public void advance(Duration d) { clockOffsetMs.addAndGet(d.toMillis()); }

  // ---- test controls: faults and limits ----

  /** Turns the rate limits (tiers per method, 1/s per channel for chat.postMessage) on or off. */
  public void rateLimits(boolean on) {
    synchronized (LOCK) { rateLimits = on; }
  }

  /**
   * chat.postMessage's per-channel limit answers HTTP 200 {@code {"ok":false,"error":"rate_limited"}} (which its docs
   * also list, slack.md §4) instead of 429 + Retry-After.
   */
  public void channelLimitAsOkFalse(boolean on) {
    synchronized (LOCK) { channelLimitAsOkFalse = on; }
  }

  boolean channelLimitAsOkFalse() {
    synchronized (LOCK) { return channelLimitAsOkFalse; }
  }

  /** Calls per minute of a tier (slack.md §4 gives minimums: T1 1, T2 20, T3 50, T4 100). */
  public void tierPerMinute(int tier, int perMinute) {
    synchronized (LOCK) { tierPerMinute.put(tier, perMinute); }
  }

  /** The next {@code times} calls of {@code method} (e.g. {@code chat.postMessage}) get {@code fault}. */
  public void failNext(String method, int times, Fault fault) {
    synchronized (LOCK) {
      Deque<Fault> q = faults.computeIfAbsent(method, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) q.add(fault);
    }
  }

  /** Every call of {@code method} is answered {@code ms} later (0: at once). */
  public void latency(String method, long ms) {
    synchronized (LOCK) { latencies.put(method, ms); }
  }

  /** The bot token is revoked: every call with it gets {@code token_revoked} (slack.md §6 Auth). */
  public void revokeBotToken() {
    synchronized (LOCK) { botTokenRevoked = true; }
  }

  // ---- test controls: workspace ----

  /** A channel someone else made, with these users, and the bot in it when {@code withBot}. */
  public SlackChannel channel(String name, List<String> users, boolean withBot) {
    synchronized (LOCK) {
      SlackChannel c = new SlackChannel("C" + next(), name, false, "channel");
      c.members.addAll(users);
      if (withBot) c.members.add(botUserId);
      channels.put(c.id, c);
      return c;
    }
  }

  /** The 1:1 DM of {@code userId} with the bot (one per user, a deterministic {@code D…} id). */
  public SlackChannel dm(String userId) { return conversation(List.of(userId)); }

  /** The DM (one user) or group DM of these users with the bot; the same id for the same set (slack.md §8). */
  SlackChannel conversation(List<String> users) {
    List<String> sorted = users.stream().distinct().sorted().toList();
    String id = (sorted.size() == 1 ? "D" : "G") + Integer.toUnsignedString(String.join(",", sorted).hashCode(), 36)
        .toUpperCase();
    synchronized (LOCK) {
      SlackChannel c = channels.get(id);
      if (c != null) return c;
      c = new SlackChannel(id, "", true, sorted.size() == 1 ? "im" : "mpim");
      c.members.addAll(sorted);
      c.members.add(botUserId);
      channels.put(id, c);
      return c;
    }
  }

  public SlackChannel channel(String id) {
    synchronized (LOCK) { return channels.get(id); }
  }

  public List<SlackChannel> channels() {
    synchronized (LOCK) { return List.copyOf(channels.values()); }
  }

  /** Channels named {@code name}. */
  public List<SlackChannel> channelsNamed(String name) {
    return channels().stream().filter(c -> name.equals(c.name)).toList();
  }

  public void archive(String channelId) {
    synchronized (LOCK) { requireChannel(channelId).archived = true; }
  }

  public void join(String channelId, String userId) {
    synchronized (LOCK) { requireChannel(channelId).members.add(userId); }
  }

  /** The message {@code ts} of {@code channelId} (thread replies too), or null. */
  public SlackMessage message(String channelId, String ts) {
    synchronized (LOCK) {
      SlackChannel c = channels.get(channelId);
      if (c == null) return null;
      for (SlackMessage m : c.messages) if (m.ts.equals(ts)) return m;
      return null;
    }
  }

  /**
   * The message {@code ts} of {@code channelId} as a user sees it, an ephemeral one included: what a click's
   * container and its response_url name (slack.md §3: a response_url replaces or deletes an ephemeral message too).
   */
  public SlackMessage shown(String channelId, String ts) {
    synchronized (LOCK) {
      SlackMessage m = message(channelId, ts);
      if (m != null) return m;
      SlackChannel c = channels.get(channelId);
      if (c == null) return null;
      for (SlackMessage e : c.ephemerals) if (e.ts.equals(ts)) return e;
      return null;
    }
  }

  /** A message {@code userId} posts (it lands in the channel; {@link SlackInbound} makes its event). */
  public SlackMessage post(String channelId, String userId, String text, String threadTs) {
    synchronized (LOCK) {
      SlackChannel c = requireChannel(channelId);
      SlackMessage m = new SlackMessage(c.id, nextTs(c.id), threadTs, userId, null, null,
          new JsonObject().put("text", text));
      c.messages.add(m);
      return m;
    }
  }

  public List<SlackView> views() {
    synchronized (LOCK) { return List.copyOf(views.values()); }
  }

  public SlackView view(String viewId) {
    synchronized (LOCK) { return views.get(viewId); }
  }

  /** The user pressed Stop (slack.md §10.3): Slack stops the thread's streams; later writes get stopped_by_user. */
  public List<String> stopByUser(String channelId, String threadTs) { return streams.stopByUser(channelId, threadTs); }

  /** Every {@code assistant.threads.*} and {@code agents.sessions.*} call accepted, in order (method + arguments). */
  public List<JsonObject> statusCalls() { return web.statusCalls(); }

  /** The assistant status a thread shows now ("" once replied to, cleared, or after 2 minutes; slack.md §10.3). */
  public String assistantStatus(String channelId, String threadTs) { return web.threadStatus(channelId, threadTs); }

  /** The agent session status of a thread (active, processing, suspended, closed) or null (slack.md §10.3). */
  public String agentSessionStatus(String channelId, String threadTs) { return web.sessionStatus(channelId, threadTs); }

  /** Whether the app subscribed to {@code agent_session_stopped} (else setStatus warns, slack.md §10.3). */
  public void agentSessionStoppedSubscribed(boolean on) { web.agentSessionStoppedSubscribed(on); }

  /** How a stream times out (slack.md §10.2: ~5 min, from its start by default; from the last write if idle). */
  public void streamLifetime(Duration lifetime, boolean countsIdleTime) { streams.lifetime(lifetime, countsIdleTime); }

  /** Require recipient_user_id/team_id on streams in DMs too (one report, slack.md §10.2). */
  public void streamRecipientRequiredInDms(boolean on) { streams.recipientRequiredInDms(on); }

  /** A fresh {@code trigger_id} for {@code userId} (what an interaction carries). */
  public String newTrigger(String userId) {
    String id = next() + "." + next() + "." + UUID.randomUUID().toString().replace("-", "");
    synchronized (LOCK) { triggers.put(id, new Trigger(userId, nowMs())); }
    return id;
  }

  /** A fresh {@code response_url} (kind "actions" or "commands") on this fake's port. */
  public String newResponseUrl(String kind, String channelId, String userId, String messageTs) {
    String id = next() + "/" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    synchronized (LOCK) { responseUrls.put(id, new ResponseUrl(channelId, userId, messageTs, nowMs())); }
    return baseUrl() + "/" + kind + "/" + TEAM_ID + "/" + id;
  }

  // ---- call log ----

  /** Every call: {method, status, ok, error, channel, params (no token), at (fake clock ms), retry_after}. */
  public List<JsonObject> calls() { return List.copyOf(calls); }

  /** How many calls {@code method} got (answered ones, refused or not). */
  public long calls(String method) {
    return calls.stream().filter(r -> method.equals(r.getString("method"))).count();
  }

  /** How many calls of {@code method} got HTTP 429. */
  public long rateLimited(String method) {
    return calls.stream().filter(r -> method.equals(r.getString("method")) && r.getInteger("status") == 429).count();
  }

  /** Calls of {@code method} answered {@code ok:false} with {@code error}. */
  public long errors(String method, String error) {
    return calls.stream().filter(r -> method.equals(r.getString("method")) && error.equals(r.getString("error")))
        .count();
  }

  // ---- HTTP ----

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/link") || path.equals("/link/")) {
      socket.upgrade(req);
      return;
    }
    req.body().onSuccess(buf -> {
      Call call = new Call(req, buf);
      try {
        route(call);
      } catch (RuntimeException e) {
        log.warn("fake slack: {} {} failed", req.method(), path, e);
        call.answer(500, new JsonObject().put("ok", false).put("error", "fatal_error"), null);
      }
    });
  }

  /** One request and its answer, logged for {@link #calls()}. */
  final class Call {
    final HttpServerRequest req;
    final Buffer raw;
    String method = "unknown";
    /** Arguments: the form fields or the JSON body, plus query parameters. Null when the body does not parse. */
    JsonObject params;
    boolean json;

    Call(HttpServerRequest req, Buffer raw) {
      this.req = req;
      this.raw = raw;
      this.params = parse();
    }

    private JsonObject parse() {
      JsonObject p = new JsonObject();
      req.params().forEach(p::put);
      String type = req.getHeader("Content-Type");
      if (raw.length() == 0) return p;
      if (type != null && type.toLowerCase().startsWith("application/json")) {
        json = true;
        try {
          return p.mergeIn(raw.toJsonObject());
        } catch (RuntimeException e) {
          return null;
        }
      }
      for (String pair : raw.toString().split("&")) {
        if (pair.isEmpty()) continue;
        int eq = pair.indexOf('=');
        String k = eq < 0 ? pair : pair.substring(0, eq);
        String v = eq < 0 ? "" : pair.substring(eq + 1);
        try {
          p.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
          return null;
        }
      }
      return p;
    }

    String str(String key) {
      Object v = params.getValue(key);
      return v == null ? null : String.valueOf(v);
    }

    /** A JSON array argument: a JSON array in a JSON body, a JSON string in a form (slack.md §4). */
    Object jsonArg(String key) {
      Object v = params.getValue(key);
      if (v instanceof String s) {
        try {
          return Json.decode(s);
        } catch (RuntimeException e) {
          return Json.INVALID;
        }
      }
      return v;
    }

    void ok(JsonObject body) { answer(200, body.put("ok", true), null); }

    void error(String error) { answer(200, new JsonObject().put("ok", false).put("error", error), null); }

    void answer(int status, JsonObject json, Map<String, String> headers) {
      JsonObject logged = params == null ? new JsonObject() : params.copy();
      logged.remove("token");
      calls.add(new JsonObject().put("method", method).put("status", status).put("ok", json.getBoolean("ok"))
          .put("error", json.getString("error")).put("channel", logged.getValue("channel")).put("params", logged)
          .put("at", nowMs()).put("retry_after", headers == null ? null : headers.get("Retry-After")));
      log.debug("fake slack: {} -> {} {}", method, status, json.getString("error", ""));
      var res = req.response().setStatusCode(status);
      if (headers != null) headers.forEach(res::putHeader);
      if (status >= 500) {
        res.putHeader("content-type", "text/html").end("<html><body>" + status + " upstream error</body></html>");
        return;
      }
      res.putHeader("content-type", "application/json; charset=utf-8").end(json.encode());
    }
  }

  /** A JSON argument decoded leniently: a form field holds JSON text. */
  static final class Json {
    static final Object INVALID = new Object();

    static Object decode(String s) {
      String t = s.trim();
      if (t.startsWith("[")) return new JsonArray(t);
      if (t.startsWith("{")) return new JsonObject(t);
      throw new IllegalArgumentException("not JSON");
    }
  }

  private void route(Call c) {
    String path = c.req.path();
    if (path.startsWith("/actions/") || path.startsWith("/commands/")) {
      c.method = "response_url";
      if (c.params == null) {
        c.answer(400, new JsonObject().put("ok", false).put("error", "invalid_payload"), null);
        return;
      }
      web.responseUrl(c, path.substring(path.indexOf('/', 1) + 1 + TEAM_ID.length() + 1));
      return;
    }
    if (!path.startsWith("/api/")) {
      c.answer(404, new JsonObject().put("ok", false).put("error", "not_found"), null);
      return;
    }
    c.method = path.substring(5);
    Runnable handler = streams.handler(c);
    if (handler == null) handler = web.handler(c);
    if (handler == null) {
      c.error("unknown_method");
      return;
    }
    if (c.params == null) {
      c.error("invalid_json");
      return;
    }
    if (!authorized(c) || fault(c)) return;
    Long delay;
    synchronized (LOCK) { delay = latencies.get(c.method); }
    Runnable run = handler;
    if (delay != null && delay > 0) {
      socket.vertx().setTimer(delay, id -> run.run());
    } else {
      run.run();
    }
  }

  // ---- auth, faults, limits ----

  /**
   * A Bearer token in the header (a form body may carry it as {@code token}; a JSON body may not). xapp- is for
   * apps.connections.open (header only) and auth.test; xoxb- for the rest (slack.md §4, §6).
   */
  private boolean authorized(Call c) {
    String auth = c.req.getHeader("Authorization");
    String token = null;
    boolean inHeader = false;
    if (auth != null && auth.startsWith("Bearer ") && auth.length() > 7) {
      token = auth.substring(7).trim();
      inHeader = true;
    } else if (!c.json) {
      token = c.str("token");
    }
    boolean connections = c.method.equals("apps.connections.open");
    if (token == null || token.isEmpty() || (connections && !inHeader)) {
      c.error("not_authed");
      return false;
    }
    boolean revoked;
    synchronized (LOCK) { revoked = botTokenRevoked; }
    if (token.equals(botToken)) {
      if (revoked) {
        c.error("token_revoked");
        return false;
      }
      if (connections) {
        c.error("not_allowed_token_type");
        return false;
      }
      return true;
    }
    if (token.equals(appToken)) {
      if (connections || c.method.equals("auth.test")) return true;
      c.error("not_allowed_token_type");
      return false;
    }
    c.error("invalid_auth");
    return false;
  }

  private boolean fault(Call c) {
    Fault f;
    synchronized (LOCK) {
      Deque<Fault> q = faults.get(c.method);
      f = q == null ? null : q.poll();
    }
    if (f == null) return false;
    if (f.status() == 429) {
      tooMany(c, f.retryAfterSeconds());
    } else if (f.status() >= 500) {
      c.answer(f.status(), new JsonObject(), null);
    } else {
      c.error(f.error());
    }
    return true;
  }

  /** Whether the call is over its method's tier; answers 429 if so, else counts it (slack.md §4 Rate limits). */
  boolean overTier(Call c, int tier) { return over(c, "tier:" + c.method, tierLimit(tier), 60_000); }

  int tierLimit(int tier) {
    synchronized (LOCK) { return tierPerMinute.getOrDefault(tier, 100); }
  }

  /** Whether {@code key} already had {@code limit} calls in the window; answers 429 + Retry-After if so. */
  boolean over(Call c, String key, int limit, long windowMs) { return over(c, key, limit, windowMs, false); }

  /** As {@link #over(Call, String, int, long)}; {@code okFalse}: answer HTTP 200 {@code rate_limited} instead. */
  boolean over(Call c, String key, int limit, long windowMs, boolean okFalse) {
    long wait;
    synchronized (LOCK) {
      if (!rateLimits) return false;
      long now = nowMs();
      Deque<Long> w = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
      while (!w.isEmpty() && w.peekFirst() <= now - windowMs) w.pollFirst();
      wait = w.size() < limit ? 0 : w.peekFirst() + windowMs - now;
      if (wait == 0) w.addLast(now);
    }
    if (wait == 0) return false;
    if (okFalse) {
      c.error("rate_limited");
    } else {
      tooMany(c, (int) Math.max(1, (wait + 999) / 1000));
    }
    return true;
  }

  /** HTTP 429 + Retry-After (seconds) + {@code {"ok":false,"error":"ratelimited"}} (slack.md §4). */
  void tooMany(Call c, int retryAfterSeconds) {
    c.answer(429, new JsonObject().put("ok", false).put("error", "ratelimited"),
        Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
  }

  // ---- ids ----

  int next() { return ids.incrementAndGet(); }

  /** {@code "<epoch s>.<6 digits>"}, strictly increasing per channel (slack.md §8). */
  String nextTs(String channelId) {
    synchronized (LOCK) {
      long micros = nowMs() * 1000;
      Long last = lastTsMicros.get(channelId);
      if (last != null && micros <= last) micros = last + 1;
      lastTsMicros.put(channelId, micros);
      return String.format("%d.%06d", micros / 1_000_000, micros % 1_000_000);
    }
  }

  SlackChannel requireChannel(String channelId) {
    SlackChannel c = channels.get(channelId);
    if (c == null) throw new IllegalArgumentException("no channel " + channelId);
    return c;
  }

  SlackWebApi web() { return web; }

  SlackStreams streams() { return streams; }

  /** Channels and their messages, for a failure message. */
  public String dump() {
    List<String> out = new ArrayList<>();
    for (SlackChannel c : channels()) {
      out.add(c.toString());
      for (SlackMessage m : c.allMessages()) out.add("  " + m + ": " + m.text().replace('\n', ' '));
      synchronized (LOCK) {
        for (SlackMessage m : c.ephemerals) out.add("  " + m + ": " + m.text().replace('\n', ' '));
      }
    }
    return String.join("\n", out);
  }
}
