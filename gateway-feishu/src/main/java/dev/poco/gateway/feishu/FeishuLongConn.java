package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feishu's long connection (feishu.md §7, §12) on Vert.x's WebSocket client: before every connect a fresh one-time URL
 * from {@code POST /callback/ws/endpoint}; pbbp2 frames ({@link Pbbp2Frame}); a ping every PingInterval and a pong
 * watchdog (the SDKs have none: a half-open socket would go unnoticed); fragments joined by message_id
 * ({@link FrameAssembler}); every event acked before the work, a card callback acked with its answer (base64 of the
 * callback response JSON in {@code data}) within the 3-second rule; reconnect after a loss with the server's interval
 * plus jitter, up to the server's ReconnectCount attempts (−1, the default, is forever; after that health's
 * {@code long_connection.gave_up} says why). Events go through the same {@link FeishuIntake} as webhooks.
 *
 * <p>Runs on the deploying verticle's event loop: every field is touched from it alone, except the health snapshot.
 */
final class FeishuLongConn {
  private static final Logger log = LoggerFactory.getLogger(FeishuLongConn.class);
  static final String ENDPOINT_PATH = "/callback/ws/endpoint";
  /** Endpoint codes that mean "try again" (§7.1); any other non-zero code is a client error. */
  private static final int BUSY = 1, INTERNAL = 1000040343, CONN_LIMIT = 1000040350;
  /** Pongs missed before the socket counts as half-open. */
  static final int MISSED_PONGS = 3;
  private static final int MAX_MESSAGE = 4 * 1024 * 1024;
  private static final long HANDSHAKE_TIMEOUT_MS = 15_000;

  private final Vertx vertx;
  private final FeishuConfig config;
  private final FeishuIntake intake;
  private final DebugRing debug;
  private final Runnable onEvent;
  private final Consumer<String> onError;
  private final WebClient http;
  private final WebSocketClient wsClient;
  private final FrameAssembler assembler = new FrameAssembler(60_000);
  private LongConnConfig cfg = LongConnConfig.DEFAULTS;
  private WebSocket ws;
  private long generation;
  private long pingTimer = -1;
  private long lastPongAtMs;
  private int failedAttempts;
  /** Reconnect attempts since the connection was last open (§7.7: at most ReconnectCount, −1 = forever). */
  private int retries;
  private boolean everConnected;
  private boolean stopped;
  // health (read from other threads)
  private volatile boolean connected;
  private volatile String connectedSince;
  private volatile String lastPingAt;
  private volatile String lastPongAt;
  private volatile int reconnects;
  private volatile String deviceId;
  private volatile String gaveUp;

  FeishuLongConn(Vertx vertx, FeishuConfig config, FeishuIntake intake, DebugRing debug, Runnable onEvent,
      Consumer<String> onError) {
    this.vertx = vertx;
    this.config = config;
    this.intake = intake;
    this.debug = debug;
    this.onEvent = onEvent;
    this.onError = onError;
    this.http = WebClient.create(vertx);
    this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxMessageSize(MAX_MESSAGE)
        .setMaxFrameSize(MAX_MESSAGE).setConnectTimeout(10_000));
  }

  void start() { attempt(); }

  void stop() {
    stopped = true;
    generation++;
    cancelPing();
    if (ws != null) ws.close();
    ws = null;
    connected = false;
    wsClient.close();
    http.close();
  }

  boolean connected() { return connected; }

  /** For health and debug: connection, pings, reconnects; never the URL (it carries a ticket). */
  JsonObject health() {
    return new JsonObject().put("connected", connected).put("connected_since", connectedSince)
        .put("device_id", deviceId).put("reconnects", reconnects).put("last_ping_at", lastPingAt)
        .put("last_pong_at", lastPongAt).put("config", cfg.toJson()).put("gave_up", gaveUp);
  }

  /** Why the gateway stopped reconnecting (the server's ReconnectCount spent, or a client error), or null. */
  String gaveUp() { return gaveUp; }

  String connectedSince() { return connectedSince; }

  int reconnects() { return reconnects; }

  // ---- connecting ----

  /** A client error (§7.1, §7.2): retrying cannot help until the configuration changes. */
  private static final class Fatal extends RuntimeException {
    Fatal(String msg) { super(msg, null, false, false); }
  }

  private void attempt() {
    if (stopped) return;
    long gen = ++generation;
    log.info("Feishu long connection: connecting (attempt {})", failedAttempts + 1);
    endpoint().compose(url -> dial(url).map(socket -> {
      opened(gen, socket, url);
      return socket;
    })).onFailure(err -> {
      if (gen != generation || stopped) return;
      if (err instanceof Fatal) {
        giveUp(err.getMessage());
        return;
      }
      failedAttempts++;
      if (!mayRetry()) {
        giveUp("ReconnectCount " + cfg.reconnectCount() + " attempts spent; last: " + err.getMessage());
        return;
      }
      retries++;
      long delay = Math.max(1_000, cfg.reconnectInterval() * 1000L) + jitterMs();
      log.warn("Feishu long connection: attempt {} failed ({}); next in {} ms", failedAttempts, err.getMessage(),
          delay);
      onError.accept("long connection: " + err.getMessage());
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "connect failed").put("error", err.getMessage()));
      vertx.setTimer(delay, id -> { if (gen == generation) attempt(); });
    });
  }

  /** A fresh one-time URL (§7.1); applies the ClientConfig that comes with it. */
  private Future<String> endpoint() {
    JsonObject body = new JsonObject().put("AppID", config.appId()).put("AppSecret", config.appSecret());
    return http.postAbs(config.apiBaseUrl() + ENDPOINT_PATH).putHeader("locale", "zh")
        .putHeader("Content-Type", "application/json; charset=utf-8").timeout(10_000)
        .sendBuffer(Buffer.buffer(body.encode())).compose(res -> {
          if (res.statusCode() != 200) return Future.failedFuture("endpoint HTTP " + res.statusCode());
          JsonObject j;
          try {
            j = res.bodyAsJsonObject();
          } catch (RuntimeException e) {
            return Future.failedFuture("endpoint answered non-JSON");
          }
          int code = j == null ? -1 : j.getInteger("code", -1);
          if (code == BUSY || code == INTERNAL) return Future.failedFuture("endpoint busy (code " + code + ")");
          if (code != 0) {
            return Future.failedFuture(new Fatal("endpoint refused the app (code " + code + ": "
                + (j == null ? "" : j.getString("msg", "")) + ")"));
          }
          JsonObject data = j.getJsonObject("data", new JsonObject());
          cfg = cfg.with(data.getJsonObject("ClientConfig"));
          String url = data.getString("URL");
          return url == null ? Future.failedFuture("endpoint answer without URL") : Future.succeededFuture(url);
        });
  }

  private Future<WebSocket> dial(String url) {
    // a handshake that never completes must not stall the loop (the Node SDK's handshakeTimeoutMs, §12)
    io.vertx.core.Promise<WebSocket> dialled = io.vertx.core.Promise.promise();
    long timer = vertx.setTimer(HANDSHAKE_TIMEOUT_MS, id -> dialled.tryFail("handshake timed out"));
    wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).onComplete(ar -> {
      vertx.cancelTimer(timer);
      boolean taken = ar.succeeded() ? dialled.tryComplete(ar.result()) : dialled.tryFail(ar.cause());
      if (!taken && ar.succeeded()) ar.result().close();
    });
    return dialled.future().recover(err -> {
      if (err instanceof UpgradeRejectedException r) {
        String status = r.getHeaders() == null ? null : r.getHeaders().get("Handshake-Status");
        String auth = r.getHeaders() == null ? null : r.getHeaders().get("Handshake-Autherrcode");
        String what = "handshake refused (HTTP " + r.getStatus() + ", status " + status + ", code " + auth + ")";
        // §7.2: 403 and the connection limit are client errors; other refusals are retried
        if (r.getStatus() == 403 || "403".equals(status) || String.valueOf(CONN_LIMIT).equals(auth)) {
          return Future.failedFuture(new Fatal(what));
        }
        return Future.failedFuture(what);
      }
      return Future.failedFuture(err);
    });
  }

  private void opened(long gen, WebSocket socket, String url) {
    if (gen != generation || stopped) {
      socket.close();
      return;
    }
    ws = socket;
    int service = parseIntOr(query(url, "service_id"), 0); // numeric, as the SDK parses it (§7.1)
    deviceId = query(url, "device_id");
    if (everConnected) reconnects++;
    everConnected = true;
    failedAttempts = 0;
    retries = 0;
    gaveUp = null;
    connected = true;
    connectedSince = Instant.now().toString();
    lastPongAtMs = System.currentTimeMillis();
    log.info("Feishu long connection open (device {}, ping every {} s)", deviceId, cfg.pingInterval());
    debug.add(DebugRing.INBOUND, new JsonObject().put("longconn", "connected").put("device_id", deviceId)
        .put("reconnects", reconnects));
    socket.binaryMessageHandler(buf -> onFrame(gen, socket, buf));
    socket.closeHandler(v -> lost(gen, "closed (" + socket.closeStatusCode() + ")"));
    socket.exceptionHandler(err -> {
      log.debug("Feishu long connection error: {}", err.toString());
      socket.close();
    });
    ping(socket, service);
    schedulePing(gen, socket, service);
  }

  private void lost(long gen, String why) {
    if (gen != generation || stopped) return;
    generation++; // stale handlers of this socket now do nothing
    long next = generation;
    cancelPing();
    if (ws != null) ws.close();
    ws = null;
    connected = false;
    connectedSince = null;
    if (!mayRetry()) {
      giveUp("connection lost (" + why + ") and ReconnectCount is " + cfg.reconnectCount());
      return;
    }
    retries++;
    long delay = jitterMs();
    log.warn("Feishu long connection lost: {}; reconnecting in {} ms", why, delay);
    debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "lost").put("reason", why));
    vertx.setTimer(Math.max(1, delay), id -> { if (next == generation) attempt(); });
  }

  /** The server's ClientConfig bounds the reconnect loop (§7.7: up to ReconnectCount attempts, −1 = forever). */
  private boolean mayRetry() { return cfg.reconnectCount() < 0 || retries < cfg.reconnectCount(); }

  /** No more attempts: health and debug say why; a redeploy (or a restart) starts again. */
  private void giveUp(String why) {
    gaveUp = why;
    log.error("Feishu long connection stopped: {}", why);
    onError.accept("long connection stopped: " + why);
    debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "stopped").put("error", why));
  }

  private long jitterMs() {
    return cfg.reconnectNonce() <= 0 ? 0 : ThreadLocalRandom.current().nextLong(cfg.reconnectNonce() * 1000L + 1);
  }

  // ---- pings ----

  private void schedulePing(long gen, WebSocket socket, int service) {
    long interval = cfg.pingInterval() * 1000L;
    pingTimer = vertx.setTimer(interval, id -> {
      if (gen != generation) return;
      long silentMs = System.currentTimeMillis() - lastPongAtMs;
      if (silentMs > MISSED_PONGS * interval) {
        lost(gen, "no pong for " + silentMs + " ms (half-open socket)");
        return;
      }
      ping(socket, service);
      schedulePing(gen, socket, service);
    });
  }

  private void cancelPing() {
    if (pingTimer >= 0) vertx.cancelTimer(pingTimer);
    pingTimer = -1;
  }

  private void ping(WebSocket socket, int service) {
    lastPingAt = Instant.now().toString();
    socket.writeBinaryMessage(Buffer.buffer(Pbbp2Frame.ping(service).encode()))
        .onFailure(err -> log.debug("Feishu ping not sent: {}", err.toString()));
  }

  // ---- frames ----

  private void onFrame(long gen, WebSocket socket, Buffer buf) {
    if (gen != generation) return;
    Pbbp2Frame f;
    try {
      f = Pbbp2Frame.decode(buf.getBytes());
    } catch (IllegalArgumentException e) {
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "bad frame").put("error", e.getMessage()));
      return;
    }
    String type = f.header("type");
    if (f.method() == Pbbp2Frame.CONTROL) {
      if ("pong".equals(type)) {
        lastPongAtMs = System.currentTimeMillis();
        lastPongAt = Instant.now().toString();
        if (f.payload() != null && f.payload().length > 0) {
          // a pong may retune the client (§7.4)
          JsonObject c = FeishuEvents.parseObject(new String(f.payload(), StandardCharsets.UTF_8));
          if (!c.isEmpty()) cfg = cfg.with(c);
        }
      }
      return;
    }
    if (!"event".equals(type)) {
      // type=card frames are ignored and never acked by every SDK; callbacks come as type=event (§7.5, §12)
      debug.add(DebugRing.INBOUND, new JsonObject().put("longconn", "ignored frame").put("type", type));
      return;
    }
    String messageId = f.header("message_id");
    Integer sum = intHeader(f, "sum"), seq = intHeader(f, "seq");
    if (messageId == null || sum == null || seq == null || f.header("trace_id") == null) {
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "data frame without its headers"));
      return;
    }
    byte[] whole;
    try {
      whole = assembler.add(messageId, sum, seq, f.payload(), System.currentTimeMillis());
    } catch (IllegalArgumentException e) {
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "bad fragment").put("error", e.getMessage()));
      return;
    }
    if (whole == null) return;
    onData(socket, f, whole);
  }

  private void onData(WebSocket socket, Pbbp2Frame f, byte[] payload) {
    long started = System.currentTimeMillis();
    JsonObject env = FeishuEvents.parseObject(new String(payload, StandardCharsets.UTF_8));
    String eventType = FeishuEvents.obj(env, "header").getString("event_type");
    String eventId = FeishuEvents.obj(env, "header").getString("event_id");
    if (eventType == null) {
      ack(socket, f, 500, null, started);
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "payload is not an event"));
      return;
    }
    onEvent.run();
    debug.add(DebugRing.INBOUND, new JsonObject().put("transport", "longconn").put("event_type", eventType)
        .put("event_id", eventId).put("message_id", f.header("message_id")));
    switch (eventType) {
      case FeishuEvents.MESSAGE_RECEIVE -> {
        ack(socket, f, 200, null, started); // ack first: a late ack is a redelivery (GATEWAYS.md)
        intake.onMessage(env);
      }
      case FeishuEvents.CARD_ACTION -> intake.cardAnswer(env).onComplete(ar ->
          ack(socket, f, 200, ar.succeeded() ? ar.result() : new JsonObject(), started));
      default -> ack(socket, f, 200, null, started);
    }
  }

  /** The same frame back with {@code {"code":…,"data":base64(answer)}} and biz_rt (§7.6). */
  private void ack(WebSocket socket, Pbbp2Frame f, int code, JsonObject answer, long startedMs) {
    JsonObject p = new JsonObject().put("code", code);
    if (answer != null) {
      p.put("data", Base64.getEncoder().encodeToString(answer.encode().getBytes(StandardCharsets.UTF_8)));
    }
    long bizRt = System.currentTimeMillis() - startedMs;
    Pbbp2Frame ack = f.withPayload(p.encode().getBytes(StandardCharsets.UTF_8), "biz_rt", String.valueOf(bizRt));
    if (socket.isClosed()) {
      debug.add(DebugRing.ERROR, new JsonObject().put("longconn", "ack not sent: socket closed")
          .put("message_id", f.header("message_id")));
      return;
    }
    socket.writeBinaryMessage(Buffer.buffer(ack.encode()))
        .onFailure(err -> log.debug("Feishu ack not sent: {}", err.toString()));
  }

  private static Integer intHeader(Pbbp2Frame f, String key) {
    try {
      String v = f.header(key);
      return v == null ? null : Integer.valueOf(v.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** A query parameter of the endpoint URL ({@code service_id}, {@code device_id}), or null. */
  static String query(String url, String key) {
    try {
      String q = URI.create(url).getRawQuery();
      if (q == null) return null;
      for (String kv : q.split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0 && kv.substring(0, eq).equals(key)) return kv.substring(eq + 1);
      }
    } catch (RuntimeException e) {
      return null;
    }
    return null;
  }

  private static int parseIntOr(String s, int dflt) {
    try {
      return s == null ? dflt : Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return dflt;
    }
  }
}
