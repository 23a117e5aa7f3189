package dev.poco.testkit.fakes;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The platform side of Feishu's long connection (feishu.md §7, §9 "Long connection", §12), on the fake's own port:
 * {@code POST /callback/ws/endpoint} (checks AppID/AppSecret; a one-time ticket in a ws:// URL and a test ClientConfig),
 * the WebSocket at {@code /ws/v2} (unknown or reused tickets refused with 514, at most 50 connections), pongs to the
 * client's pings, events and card callbacks pushed as {@code type=event} data frames with all five headers (optionally
 * split into fragments sent out of order) to one connection, acks matched by message_id, an event whose ack is late
 * re-pushed (same event_id, new frame); a card callback is never re-pushed and its answer is the ack's base64
 * {@code data}. Faults: {@link #dropSockets} (forced close), {@link #goSilent} (no pongs, no pushes, TCP kept open).
 *
 * <p>Thread-safe: tests call it from their thread, frames arrive on the fake's event loop.
 */
public final class FeishuLongConnection {
  private static final Logger log = LoggerFactory.getLogger(FeishuLongConnection.class);
  public static final int SERVICE_ID = 33554678;
  public static final int CONN_LIMIT = 50;
  /** Callbacks have 3 s (feishu.md §6, §11.8: the user then sees 200341). */
  public static final long CALLBACK_DEADLINE_MS = 3_000;

  /** One data frame set pushed (a message; a redelivery is a new one with the same event_id). */
  public record Push(String messageId, String eventId, String eventType, int fragments, String deviceId, long atMs,
      String frameType) {}

  /** An ack the client sent. {@code data}: the decoded callback answer, or null. */
  public record Ack(String messageId, String eventId, String eventType, int code, JsonObject data, String bizRt,
      long atMs, boolean late) {}

  private final FakeFeishu fake;
  private final Vertx vertx;
  private final AtomicInteger ids = new AtomicInteger();
  private final Set<String> tickets = new HashSet<>();
  private final List<String> issuedTickets = new ArrayList<>();
  private final List<Conn> conns = new ArrayList<>();
  private final List<Push> pushes = new ArrayList<>();
  private final List<Ack> acks = new ArrayList<>();
  private final Map<String, Pending> byMessageId = new HashMap<>();
  private final Deque<Pending> waiting = new ArrayDeque<>();
  private JsonObject clientConfig = new JsonObject().put("ReconnectCount", -1).put("ReconnectInterval", 1)
      .put("ReconnectNonce", 0).put("PingInterval", 1);
  private long ackDeadlineMs = 3_000;
  /** Every event ack counts as late (the platform did not see it in time): the event is re-pushed. */
  private boolean acksLate;
  private int maxRedeliveries = 3;
  private int fragments = 1;
  private int pings;
  private int opened;

  private static final class Conn {
    final ServerWebSocket ws;
    final String deviceId;
    volatile boolean silent;
    volatile boolean closed;

    Conn(ServerWebSocket ws, String deviceId) {
      this.ws = ws;
      this.deviceId = deviceId;
    }
  }

  /** An event or callback until its ack: re-pushed (events) or answered (callbacks). */
  private static final class Pending {
    final JsonObject envelope;
    final String eventId;
    final String eventType;
    final Promise<JsonObject> answer; // callbacks only
    int deliveries;
    String frameType = "event";
    long sentAtMs;
    boolean acked;

    Pending(JsonObject envelope, Promise<JsonObject> answer) {
      this.envelope = envelope;
      JsonObject h = envelope.getJsonObject("header", new JsonObject());
      this.eventId = h.getString("event_id");
      this.eventType = h.getString("event_type");
      this.answer = answer;
    }
  }

  FeishuLongConnection(FakeFeishu fake, Vertx vertx) {
    this.fake = fake;
    this.vertx = vertx;
  }

  // ---- test controls ----

  /** The ClientConfig the endpoint returns (seconds). */
  public synchronized void clientConfig(JsonObject config) { clientConfig = config.copy(); }

  /** How long an event's ack may take before it is re-pushed (the platform's 3 s). */
  public synchronized void ackDeadlineMs(long ms) { ackDeadlineMs = ms; }

  /**
   * Every event's ack counts as late, however fast it came: the event is pushed again (up to the redeliveries
   * allowed). Deterministic, unlike a tiny deadline, which an ack in the same millisecond beats.
   */
  public synchronized void acksLate(boolean late) { acksLate = late; }

  /** How often an unacked event is re-pushed at most. */
  public synchronized void maxRedeliveries(int n) { maxRedeliveries = n; }

  /** Split every pushed payload into {@code n} fragments, sent last first (§7.5: they may come out of order). */
  public synchronized void fragments(int n) { fragments = Math.max(1, n); }

  /** Closes every open socket, as the server does on a restart. */
  public void dropSockets() {
    for (Conn c : live()) c.ws.close();
  }

  /** Every open socket goes silent: no pong, no push; TCP stays open (a half-open connection). */
  public void goSilent() {
    for (Conn c : live()) c.silent = true;
  }

  /** Sockets opened so far (a reconnect opens another). */
  public synchronized int opened() { return opened; }

  /** Open sockets that still answer. */
  public synchronized int connected() {
    return (int) conns.stream().filter(c -> !c.closed && !c.silent).count();
  }

  public synchronized int pings() { return pings; }

  /** Every ticket issued (secrets: a test checks none reaches a log). */
  public synchronized List<String> issuedTickets() { return List.copyOf(issuedTickets); }

  /**
   * Pushes {@code envelope} in a {@code type=card} data frame: every SDK ignores those and never acks them (§7.5, §12);
   * not re-pushed.
   */
  public void pushCardTypeFrame(JsonObject envelope) {
    Pending p = new Pending(envelope.copy(), null);
    p.frameType = "card";
    p.acked = true; // nothing to wait for
    deliver(p);
  }

  public synchronized List<Push> pushes() { return List.copyOf(pushes); }

  public synchronized List<Ack> acks() { return List.copyOf(acks); }

  /** Pushes an event (a schema-2.0 envelope); re-pushed with the same event_id while its ack is late. */
  public void push(JsonObject envelope) { deliver(new Pending(envelope.copy(), null)); }

  /**
   * Pushes a card callback and waits for its answer (the ack's decoded data; {@code {}} when the ack had none; null
   * when no ack came within 3 s). A {@code card.type raw} answer is applied to the clicked message as the client would.
   */
  public JsonObject callback(JsonObject envelope) {
    Promise<JsonObject> answer = Promise.promise();
    deliver(new Pending(envelope.copy(), answer));
    JsonObject got;
    try {
      got = answer.future().toCompletionStage().toCompletableFuture().get(CALLBACK_DEADLINE_MS + 2_000,
          TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
    JsonObject card = got == null ? null : got.getJsonObject("card");
    String messageId = envelope.getJsonObject("event", new JsonObject()).getJsonObject("context", new JsonObject())
        .getString("open_message_id");
    if (card != null && "raw".equals(card.getString("type")) && card.getJsonObject("data") != null) {
      fake.applyCallbackCard(messageId, card.getJsonObject("data"));
    }
    return got;
  }

  // ---- endpoint and handshake ----

  void endpoint(FakeFeishu.Call c) {
    JsonObject b = c.body();
    if (b == null || !fake.appId.equals(b.getString("AppID")) || !fake.appSecretMatches(b.getString("AppSecret"))) {
      c.answer(200, new JsonObject().put("code", FakeFeishu.APP_SECRET_INVALID).put("msg", "app id or secret invalid"),
          null);
      return;
    }
    String ticket = UUID.randomUUID().toString().replace("-", "");
    JsonObject config;
    synchronized (this) {
      tickets.add(ticket);
      issuedTickets.add(ticket);
      config = clientConfig.copy();
    }
    String url = "ws://127.0.0.1:" + fake.port() + "/ws/v2?fpid=493&aid=552564&device_id=" + (7630000 + ids
        .incrementAndGet()) + "&access_key=fake&service_id=" + SERVICE_ID + "&ticket=" + ticket;
    c.ok(new JsonObject().put("URL", url).put("ClientConfig", config));
  }

  void upgrade(HttpServerRequest req) {
    String ticket = req.getParam("ticket");
    String refusal = null, authCode = null;
    synchronized (this) {
      if (ticket == null || !tickets.remove(ticket)) {
        refusal = "unknown or reused ticket";
      } else if (conns.stream().filter(c -> !c.closed).count() >= CONN_LIMIT) {
        refusal = "exceed connection limit";
        authCode = "1000040350";
      }
    }
    if (refusal != null) {
      var res = req.response().setStatusCode(514).putHeader("Handshake-Status", "514")
          .putHeader("Handshake-Msg", refusal);
      if (authCode != null) res.putHeader("Handshake-Autherrcode", authCode);
      res.end();
      return;
    }
    String deviceId = req.getParam("device_id");
    req.toWebSocket().onSuccess(ws -> {
      Conn conn = new Conn(ws, deviceId);
      List<Pending> flush;
      synchronized (this) {
        conns.add(conn);
        opened++;
        flush = new ArrayList<>(waiting);
        waiting.clear();
      }
      log.debug("fake feishu: long connection {} open", deviceId);
      ws.binaryMessageHandler(buf -> onFrame(conn, buf));
      ws.closeHandler(v -> conn.closed = true);
      ws.exceptionHandler(err -> conn.closed = true);
      flush.forEach(this::deliver);
    });
  }

  // ---- frames ----

  private void onFrame(Conn conn, Buffer buf) {
    FeishuFrame f;
    try {
      f = FeishuFrame.decode(buf.getBytes());
    } catch (IllegalArgumentException e) {
      log.warn("fake feishu: bad frame from the client: {}", e.getMessage());
      return;
    }
    if (f.method() == FeishuFrame.CONTROL && "ping".equals(f.header("type"))) {
      synchronized (this) { pings++; }
      if (conn.silent || f.service() != SERVICE_ID) return; // a wrong service_id: the SDK's ping fails silently
      Map<String, String> h = new LinkedHashMap<>();
      h.put("type", "pong");
      conn.ws.writeBinaryMessage(Buffer.buffer(new FeishuFrame(0, 0, SERVICE_ID, FeishuFrame.CONTROL, h, null)
          .encode()));
      return;
    }
    if (f.method() == FeishuFrame.DATA) onAck(f);
  }

  private void onAck(FeishuFrame f) {
    String messageId = f.header("message_id");
    JsonObject body;
    try {
      body = new JsonObject(new String(f.payload() == null ? new byte[0] : f.payload(), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      log.warn("fake feishu: an ack whose payload is not JSON");
      return;
    }
    JsonObject data = null;
    if (body.getString("data") != null) {
      data = new JsonObject(new String(Base64.getDecoder().decode(body.getString("data")), StandardCharsets.UTF_8));
    }
    Pending p;
    long now = System.currentTimeMillis();
    Ack ack;
    synchronized (this) {
      p = byMessageId.get(messageId);
      if (p == null) return;
      boolean late = (p.answer == null && acksLate)
          || now - p.sentAtMs > (p.answer != null ? CALLBACK_DEADLINE_MS : ackDeadlineMs);
      ack = new Ack(messageId, p.eventId, p.eventType, body.getInteger("code", 0), data, f.header("biz_rt"), now, late);
      acks.add(ack);
      if (!late) p.acked = true;
    }
    if (p.answer != null && !ack.late()) p.answer.tryComplete(data == null ? new JsonObject() : data);
  }

  private void deliver(Pending p) {
    Conn conn;
    String messageId;
    int parts;
    synchronized (this) {
      conn = null;
      for (int i = conns.size() - 1; i >= 0; i--) {
        Conn c = conns.get(i);
        if (!c.closed && !c.silent) {
          conn = c;
          break;
        }
      }
      if (conn == null) { // no connection now: the platform holds it until one comes
        waiting.add(p);
        return;
      }
      messageId = "ws_msg_" + ids.incrementAndGet();
      parts = fragments;
      p.deliveries++;
      p.sentAtMs = System.currentTimeMillis();
      byMessageId.put(messageId, p);
      pushes.add(new Push(messageId, p.eventId, p.eventType, parts, conn.deviceId, p.sentAtMs, p.frameType));
    }
    byte[] payload = p.envelope.encode().getBytes(StandardCharsets.UTF_8);
    String traceId = UUID.randomUUID().toString();
    int chunk = (payload.length + parts - 1) / parts;
    for (int seq = parts - 1; seq >= 0; seq--) { // last first: the client must reorder
      Map<String, String> h = new LinkedHashMap<>();
      h.put("type", p.frameType);
      h.put("message_id", messageId);
      h.put("sum", String.valueOf(parts));
      h.put("seq", String.valueOf(seq));
      h.put("trace_id", traceId);
      h.put("timestamp", String.valueOf(System.currentTimeMillis()));
      byte[] part = Arrays.copyOfRange(payload, Math.min(payload.length, seq * chunk),
          Math.min(payload.length, (seq + 1) * chunk));
      conn.ws.writeBinaryMessage(Buffer.buffer(new FeishuFrame(ids.incrementAndGet(), ids.incrementAndGet(),
          SERVICE_ID, FeishuFrame.DATA, h, part).encode()));
    }
    long deadline;
    synchronized (this) { deadline = p.answer != null ? CALLBACK_DEADLINE_MS : ackDeadlineMs; }
    vertx.setTimer(Math.max(1, deadline), id -> overdue(p));
  }

  private void overdue(Pending p) {
    boolean again;
    synchronized (this) {
      if (p.acked) return;
      again = p.answer == null && p.deliveries <= maxRedeliveries;
    }
    if (p.answer != null) {
      p.answer.tryFail("no answer within 3 s (the user sees 200341)");
    } else if (again) {
      log.debug("fake feishu: event {} not acked in time: re-pushed", p.eventId);
      deliver(p);
    }
  }

  private synchronized List<Conn> live() {
    return conns.stream().filter(c -> !c.closed).toList();
  }
}
