package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback Feishu open API for one self-built bot app (feishu.md §9 checklist): tenant tokens (§1); messages,
 * replies, card PATCHes and group chats (§3, §4, in {@link FeishuImApi}); CardKit card entities (§11, in
 * {@link FeishuCardKit}); the gateway and per-chat/per-message rate limits (§2); the error codes and
 * {code, msg, error{log_id}} bodies of §2.
 *
 * <p>State for assertions: {@link #chats()}, each chat's messages in order, each message's full history of contents.
 * Scripted faults: {@link #failNext}, {@link #rateLimitBurst}, {@link #recall}. Time: {@link #advance} moves the
 * fake's clock (token expiry, the 14-day update window), {@link #freezeClock} stops it for exact rate-limit counts.
 * The platform side of webhooks is {@link FeishuPusher}; of the long connection {@link FeishuLongConnection}.
 */
public final class FakeFeishu {
  private static final Logger log = LoggerFactory.getLogger(FakeFeishu.class);
  /** Guards every chat and message of every fake (tests are small; one lock keeps snapshots consistent). */
  static final Object LOCK = new Object();

  // Codes of feishu.md §1 and §2.
  public static final int TOKEN_INVALID = 99991663;
  public static final int TOKEN_MISSING = 99991661;
  public static final int RATE_LIMITED = 99991400;
  public static final int INVALID_PARAM = 230001;
  public static final int BOT_NOT_IN_CHAT = 230002;
  public static final int RECALLED = 230011;
  public static final int FREQUENCY_LIMIT = 230020;
  public static final int CONTENT_TOO_LONG = 230025;
  public static final int NO_PERMISSION = 230027;
  public static final int TOO_OLD = 230031;
  public static final int CARD_CREATE_FAILED = 230099;
  /** The notes name no code for bad app credentials (§1 says only "code != 0"); Feishu's docs use 10014. */
  public static final int APP_SECRET_INVALID = 10014;

  /** CardKit endpoint names (feishu.md §11.1) for {@link #failNext} and {@link #calls}. */
  public static final String CARDKIT_CREATE = FeishuCardKit.CREATE, CARDKIT_CONTENT = FeishuCardKit.CONTENT,
      CARDKIT_SETTINGS = FeishuCardKit.SETTINGS, CARDKIT_UPDATE = FeishuCardKit.UPDATE;
  /** Endpoint names for {@link #failNext} and {@link #calls}. */
  public static final String TOKEN = "token", SEND = "send", REPLY = "reply", PATCH = "patch", GET_MESSAGE = "get",
      RECALL = "recall", REACT = "react", CHAT_CREATE = "chat.create", CHAT_GET = "chat.get",
      CHAT_DELETE = "chat.delete", MEMBERS_ADD = "members.add", MEMBERS_GET = "members.get", BOT_INFO = "bot.info",
      WS_ENDPOINT = "ws.endpoint";

  public static final String TENANT_KEY = "tk_fake";
  static final long DAY_MS = 24L * 3600 * 1000;
  /** A message is updatable within 14 days (feishu.md §3 Update a card). */
  static final long UPDATE_WINDOW_MS = 14 * DAY_MS;
  private static final long REFRESH_BELOW_MS = 30 * 60_000L;
  private static final Pattern MESSAGE = Pattern.compile("/open-apis/im/v1/messages/([^/]+)");
  private static final Pattern MESSAGE_SUB = Pattern.compile("/open-apis/im/v1/messages/([^/]+)/(reply|reactions)");
  private static final Pattern CHAT = Pattern.compile("/open-apis/im/v1/chats/([^/]+)");
  private static final Pattern CHAT_MEMBERS = Pattern.compile("/open-apis/im/v1/chats/([^/]+)/members");

  public final String appId;
  private final String appSecret;
  /** The bot's own open_id, as @mentions of it carry (feishu.md §5 mentions). */
  public final String botOpenId;
  private final HttpServer server;
  final FeishuCardKit cardKit;
  private final FeishuImApi im;
  private final FeishuLongConnection longConn;
  private final AtomicLong clockOffsetMs = new AtomicLong();
  private final AtomicLong frozenAtMs = new AtomicLong(-1);
  private final AtomicInteger ids = new AtomicInteger(1000);
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  // guarded by LOCK
  private final Map<String, Long> tokens = new HashMap<>();
  private String currentToken;
  final Map<String, FeishuChat> chats = new LinkedHashMap<>();
  final Map<String, FeishuMessage> messages = new HashMap<>();
  private final Map<String, String> p2pByUser = new HashMap<>();
  final Map<String, Object[]> uuids = new HashMap<>();
  private final Map<String, Deque<Long>> windows = new HashMap<>();
  private final Map<String, Deque<int[]>> faults = new HashMap<>();
  private int burst;
  private int burstResetSeconds;
  private int tokenExpireSeconds = 7200;
  private int tokenErrorStatus = 400;
  private boolean rateLimits = true;

  private FakeFeishu(Vertx vertx, String appId, String appSecret) {
    this.appId = appId;
    this.appSecret = appSecret;
    this.botOpenId = "ou_bot_" + appId;
    this.cardKit = new FeishuCardKit(this);
    this.im = new FeishuImApi(this);
    this.longConn = new FeishuLongConnection(this, vertx);
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  public static FakeFeishu start(Vertx vertx, String appId, String appSecret) {
    FakeFeishu fake = new FakeFeishu(vertx, appId, appSecret);
    fake.server.listen(0, "127.0.0.1").await();
    return fake;
  }

  public int port() { return server.actualPort(); }

  /** The long connection's platform side (feishu.md §7): endpoint, WebSocket, pushes, acks, faults. */
  public FeishuLongConnection longConn() { return longConn; }

  boolean appSecretMatches(String secret) { return appSecret.equals(secret); }

  public String baseUrl() { return "http://127.0.0.1:" + port(); }

  public void close() { server.close().await(); }

  // ---- test controls ----

  /** The fake's clock: wall time plus what {@link #advance} added. */
  public long nowMs() {
    long frozen = frozenAtMs.get();
    return (frozen >= 0 ? frozen : System.currentTimeMillis()) + clockOffsetMs.get();
  }

  /** Stops the clock (only {@link #advance} moves it), so rate windows do not depend on how loaded the machine is. */
  public void freezeClock() { frozenAtMs.set(System.currentTimeMillis()); }

  public void advance(Duration d) { clockOffsetMs.addAndGet(d.toMillis()); }

  /** The {@code expire} of tokens issued from now on (feishu.md §1; e.g. 5 s in a test). */
  public void tokenExpireSeconds(int seconds) {
    synchronized (LOCK) { tokenExpireSeconds = seconds; }
  }

  /** HTTP status of an invalid-token answer: Feishu has been seen sending 400 and 401 (feishu.md §1). */
  public void tokenErrorStatus(int status) {
    synchronized (LOCK) { tokenErrorStatus = status; }
  }

  /** Turns the §2 rate limits (app 50/s and 1000/min, chat 5/s, message PATCH 5/s) on or off. */
  public void rateLimits(boolean on) {
    synchronized (LOCK) { rateLimits = on; }
  }

  /** The next {@code times} calls of {@code endpoint} fail with {@code code} and HTTP {@code status}. */
  public void failNext(String endpoint, int times, int code, int status) {
    synchronized (LOCK) {
      Deque<int[]> q = faults.computeIfAbsent(endpoint, k -> new ArrayDeque<>());
      for (int i = 0; i < times; i++) q.add(new int[] {code, status});
    }
  }

  /** The next {@code times} API calls (any but the token endpoint) get the gateway's 429 (feishu.md §2). */
  public void rateLimitBurst(int times, int resetSeconds) {
    synchronized (LOCK) {
      burst = times;
      burstResetSeconds = resetSeconds;
    }
  }

  /** The sender (or a user) recalls a message: it can no longer be patched or replied to (230011). */
  public void recall(String messageId) {
    synchronized (LOCK) {
      FeishuMessage m = messages.get(messageId);
      if (m == null) throw new IllegalArgumentException("no message " + messageId);
      m.recalled = true;
    }
  }

  /** The p2p chat of {@code openId} with the bot, created on first use (feishu.md §3 DMs). */
  public FeishuChat p2pChat(String openId) {
    synchronized (LOCK) {
      String id = p2pByUser.get(openId);
      if (id != null) return chats.get(id);
      FeishuChat chat = new FeishuChat("oc_p2p_" + next(), "p2p", "", openId, null);
      chat.members.add(openId);
      chat.members.add(appId);
      chats.put(chat.chatId, chat);
      p2pByUser.put(openId, chat.chatId);
      return chat;
    }
  }

  /** A group made by someone else, with these users and without the bot unless {@code withBot}. */
  public FeishuChat group(String name, List<String> users, boolean withBot) {
    synchronized (LOCK) {
      FeishuChat chat = new FeishuChat("oc_" + next(), "group", name, users.isEmpty() ? null : users.get(0), null);
      chat.members.addAll(users);
      if (withBot) chat.members.add(appId);
      chats.put(chat.chatId, chat);
      return chat;
    }
  }

  /** {@code openId} joins {@code chatId}, as a user added by someone else would. */
  public void join(String chatId, String openId) {
    synchronized (LOCK) {
      FeishuChat chat = chats.get(chatId);
      if (chat == null) throw new IllegalArgumentException("no chat " + chatId);
      chat.members.add(openId);
    }
  }

  /** A message some user (or {@code "app:" + otherAppId}) posts; the pusher uses it for message events. */
  public FeishuMessage post(String chatId, String sender, String msgType, String content) {
    synchronized (LOCK) {
      FeishuChat chat = chats.get(chatId);
      if (chat == null) throw new IllegalArgumentException("no chat " + chatId);
      boolean app = sender.startsWith("app:");
      FeishuMessage m = new FeishuMessage("om_" + next(), chatId, msgType, app ? "app" : "user",
          app ? sender.substring(4) : sender, nowMs(), null, content);
      chat.messages.add(m);
      messages.put(m.messageId, m);
      return m;
    }
  }

  /** Applies a card the platform got back from a card callback ({@code card.type raw}) to the message (§6, §9). */
  public void applyCallbackCard(String messageId, JsonObject card) {
    synchronized (LOCK) {
      FeishuMessage m = messages.get(messageId);
      if (m != null) m.contents.add(card.encode());
    }
  }

  /** Every tenant token issued so far (secrets: a test checks none reaches a log). */
  public List<String> issuedTokens() {
    synchronized (LOCK) { return List.copyOf(tokens.keySet()); }
  }

  public List<FeishuChat> chats() {
    synchronized (LOCK) { return List.copyOf(chats.values()); }
  }

  public FeishuChat chat(String chatId) {
    synchronized (LOCK) { return chats.get(chatId); }
  }

  public FeishuMessage message(String messageId) {
    synchronized (LOCK) { return messages.get(messageId); }
  }

  /** Groups whose name is {@code name}. */
  public List<FeishuChat> groupsNamed(String name) {
    return chats().stream().filter(c -> c.chatType.equals("group") && name.equals(c.name)).toList();
  }

  /** Every request: {method, path, query, endpoint, body (raw text), status, code, at (the fake's clock, ms)}. */
  public List<JsonObject> requests() { return List.copyOf(requests); }

  /** How many calls {@code endpoint} got (answered ones, refused or not). */
  public long calls(String endpoint) {
    return requests.stream().filter(r -> endpoint.equals(r.getString("endpoint"))).count();
  }

  // ---- HTTP ----

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/ws/v2")) { // the long connection's WebSocket (§7.2)
      longConn.upgrade(req);
      return;
    }
    req.body().onSuccess(buf -> {
      Call call = new Call(req, buf);
      try {
        route(call);
      } catch (RuntimeException e) {
        log.warn("fake feishu: {} {} failed", req.method(), req.path(), e);
        call.error(500, 500, "fake feishu internal error: " + e);
      }
    });
  }

  /** One request and its answer, logged for {@link #requests()}. */
  final class Call {
    final HttpServerRequest req;
    final Buffer raw;
    String endpoint = "unknown";
    private JsonObject body;

    Call(HttpServerRequest req, Buffer raw) {
      this.req = req;
      this.raw = raw;
    }

    JsonObject body() {
      if (body == null) {
        try {
          body = raw.length() == 0 ? new JsonObject() : raw.toJsonObject();
        } catch (RuntimeException e) {
          body = null;
        }
      }
      return body;
    }

    void ok(JsonObject data) {
      answer(200, new JsonObject().put("code", 0).put("msg", "success").put("data", data), null);
    }

    void error(int status, int code, String msg) {
      answer(status, new JsonObject().put("code", code).put("msg", msg)
          .put("error", new JsonObject().put("log_id", "fake_log_" + next())), null);
    }

    void answer(int status, JsonObject json, Map<String, String> headers) {
      requests.add(new JsonObject().put("method", req.method().name()).put("path", req.path())
          .put("query", req.query()).put("endpoint", endpoint).put("body", raw.toString()).put("status", status)
          .put("code", json.getInteger("code")).put("at", nowMs()));
      log.debug("fake feishu: {} {} -> {} code {}", req.method(), req.path(), status, json.getInteger("code"));
      var res = req.response().setStatusCode(status).putHeader("content-type", "application/json; charset=utf-8");
      if (headers != null) headers.forEach(res::putHeader);
      res.end(json.encode());
    }
  }

  private void route(Call c) {
    String path = c.req.path();
    HttpMethod m = c.req.method();
    if (path.equals("/open-apis/auth/v3/tenant_access_token/internal") && m == HttpMethod.POST) {
      c.endpoint = TOKEN;
      if (!fault(c)) token(c);
      return;
    }
    if (path.equals("/callback/ws/endpoint") && m == HttpMethod.POST) {
      c.endpoint = WS_ENDPOINT;
      if (!fault(c)) longConn.endpoint(c);
      return;
    }
    Runnable handler = api(c, path, m);
    if (handler == null) {
      c.answer(404, new JsonObject().put("code", 404).put("msg", "404 page not found"), null);
      return;
    }
    if (gatewayLimited(c) || !authorized(c) || fault(c)) return;
    if (c.body() == null) {
      c.error(400, INVALID_PARAM, "request body is not JSON");
      return;
    }
    handler.run();
  }

  /** The handler for an API path, with {@code c.endpoint} set, or null for an unknown route. */
  private Runnable api(Call c, String path, HttpMethod m) {
    Matcher sub = MESSAGE_SUB.matcher(path);
    Matcher msg = MESSAGE.matcher(path);
    Matcher members = CHAT_MEMBERS.matcher(path);
    Matcher chat = CHAT.matcher(path);
    if (path.equals("/open-apis/im/v1/messages") && m == HttpMethod.POST) return named(c, SEND, () -> im.send(c));
    if (sub.matches() && m == HttpMethod.POST) {
      return sub.group(2).equals("reply") ? named(c, REPLY, () -> im.reply(c, sub.group(1)))
          : named(c, REACT, () -> im.react(c, sub.group(1)));
    }
    if (msg.matches()) {
      if (m == HttpMethod.PATCH) return named(c, PATCH, () -> im.patch(c, msg.group(1)));
      if (m == HttpMethod.GET) return named(c, GET_MESSAGE, () -> im.getMessage(c, msg.group(1)));
      if (m == HttpMethod.DELETE) return named(c, RECALL, () -> im.recallByBot(c, msg.group(1)));
    }
    if (path.equals("/open-apis/im/v1/chats") && m == HttpMethod.POST) return named(c, CHAT_CREATE, () -> im.createChat(c));
    if (members.matches()) {
      if (m == HttpMethod.POST) return named(c, MEMBERS_ADD, () -> im.addMembers(c, members.group(1)));
      if (m == HttpMethod.GET) return named(c, MEMBERS_GET, () -> im.getMembers(c, members.group(1)));
    }
    if (chat.matches()) {
      if (m == HttpMethod.GET) return named(c, CHAT_GET, () -> im.getChat(c, chat.group(1)));
      if (m == HttpMethod.DELETE) return named(c, CHAT_DELETE, () -> im.deleteChat(c, chat.group(1)));
    }
    if (path.equals("/open-apis/bot/v3/info") && m == HttpMethod.GET) return named(c, BOT_INFO, () -> im.botInfo(c));
    return cardKit.route(c, path, m);
  }

  static Runnable named(Call c, String endpoint, Runnable r) {
    c.endpoint = endpoint;
    return r;
  }

  // ---- auth, faults, limits ----

  private void token(Call c) {
    JsonObject b = c.body();
    if (b == null || !appId.equals(b.getString("app_id"))) {
      c.answer(400, new JsonObject().put("code", 10003).put("msg", "invalid param: app_id"), null);
      return;
    }
    if (!appSecret.equals(b.getString("app_secret"))) {
      c.answer(400, new JsonObject().put("code", APP_SECRET_INVALID).put("msg", "app secret invalid"), null);
      return;
    }
    long now = nowMs();
    String token;
    long expiresAt;
    synchronized (LOCK) {
      Long current = currentToken == null ? null : tokens.get(currentToken);
      if (current != null && current - now >= REFRESH_BELOW_MS) {
        token = currentToken; // ≥ 30 min left: the same token (§1 Lifetime)
      } else {
        token = "t-fake" + next(); // < 30 min left: a new one; the old stays valid until it expires
        tokens.put(token, now + tokenExpireSeconds * 1000L);
        currentToken = token;
      }
      expiresAt = tokens.get(token);
    }
    // top-level fields, no data wrapper (§1)
    c.answer(200, new JsonObject().put("code", 0).put("msg", "ok").put("tenant_access_token", token)
        .put("expire", (int) Math.max(0, (expiresAt - now) / 1000)), null);
  }

  private boolean authorized(Call c) {
    String auth = c.req.getHeader("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
      c.error(tokenStatus(), TOKEN_MISSING, "Missing access token for authorization");
      return false;
    }
    Long expiresAt;
    synchronized (LOCK) { expiresAt = tokens.get(auth.substring(7)); }
    if (expiresAt == null || expiresAt <= nowMs()) {
      c.error(tokenStatus(), TOKEN_INVALID, "Invalid access token for authorization. Please make a request with token"
          + " attached.");
      return false;
    }
    return true;
  }

  private int tokenStatus() {
    synchronized (LOCK) { return tokenErrorStatus; }
  }

  private boolean fault(Call c) {
    int[] f;
    synchronized (LOCK) {
      Deque<int[]> q = faults.get(c.endpoint);
      f = q == null ? null : q.poll();
    }
    if (f == null) return false;
    if (f[0] == RATE_LIMITED) {
      tooMany(c, 1);
    } else {
      c.error(f[1], f[0], "scripted fault");
    }
    return true;
  }

  /** The open-platform gateway limit: 429 + x-ogw-ratelimit-* + 99991400 (§2), scripted or over 50/s, 1000/min. */
  private boolean gatewayLimited(Call c) {
    int reset = 0;
    synchronized (LOCK) {
      if (burst > 0) {
        burst--;
        reset = burstResetSeconds;
      } else if (rateLimits) {
        long now = nowMs();
        long wait = Math.max(waitMs("app/s", now, 50, 1000), waitMs("app/min", now, 1000, 60_000));
        if (wait > 0) {
          reset = (int) Math.max(1, (wait + 999) / 1000);
        } else {
          hit("app/s", now);
          hit("app/min", now);
        }
      }
    }
    if (reset == 0) return false;
    tooMany(c, reset);
    return true;
  }

  private void tooMany(Call c, int resetSeconds) {
    c.answer(429, new JsonObject().put("code", RATE_LIMITED).put("msg", "request trigger frequency limit"),
        Map.of("x-ogw-ratelimit-limit", "50", "x-ogw-ratelimit-reset", String.valueOf(resetSeconds)));
  }

  /** Whether a 5-per-second budget (§2: one chat, one user, one message's PATCH) is spent; counts the call if not. */
  boolean overFivePerSecond(String key) {
    synchronized (LOCK) {
      if (!rateLimits) return false;
      long now = nowMs();
      if (waitMs(key, now, 5, 1000) > 0) return true;
      hit(key, now);
      return false;
    }
  }

  /** Same as {@link #overFivePerSecond} for any limit per window (CardKit: 10/s per card). */
  boolean over(String key, int limit, long windowMs) {
    synchronized (LOCK) {
      if (!rateLimits) return false;
      long now = nowMs();
      if (waitMs(key, now, limit, windowMs) > 0) return true;
      hit(key, now);
      return false;
    }
  }

  private long waitMs(String key, long now, int limit, long windowMs) {
    Deque<Long> w = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
    while (!w.isEmpty() && w.peekFirst() <= now - windowMs) w.pollFirst();
    return w.size() < limit ? 0 : w.peekFirst() + windowMs - now;
  }

  private void hit(String key, long now) { windows.get(key).addLast(now); }

  int next() { return ids.incrementAndGet(); }

  /** Messages of every chat, for a failure message. */
  public String dump() {
    List<String> out = new ArrayList<>();
    for (FeishuChat chat : chats()) {
      out.add(chat.toString());
      for (FeishuMessage m : chat.messages()) out.add("  " + m + ": " + m.visibleText().replace('\n', ' '));
    }
    return String.join("\n", out);
  }
}
