package dev.poco.gateway.slack;

import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.RecentIds;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode (slack.md §5, §6, §11): {@code apps.connections.open} with the app-level token gives a one-time
 * WebSocket URL (a fresh one for every connect); Slack's {@code hello} makes the listener ready; every envelope is
 * acked with {@code {"envelope_id"}} before the work starts, except a slash command and a modal's
 * {@code view_submission}, whose ack carries the answer ({@code payload}: a message, a {@code response_action}) the
 * intake produces within the 3-second rule. Redeliveries ({@code retry_attempt}) and an
 * envelope seen on two sockets during a refresh are acked and dropped ({@link RecentIds} by envelope id and event
 * id; the orchestrator's durable check by event id stays behind it, as in HTTP mode).
 *
 * <p>Disconnects: {@code warning}/{@code refresh_requested} open the next socket first and close the old one at the
 * new one's hello; {@code too_many_websockets} closes first and backs off; {@code link_disabled} stops. A watchdog
 * replaces a socket that has had no server ping for {@link Timing#serverPingTimeoutMs} or no pong within
 * {@link Timing#pongTimeoutMs} of our own ping. Closing sends a close frame and drops the TCP connection after
 * {@link Timing#forceCloseMs} (Slack does not close it). Runs on its creator's context. The app token and the
 * ticket URL never reach a log, the debug ring or health.
 */
final class SlackSocketMode {
  private static final Logger log = LoggerFactory.getLogger(SlackSocketMode.class);
  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
  static final int MAX_FRAME_BYTES = 1024 * 1024;
  /** Redeliveries come for about 5 minutes (slack.md §2); ids are kept well beyond that. */
  static final long DEDUPE_TTL_MS = 2 * 60 * 60 * 1000L;
  /** A socket that lived this long was healthy: its loss reconnects at once. */
  static final long HEALTHY_MS = 60_000;
  private static final Set<String> AUTH_ERRORS = Set.of("invalid_auth", "not_authed", "token_revoked",
      "account_inactive", "not_allowed_token_type", "missing_scope");

  /** The supervisor's clocks (Slack's in production; tests shorten them). */
  record Timing(long serverPingTimeoutMs, long clientPingEveryMs, long pongTimeoutMs, long forceCloseMs,
      long helloTimeoutMs, long backoffBaseMs, long backoffMaxMs, long tickMs) {
    static Timing slack() { return new Timing(30_000, 10_000, 5_000, 1_000, 10_000, 1_000, 60_000, 1_000); }
  }

  /** One WebSocket to Slack. */
  private static final class Link {
    final long n;
    final WebSocket ws;
    boolean hello;
    long helloAt;
    boolean closing;
    boolean closed;
    long lastServerPingAt;
    long lastPingSentAt;
    long pingOutstandingSince;
    long watchdog = -1;
    long helloTimer = -1;

    Link(long n, WebSocket ws, long now) {
      this.n = n;
      this.ws = ws;
      this.lastServerPingAt = now;
      this.lastPingSentAt = now;
    }
  }

  private final Vertx vertx;
  private final SlackConfig config;
  private final SlackIntake intake;
  private final DebugRing debug;
  private final Timing timing;
  private final Consumer<String> onError;
  private final WebClient http;
  private final WebSocketClient sockets;
  private final RecentIds seen = new RecentIds(20_000, DEDUPE_TTL_MS);

  private Link current;
  private Link pending;
  private boolean opening;
  private boolean stopped;
  private long retryTimer = -1;
  private long linkSeq;
  private volatile int failures;
  /** Sockets lost within {@link #HEALTHY_MS} of their hello, in a row: a reconnect loop backs off too. */
  private int quickDrops;
  private volatile String state = "idle";
  private volatile boolean listenerReady;
  private volatile String connectedSince;
  private volatile String lastError;
  private volatile long connects;
  private volatile long reconnects;
  private volatile long envelopes;
  private volatile long duplicates;

  SlackSocketMode(Vertx vertx, SlackConfig config, SlackIntake intake, DebugRing debug, Timing timing,
      Consumer<String> onError) {
    this.vertx = vertx;
    this.config = config;
    this.intake = intake;
    this.debug = debug;
    this.timing = timing;
    this.onError = onError == null ? s -> { } : onError;
    this.http = WebClient.create(vertx, new WebClientOptions().setUserAgent("poco-slack-gateway")
        .setConnectTimeout(5_000));
    this.sockets = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000)
        .setMaxMessageSize(MAX_MESSAGE_BYTES).setMaxFrameSize(MAX_FRAME_BYTES));
  }

  void start() { open("start"); }

  boolean listenerReady() { return listenerReady; }

  String connectedSince() { return connectedSince; }

  String lastError() { return lastError; }

  /** State for health and /debug/slack: no token, no URL. */
  JsonObject status() {
    return new JsonObject().put("state", state).put("listener_ready", listenerReady)
        .put("connected_since", connectedSince).put("connects", connects).put("reconnects", reconnects)
        .put("consecutive_failures", failures).put("envelopes", envelopes).put("duplicates", duplicates)
        .put("last_error", lastError);
  }

  /** Stops for good (the verticle stops): every socket is closed. */
  void close() {
    stopped = true;
    state = "closed";
    listenerReady = false;
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    retire(pending, "stopping");
    retire(current, "stopping");
    sockets.close();
    http.close();
  }

  // ---- connecting ----

  /** Asks for a fresh URL and connects; the socket becomes current at its hello. */
  private void open(String why) {
    if (stopped || opening) return;
    if (retryTimer >= 0) { // a socket lost now is replaced now, not at the earlier attempt's time
      vertx.cancelTimer(retryTimer);
      retryTimer = -1;
    }
    opening = true;
    if (current == null) state = connects == 0 ? "connecting" : "reconnecting";
    debug.add(DebugRing.OUTBOUND, new JsonObject().put("op", "apps.connections.open").put("why", why));
    connectionsOpen()
        .compose(url -> sockets.connect(new WebSocketConnectOptions().setAbsoluteURI(url)))
        .onSuccess(this::attach)
        .onFailure(err -> {
          opening = false;
          failed(err);
        });
  }

  /** {@code POST apps.connections.open} with the app token: the one-time wss URL. */
  private Future<String> connectionsOpen() {
    return http.requestAbs(HttpMethod.POST, config.apiBaseUrl() + "/apps.connections.open")
        .timeout(SlackApi.REQUEST_TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + config.appToken())
        .putHeader("Content-Type", "application/x-www-form-urlencoded")
        .sendBuffer(Buffer.buffer())
        .compose(resp -> {
          if (resp.statusCode() == 429) {
            return Future.failedFuture(new RateLimited(SlackApi.retryAfterMs(resp)));
          }
          JsonObject j;
          try {
            j = resp.bodyAsJsonObject();
          } catch (RuntimeException e) {
            j = null;
          }
          if (j == null) {
            return Future.failedFuture(new SlackApiException("apps.connections.open", resp.statusCode(), "unreadable answer"));
          }
          if (!j.getBoolean("ok", false) || j.getString("url") == null) {
            String error = j.getString("error", "no url");
            if ("ratelimited".equals(error) || "rate_limited".equals(error)) {
              return Future.failedFuture(new RateLimited(SlackApi.retryAfterMs(resp)));
            }
            return Future.failedFuture(new SlackApiException("apps.connections.open", resp.statusCode(), error));
          }
          return Future.succeededFuture(j.getString("url"));
        });
  }

  /** A 429 / ratelimited answer: wait at least this long. */
  private static final class RateLimited extends RuntimeException {
    final long waitMs;

    RateLimited(long waitMs) {
      super("apps.connections.open: ratelimited (Retry-After " + waitMs / 1000 + " s)", null, false, false);
      this.waitMs = waitMs;
    }
  }

  /** A failed open or connect: back off (Retry-After honoured); an auth error stops. */
  private void failed(Throwable err) {
    if (stopped) return;
    String reason = err instanceof SlackApiException || err instanceof RateLimited ? err.getMessage()
        : "Socket Mode connect: " + err.getClass().getSimpleName() + ": " + withoutTicket(err.getMessage());
    if (err instanceof SlackApiException e && AUTH_ERRORS.contains(e.error())) {
      stop("Slack refused the app token (" + e.error() + "): check " + dev.poco.contract.ConfigKeys.SLACK_APP_TOKEN
          + " (an xapp- token with connections:write)");
      return;
    }
    failures++;
    long wait = backoffMs(failures);
    if (err instanceof RateLimited r) wait = Math.max(wait, r.waitMs);
    error(reason);
    log.warn("Slack: {} (attempt {} failed; next in {} ms)", reason, failures, wait);
    retryLater(wait, "after failure " + failures);
  }

  /** A message without any URL's query (the one-time ticket is a credential while it lasts). */
  static String withoutTicket(String message) {
    return message == null ? null : message.replaceAll("(wss?://[^\\s?]*)\\?\\S*", "$1?…");
  }

  private long backoffMs(int n) {
    long exp = timing.backoffBaseMs() << Math.min(20, Math.max(0, n - 1));
    long capped = Math.min(timing.backoffMaxMs(), exp);
    return Math.max(1, (long) (capped * (0.75 + 0.25 * ThreadLocalRandom.current().nextDouble())));
  }

  private void retryLater(long waitMs, String why) {
    if (stopped || retryTimer >= 0) return;
    if (current == null) state = "backing_off";
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", "retry").put("in_ms", waitMs).put("why", why));
    retryTimer = vertx.setTimer(waitMs, id -> {
      retryTimer = -1;
      open(why);
    });
  }

  private void attach(WebSocket ws) {
    if (stopped) {
      ws.close();
      return;
    }
    long now = System.currentTimeMillis();
    Link link = new Link(++linkSeq, ws, now);
    pending = link;
    ws.textMessageHandler(text -> onText(link, text));
    ws.frameHandler(frame -> {
      if (frame.type() == WebSocketFrameType.PING) link.lastServerPingAt = System.currentTimeMillis();
    });
    ws.pongHandler(b -> link.pingOutstandingSince = 0);
    ws.exceptionHandler(err -> debug.add(DebugRing.ERROR, new JsonObject().put("socket", link.n)
        .put("error", err.getClass().getSimpleName() + ": " + withoutTicket(err.getMessage()))));
    ws.closeHandler(v -> onClosed(link));
    link.helloTimer = vertx.setTimer(timing.helloTimeoutMs(), id -> {
      if (!link.hello && !link.closed) drop(link, "no hello within " + timing.helloTimeoutMs() + " ms");
    });
    link.watchdog = vertx.setPeriodic(timing.tickMs(), id -> watch(link));
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "connected"));
  }

  // ---- frames ----

  private void onText(Link link, String text) {
    JsonObject m;
    try {
      m = new JsonObject(text);
    } catch (RuntimeException e) {
      debug.add(DebugRing.ERROR, new JsonObject().put("socket", link.n).put("error", "unreadable frame"));
      return;
    }
    String type = m.getString("type");
    if ("hello".equals(type)) onHello(link, m);
    else if ("disconnect".equals(type)) onDisconnect(link, m.getString("reason"));
    else if (m.getString("envelope_id") != null) onEnvelope(link, m);
    else debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("ignored", "frame type " + type));
  }

  private void onHello(Link link, JsonObject hello) {
    if (link.closing || link.hello) return;
    link.hello = true;
    link.helloAt = System.currentTimeMillis();
    vertx.cancelTimer(link.helloTimer);
    Link old = current;
    current = link;
    if (pending == link) pending = null;
    opening = false;
    failures = 0;
    connects++;
    if (connects > 1) reconnects++;
    listenerReady = true;
    connectedSince = Instant.now().toString();
    state = "connected";
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "hello")
        .put("num_connections", hello.getValue("num_connections")));
    log.info("Slack Socket Mode connected (socket {}, {} connection(s) of the app)", link.n,
        hello.getValue("num_connections"));
    if (old != null) retire(old, "replaced");
  }

  private void onDisconnect(Link link, String reason) {
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "disconnect").put("reason", reason));
    if (link.closing) return;
    switch (reason == null ? "" : reason) {
      case "link_disabled" -> stop("Slack disabled Socket Mode for this app (disconnect: link_disabled); enable it "
          + "in the app settings or set " + dev.poco.contract.ConfigKeys.SLACK_DELIVERY_MODE + "=webhook");
      case "too_many_websockets" -> {
        // more than 10 sockets for the app: opening another first would be refused too
        error("Slack: too_many_websockets (more than 10 Socket Mode connections for the app)");
        lose(link, "too_many_websockets");
        failures++;
        retryLater(backoffMs(failures), "too_many_websockets");
      }
      default -> {
        // warning / refresh_requested: the next socket first; this one keeps delivering until its hello
        if (link == current) open("disconnect: " + reason);
        else if (link == pending) drop(link, "disconnect before hello: " + reason);
      }
    }
  }

  private void onEnvelope(Link link, JsonObject env) {
    String envelopeId = env.getString("envelope_id");
    String type = env.getString("type");
    Object payloadValue = env.getValue("payload");
    JsonObject payload = payloadValue instanceof JsonObject p ? p : new JsonObject();
    String eventId = "events_api".equals(type) ? payload.getString("event_id") : null;
    boolean freshEnvelope = seen.firstSeen("envelope:" + envelopeId);
    boolean freshEvent = eventId == null || seen.firstSeen("event:" + eventId);
    JsonObject delivery = new JsonObject().put("via", "socket").put("socket", link.n).put("envelope_id", envelopeId)
        .put("envelope_type", type);
    if (env.getValue("retry_attempt") != null) {
      delivery.put("retry_attempt", env.getValue("retry_attempt")).put("retry_reason", env.getValue("retry_reason"));
    }
    if (!freshEnvelope || !freshEvent) {
      duplicates++;
      ack(link, envelopeId, null);
      debug.add(DebugRing.INBOUND, delivery.put("event_id", eventId).put("ignored", "seen before"));
      return;
    }
    envelopes++;
    switch (type == null ? "" : type) {
      case "events_api" -> {
        ack(link, envelopeId, null);
        intake.event(payload, delivery);
      }
      case "interactive" -> {
        if (SlackIntake.answersInAck(payload)) { // a modal's submission: the ack carries its response_action
          intake.interaction(payload, delivery).onComplete(ar -> ack(link, envelopeId, ar.succeeded() ? ar.result() : null));
        } else {
          ack(link, envelopeId, null);
          intake.interaction(payload, delivery);
        }
      }
      case "slash_commands" -> intake.command(fields(payload), delivery)
          .onComplete(ar -> ack(link, envelopeId, ar.succeeded() ? ar.result() : null));
      default -> {
        ack(link, envelopeId, null);
        debug.add(DebugRing.INBOUND, delivery.put("ignored", "envelope type " + type));
      }
    }
  }

  /** A slash_commands payload as the form fields HTTP would give. */
  static Map<String, String> fields(JsonObject payload) {
    Map<String, String> out = new LinkedHashMap<>();
    payload.forEach(e -> {
      if (e.getValue() != null) out.put(e.getKey(), String.valueOf(e.getValue()));
    });
    return out;
  }

  private void ack(Link link, String envelopeId, JsonObject payload) {
    JsonObject ack = new JsonObject().put("envelope_id", envelopeId);
    if (payload != null) ack.put("payload", payload);
    if (link.closed) {
      debug.add(DebugRing.ERROR, new JsonObject().put("socket", link.n).put("envelope_id", envelopeId)
          .put("error", "ack not sent: socket closed (Slack redelivers)"));
      return;
    }
    link.ws.writeTextMessage(ack.encode()).onFailure(err -> debug.add(DebugRing.ERROR,
        new JsonObject().put("socket", link.n).put("envelope_id", envelopeId).put("error", "ack: " + err.getMessage())));
  }

  // ---- liveness ----

  private void watch(Link link) {
    if (link.closing || link.closed || !link.hello) return;
    long now = System.currentTimeMillis();
    if (now - link.lastServerPingAt > timing.serverPingTimeoutMs()) {
      replace(link, "no ping from Slack for " + (now - link.lastServerPingAt) + " ms");
    } else if (link.pingOutstandingSince > 0 && now - link.pingOutstandingSince > timing.pongTimeoutMs()) {
      replace(link, "no pong within " + timing.pongTimeoutMs() + " ms");
    } else if (link.pingOutstandingSince == 0 && now - link.lastPingSentAt >= timing.clientPingEveryMs()) {
      link.lastPingSentAt = now;
      link.pingOutstandingSince = now;
      link.ws.writePing(Buffer.buffer("poco")).onFailure(err -> replace(link, "ping not sent: " + err.getMessage()));
    }
  }

  /** A dead socket (half-open, silent): closed, and a new one opened at once. */
  private void replace(Link link, String why) {
    if (link.closing) return;
    error("Slack socket " + link.n + " replaced: " + why);
    log.warn("Slack Socket Mode: socket {} replaced: {}", link.n, why);
    lose(link, why);
    reopen(link, why);
  }

  /** Opens the successor of a lost socket: at once, unless sockets keep dying soon after their hello. */
  private void reopen(Link lost, String why) {
    if (System.currentTimeMillis() - lost.helloAt >= HEALTHY_MS) quickDrops = 0;
    else quickDrops++;
    if (quickDrops <= 1) open(why);
    else retryLater(backoffMs(quickDrops - 1), why);
  }

  /** A socket that failed before its hello: closed, and the next attempt backs off. */
  private void drop(Link link, String why) {
    if (link.closing) return;
    lose(link, why);
    opening = false;
    failed(new IllegalStateException(why));
  }

  /** Closes {@code link} and forgets it as current or pending. */
  private void lose(Link link, String why) {
    retire(link, why);
    if (link == current) {
      current = null;
      listenerReady = false;
      state = "reconnecting";
    }
    if (link == pending) {
      pending = null;
      opening = false;
    }
  }

  /** Close frame now, TCP dropped after forceCloseMs whatever the server does. */
  private void retire(Link link, String why) {
    if (link == null || link.closing) return;
    link.closing = true;
    vertx.cancelTimer(link.watchdog);
    vertx.cancelTimer(link.helloTimer);
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "closing").put("why", why));
    if (link.closed) return;
    link.ws.close((short) 1000, "bye").onFailure(err -> { });
    // Slack answers the close frame but keeps the TCP connection open (slack.md §11): drop it ourselves, from the
    // pipeline's head (a close through Vert.x's own handler waits for the peer)
    vertx.setTimer(Math.max(1, timing.forceCloseMs()), id -> {
      if (link.ws instanceof WebSocketInternal internal && internal.channelHandlerContext().channel().isActive()) {
        debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "tcp force-closed"));
        internal.channelHandlerContext().channel().pipeline().firstContext().close();
      }
    });
  }

  private void onClosed(Link link) {
    link.closed = true;
    vertx.cancelTimer(link.watchdog);
    vertx.cancelTimer(link.helloTimer);
    debug.add(DebugRing.INBOUND, new JsonObject().put("socket", link.n).put("event", "closed"));
    if (stopped || link.closing) return;
    link.closing = true;
    if (link == pending) {
      pending = null;
      opening = false;
      failed(new IllegalStateException("socket closed before hello"));
    } else if (link == current) {
      current = null;
      listenerReady = false;
      error("Slack socket " + link.n + " closed by the other side");
      if (pending == null && !opening) reopen(link, "socket closed");
    }
  }

  private void stop(String why) {
    stopped = true;
    state = "stopped";
    listenerReady = false;
    if (retryTimer >= 0) vertx.cancelTimer(retryTimer);
    error(why);
    log.error("Slack Socket Mode stopped: {}", why);
    Link p = pending;
    Link c = current;
    pending = null;
    current = null;
    retire(p, "stopped");
    retire(c, "stopped");
  }

  private void error(String reason) {
    lastError = reason;
    onError.accept(reason);
    debug.add(DebugRing.ERROR, new JsonObject().put("socket_mode", reason));
  }
}
