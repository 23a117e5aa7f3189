package dev.poco.testkit.fakes;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Socket Mode's platform side (slack.md §5, §8 "Socket Mode", §11): {@code apps.connections.open} hands out a one-time
 * {@code ws://127.0.0.1:P/link/?ticket=..&app_id=..}; the WebSocket at {@code /link/} refuses an unknown or reused
 * ticket, says {@code hello}, and beyond 10 connections says {@code disconnect too_many_websockets}. Envelopes go to
 * one connection each; an {@code events_api} envelope without an {@code {"envelope_id"}} ack in time is redelivered
 * with {@code retry_attempt+1} and {@code retry_reason}; an on-time ack's {@code payload} is applied (slash command
 * reply, view_submission response_action). The server pings each socket.
 *
 * <p>Scripts: {@link #disconnect} (warning, refresh_requested, link_disabled), {@link #closeAll} (close handshake),
 * {@link #dropTcp} (abrupt TCP close), {@link #goSilent} (no pings, no pongs, nothing sent, TCP open),
 * {@link #lingerOnClose} (a client's close is never answered and TCP stays open, §11). Thread-safe: tests call it
 * from their thread, frames arrive on the fake's event loop.
 */
public final class SlackSocketLink {
  private static final Logger log = LoggerFactory.getLogger(SlackSocketLink.class);
  public static final int MAX_CONNECTIONS = 10;

  /** An envelope sent on a connection (a redelivery is another one with a higher retry_attempt). */
  public record Delivery(String envelopeId, String type, String eventId, int retryAttempt, String retryReason,
      int connection, long atMs) {}

  /** An ack the app sent: its payload (or null) and whether it came after the deadline. */
  public record Ack(String envelopeId, String type, JsonObject payload, int connection, long atMs, boolean late) {}

  private final FakeSlack fake;
  private final Vertx vertx;
  private final Set<String> tickets = new HashSet<>();
  private final List<String> issuedTickets = new ArrayList<>();
  private final List<Conn> conns = new ArrayList<>();
  private final List<Delivery> deliveries = new ArrayList<>();
  private final List<Ack> acks = new ArrayList<>();
  private final List<JsonObject> sent = new ArrayList<>();
  private final Map<String, Pending> pending = new HashMap<>();
  private final Deque<Pending> waiting = new ArrayDeque<>();
  private final List<String> userErrors = new ArrayList<>();
  private long ackDeadlineMs = 3_000;
  /** Every events_api ack counts as late (Slack did not see it in time): the event is delivered again. */
  private boolean acksLate;
  private int maxRedeliveries = 3;
  private long pingIntervalMs = 10_000;
  private boolean lingerOnClose;
  private int nextConn;
  private int pongs;

  private final class Conn {
    final int index;
    final ServerWebSocket ws;
    final String ticket;
    volatile boolean silent;
    volatile boolean closed;
    /** Set once hello is written: Slack says hello before any envelope, so none is sent to a link before that. */
    volatile boolean greeted;
    long pingTimer = -1;

    Conn(int index, ServerWebSocket ws, String ticket) {
      this.index = index;
      this.ws = ws;
      this.ticket = ticket;
    }

    void send(JsonObject msg) {
      synchronized (SlackSocketLink.this) { sent.add(msg.copy().put("connection", index)); }
      if (!silent && !closed) ws.writeTextMessage(msg.encode());
    }
  }

  /** An envelope until its ack (or the end of its redeliveries). */
  private static final class Pending {
    final SlackInbound inbound;
    final String envelopeId = UUID.randomUUID().toString();
    final Promise<Ack> ack = Promise.promise();
    int attempt;
    long sentAtMs;
    boolean acked;

    Pending(SlackInbound inbound) { this.inbound = inbound; }
  }

  SlackSocketLink(FakeSlack fake, Vertx vertx) {
    this.fake = fake;
    this.vertx = vertx;
  }

  Vertx vertx() { return vertx; }

  // ---- test controls ----

  /** How long an ack may take (the platform's ~3 s, slack.md §5.3). */
  public synchronized void ackDeadlineMs(long ms) { ackDeadlineMs = ms; }

  /**
   * Every events_api ack counts as late, however fast it came: the event is delivered again (up to the redeliveries
   * allowed). Deterministic, unlike a tiny deadline, which an ack in the same millisecond beats.
   */
  public synchronized void acksLate(boolean late) { acksLate = late; }

  /** How often an unacked events_api envelope is redelivered at most. */
  public synchronized void maxRedeliveries(int n) { maxRedeliveries = n; }

  /** How often the server pings each socket (slack.md §11: clients expect one within 30 s). */
  public synchronized void pingIntervalMs(long ms) { pingIntervalMs = ms; }

  /**
   * From now on, after a {@link #disconnect} the fake stops reading that socket: the client's close frame is never
   * answered and the TCP connection stays open until the client drops it (slack.md §11 "does not close the TCP
   * connection after the close handshake"; Vert.x answers a close frame it reads, so the fake does not read it).
   */
  public synchronized void lingerOnClose(boolean on) { lingerOnClose = on; }

  /** Sends {@code {"type":"disconnect","reason":reason}} on every open socket; the socket stays open. */
  public void disconnect(String reason) {
    boolean linger = lingering();
    for (Conn c : live()) {
      c.send(disconnectMessage(reason));
      if (linger) stopReading(c);
    }
  }

  /** Closes every socket with a close handshake. */
  public void closeAll() {
    for (Conn c : live()) c.ws.close();
  }

  /** Drops every socket's TCP connection without a close frame. */
  public void dropTcp() {
    for (Conn c : live()) {
      Channel ch = channel(c);
      // past the pipeline (which would say goodbye with a close frame): an RST, as a dead load balancer would
      ch.eventLoop().execute(() -> {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
        ch.unsafe().closeForcibly();
        c.ws.close(); // lets the fake's own bookkeeping see it
      });
    }
  }

  /**
   * Stops reading the socket at the TCP level: Vert.x answers pings and close frames as it reads them (even when the
   * WebSocket is paused), so a socket that must not answer must not be read.
   */
  private static void stopReading(Conn c) {
    Channel ch = channel(c);
    ch.eventLoop().execute(() -> ch.config().setAutoRead(false));
  }

  private static Channel channel(Conn c) {
    return ((WebSocketInternal) c.ws).channelHandlerContext().channel();
  }

  /**
   * Every open socket goes silent: no server pings, no pongs, nothing sent; TCP stays open (a half-open link). The
   * fake still counts it as connected, so envelopes routed to it are lost (events come again once their ack is late).
   */
  public void goSilent() {
    for (Conn c : live()) {
      c.silent = true;
      stopReading(c); // client pings stay unanswered
      if (c.pingTimer >= 0) vertx.cancelTimer(c.pingTimer);
    }
  }

  /** Sockets open now (silent ones included). */
  public synchronized int connected() { return (int) conns.stream().filter(c -> !c.closed).count(); }

  /** Sockets opened so far. */
  public synchronized int opened() { return conns.size(); }

  public synchronized int pongs() { return pongs; }

  /** Every ticket issued (secrets: a test checks none reaches a log). */
  public synchronized List<String> issuedTickets() { return List.copyOf(issuedTickets); }

  public synchronized List<Delivery> deliveries() { return List.copyOf(deliveries); }

  public synchronized List<Ack> acks() { return List.copyOf(acks); }

  /** Every server message sent (hello, disconnect, envelopes), each with the connection index it went to. */
  public synchronized List<JsonObject> sent() { return sent.stream().map(JsonObject::copy).toList(); }

  /** What users saw go wrong: an interaction or slash command not acked in time (slack.md §3, §8). */
  public synchronized List<String> userErrors() { return List.copyOf(userErrors); }

  /** Pushes an envelope to one connection (held until one opens); returns its envelope_id. */
  public String push(SlackInbound inbound) {
    Pending p = new Pending(inbound);
    synchronized (this) { pending.put(p.envelopeId, p); }
    deliver(p);
    return p.envelopeId;
  }

  /** Pushes and waits up to the deadline (+2 s) for the on-time ack; null when none came in time. */
  public Ack pushAndAwait(SlackInbound inbound) {
    Pending p = new Pending(inbound);
    long deadline;
    synchronized (this) {
      pending.put(p.envelopeId, p);
      deadline = ackDeadlineMs;
    }
    deliver(p);
    try {
      return p.ack.future().toCompletionStage().toCompletableFuture().get(deadline + 2_000, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  // ---- endpoint and handshake ----

  void open(FakeSlack.Call c) {
    String ticket = UUID.randomUUID().toString();
    synchronized (this) {
      tickets.add(ticket);
      issuedTickets.add(ticket);
    }
    c.ok(new JsonObject().put("url", "ws://127.0.0.1:" + fake.port() + "/link/?ticket=" + ticket + "&app_id="
        + fake.appId));
  }

  void upgrade(HttpServerRequest req) {
    String ticket = req.getParam("ticket");
    boolean valid;
    synchronized (this) { valid = ticket != null && tickets.remove(ticket); }
    if (!valid) { // one-time tickets (§5.1)
      req.response().setStatusCode(401).end("invalid or used ticket");
      return;
    }
    req.toWebSocket().onSuccess(ws -> {
      Conn conn;
      boolean tooMany;
      long interval;
      synchronized (this) {
        tooMany = conns.stream().filter(c -> !c.closed).count() >= MAX_CONNECTIONS;
        conn = new Conn(conns.size(), ws, ticket);
        conns.add(conn);
        interval = pingIntervalMs;
      }
      ws.closeHandler(v -> closed(conn));
      ws.exceptionHandler(err -> closed(conn));
      if (tooMany) { // more than 10 per app (§5.2)
        conn.send(disconnectMessage("too_many_websockets"));
        ws.close();
        return;
      }
      ws.textMessageHandler(text -> onText(conn, text));
      ws.pongHandler(b -> {
        synchronized (this) { pongs++; }
      });
      conn.pingTimer = vertx.setPeriodic(interval, id -> {
        if (!conn.silent && !conn.closed) ws.writePing(Buffer.buffer("ping"));
      });
      int live;
      synchronized (this) { live = (int) conns.stream().filter(c -> !c.closed).count(); }
      conn.send(new JsonObject().put("type", "hello").put("num_connections", live)
          .put("debug_info", new JsonObject().put("host", "applink-fake-" + conn.index).put("build_number", 1)
              .put("approximate_connection_time", 18060))
          .put("connection_info", new JsonObject().put("app_id", fake.appId)));
      List<Pending> flush;
      synchronized (this) {
        conn.greeted = true;
        flush = new ArrayList<>(waiting);
        waiting.clear();
      }
      flush.forEach(this::deliver);
    });
  }

  private synchronized boolean lingering() { return lingerOnClose; }

  private void closed(Conn conn) {
    conn.closed = true;
    if (conn.pingTimer >= 0) vertx.cancelTimer(conn.pingTimer);
  }

  private JsonObject disconnectMessage(String reason) {
    return new JsonObject().put("type", "disconnect").put("reason", reason)
        .put("debug_info", new JsonObject().put("host", "applink-fake"));
  }

  // ---- envelopes ----

  private void deliver(Pending p) {
    Conn conn = null;
    Delivery d;
    synchronized (this) {
      List<Conn> open = conns.stream().filter(c -> !c.closed && c.greeted).toList();
      if (open.isEmpty()) {
        waiting.add(p);
        return;
      }
      conn = open.get(nextConn++ % open.size()); // one of them, in turn (§5.4)
      p.sentAtMs = System.currentTimeMillis();
      String reason = p.attempt == 0 ? null : "timeout";
      d = new Delivery(p.envelopeId, p.inbound.kind().envelopeType, p.inbound.eventId(), p.attempt, reason,
          conn.index, p.sentAtMs);
      deliveries.add(d);
    }
    JsonObject env = new JsonObject().put("envelope_id", p.envelopeId).put("type", d.type())
        .put("payload", p.inbound.payload().copy())
        .put("accepts_response_payload", p.inbound.kind() != SlackInbound.Kind.EVENT);
    if (p.inbound.kind() == SlackInbound.Kind.EVENT) { // retry fields on events_api only (§11)
      env.put("retry_attempt", p.attempt).put("retry_reason", d.retryReason() == null ? "" : d.retryReason());
    }
    conn.send(env);
    long deadline;
    synchronized (this) { deadline = ackDeadlineMs; }
    int attempt = p.attempt;
    vertx.setTimer(Math.max(1, deadline), id -> overdue(p, attempt));
  }

  private void overdue(Pending p, int attempt) {
    boolean again;
    synchronized (this) {
      if (p.acked || p.attempt != attempt) return;
      boolean event = p.inbound.kind() == SlackInbound.Kind.EVENT;
      again = event && p.attempt < maxRedeliveries;
      if (!event) userErrors.add(p.inbound.kind().envelopeType + " " + p.envelopeId + ": the app did not respond in time");
      if (again) p.attempt++;
    }
    if (again) {
      log.debug("fake slack: envelope {} not acked in time: redelivered", p.envelopeId);
      deliver(p);
    }
  }

  private void onText(Conn conn, String text) {
    JsonObject msg;
    try {
      msg = new JsonObject(text);
    } catch (RuntimeException e) {
      log.warn("fake slack: a socket message that is not JSON");
      return;
    }
    String id = msg.getString("envelope_id");
    if (id == null) return;
    Pending p;
    Ack ack;
    long now = System.currentTimeMillis();
    synchronized (this) {
      p = pending.get(id);
      if (p == null) return;
      boolean late = p.acked || now - p.sentAtMs > ackDeadlineMs
          || (acksLate && p.inbound.kind() == SlackInbound.Kind.EVENT);
      Object payload = msg.getValue("payload");
      JsonObject body = payload instanceof JsonObject o ? o : payload instanceof String s
          ? new JsonObject().put("text", s) : null; // a string body is sent as {text} (§11)
      ack = new Ack(id, p.inbound.kind().envelopeType, body, conn.index, now, late);
      acks.add(ack);
      if (late) return;
      p.acked = true;
    }
    apply(p.inbound, ack.payload());
    p.ack.tryComplete(ack);
  }

  /** What an on-time ack's payload shows (§5.3): a slash command's reply; a view_submission's response_action. */
  private void apply(SlackInbound in, JsonObject payload) {
    if (in.kind() == SlackInbound.Kind.SLASH_COMMAND && payload != null) {
      fake.web().applyMessageResponse(in.channel(), in.userId(), null, payload);
    } else if (in.viewId() != null) {
      fake.web().applyViewResponse(in.viewId(), payload);
    }
  }

  void close() {
    for (Conn c : live()) {
      if (c.pingTimer >= 0) vertx.cancelTimer(c.pingTimer);
      channel(c).close();
    }
  }

  private synchronized List<Conn> live() {
    return conns.stream().filter(c -> !c.closed).toList();
  }
}
