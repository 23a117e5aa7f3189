package dev.poco.gateway.slack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A faithful fake of Slack's Socket Mode endpoint (slack.md §5, §8, §11), written on a raw TCP server so that it can
 * misbehave as Slack does: {@link #issue} hands out one-time tickets (apps.connections.open, through
 * {@link FakeSlackApi}); the upgrade of an unknown or used ticket is refused; a connection gets {@code hello}, server
 * pings every {@link #serverPingEveryMs}, pongs to the client's pings, and each pushed envelope goes to ONE open
 * connection. An {@code events_api} envelope not acked within {@link #ackDeadlineMs} is redelivered with
 * {@code retry_attempt}/{@code retry_reason} (3 times at most); others are not. The server answers a close frame
 * with a close frame and never closes the TCP connection itself. {@link #silent} connections send no pings and answer
 * no pongs (a half-open socket).
 */
final class FakeSocketMode {
  static final String APP_TOKEN = "xapp-1-A0APP-test-app-token";
  private static final String WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** One accepted WebSocket. */
  final class Conn {
    final int n;
    final NetSocket socket;
    final boolean silent;
    volatile boolean closeReceived;
    volatile boolean tcpClosed;
    volatile boolean disconnectSent;
    final AtomicInteger pingsReceived = new AtomicInteger();
    final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private Buffer inbox = Buffer.buffer();
    private long pinger = -1;

    Conn(int n, NetSocket socket, boolean silent) {
      this.n = n;
      this.socket = socket;
      this.silent = silent;
    }

    boolean open() { return !tcpClosed && !closeReceived; }

    void send(JsonObject frame) { socket.write(frame(0x1, frame.encode().getBytes(StandardCharsets.UTF_8))); }

    void disconnect(String reason) {
      disconnectSent = true;
      send(new JsonObject().put("type", "disconnect").put("reason", reason)
          .put("debug_info", new JsonObject().put("host", "applink-fake")));
    }

    private void onBytes(Buffer b) {
      inbox.appendBuffer(b);
      while (true) {
        if (inbox.length() < 2) return;
        int b0 = inbox.getUnsignedByte(0);
        int b1 = inbox.getUnsignedByte(1);
        int opcode = b0 & 0x0f;
        boolean masked = (b1 & 0x80) != 0;
        long len = b1 & 0x7f;
        int pos = 2;
        if (len == 126) {
          if (inbox.length() < 4) return;
          len = inbox.getUnsignedShort(2);
          pos = 4;
        } else if (len == 127) {
          if (inbox.length() < 10) return;
          len = inbox.getLong(2);
          pos = 10;
        }
        int maskAt = pos;
        if (masked) pos += 4;
        if (inbox.length() < pos + len) return;
        byte[] payload = inbox.getBytes(pos, (int) (pos + len));
        if (masked) {
          for (int i = 0; i < payload.length; i++) payload[i] ^= inbox.getByte(maskAt + (i % 4));
        }
        inbox = inbox.getBuffer((int) (pos + len), inbox.length());
        onFrame(opcode, payload);
      }
    }

    private void onFrame(int opcode, byte[] payload) {
      switch (opcode) {
        case 0x1 -> {
          JsonObject m = new JsonObject(new String(payload, StandardCharsets.UTF_8));
          received.add(m);
          onAck(m);
        }
        case 0x8 -> {
          closeReceived = true;
          socket.write(frame(0x8, payload)); // the close handshake, but the TCP connection stays open
        }
        case 0x9 -> {
          pingsReceived.incrementAndGet();
          if (!silent) socket.write(frame(0xA, payload));
        }
        default -> { }
      }
    }
  }

  final Vertx vertx;
  private NetServer server;
  private final Set<String> tickets = ConcurrentHashMap.newKeySet();
  final List<Conn> conns = new CopyOnWriteArrayList<>();
  final AtomicInteger refusedUpgrades = new AtomicInteger();
  final Map<String, List<JsonObject>> acks = new ConcurrentHashMap<>(); // envelope id → acks
  final Map<String, JsonObject> envelopes = new ConcurrentHashMap<>();
  /** Envelopes delivered, in order (redeliveries included). */
  final List<JsonObject> deliveries = new CopyOnWriteArrayList<>();
  volatile long ackDeadlineMs = 3_000;
  volatile long serverPingEveryMs = 200;
  /** Every upgrade is refused (as a network or edge failure). */
  volatile boolean refuseUpgrades;
  /** New connections are silent: no pings, no pongs. */
  volatile boolean silent;
  /** The next n acks are ignored, as if they came after the deadline. */
  final AtomicInteger lateAcks = new AtomicInteger();
  private final AtomicInteger connSeq = new AtomicInteger();

  private FakeSocketMode(Vertx vertx) { this.vertx = vertx; }

  static Future<FakeSocketMode> start(Vertx vertx) {
    FakeSocketMode f = new FakeSocketMode(vertx);
    f.server = vertx.createNetServer().connectHandler(f::onConnect);
    return f.server.listen(0, "127.0.0.1").map(s -> f);
  }

  /** A one-time WebSocket URL, as apps.connections.open gives. */
  String issue() {
    String ticket = UUID.randomUUID().toString();
    tickets.add(ticket);
    return "ws://127.0.0.1:" + server.actualPort() + "/link/?ticket=" + ticket + "&app_id=A0APP";
  }

  List<Conn> openConns() { return conns.stream().filter(Conn::open).toList(); }

  /** Pushes an envelope to one open connection; answers its envelope id. */
  String push(String type, JsonObject payload) {
    String id = UUID.randomUUID().toString();
    JsonObject env = new JsonObject().put("envelope_id", id).put("type", type).put("payload", payload)
        .put("accepts_response_payload", !"events_api".equals(type));
    envelopes.put(id, env);
    deliver(env, 0);
    return id;
  }

  private void deliver(JsonObject env, int attempt) {
    JsonObject e = env.copy();
    if (attempt > 0) e.put("retry_attempt", attempt).put("retry_reason", "timeout");
    List<Conn> open = openConns().stream().filter(c -> !c.silent).toList();
    if (open.isEmpty()) open = openConns();
    if (!open.isEmpty()) {
      open.get(ThreadLocalRandom.current().nextInt(open.size())).send(e);
      deliveries.add(e);
    }
    String id = env.getString("envelope_id");
    vertx.setTimer(ackDeadlineMs, t -> {
      if (acks.containsKey(id)) return;
      if ("events_api".equals(env.getString("type")) && attempt < 3) deliver(env, attempt + 1);
    });
  }

  private void onAck(JsonObject m) {
    String id = m.getString("envelope_id");
    if (id == null || !envelopes.containsKey(id)) return;
    if (lateAcks.getAndUpdate(n -> Math.max(0, n - 1)) > 0) return;
    acks.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(m);
  }

  // ---- the WebSocket upgrade ----

  private void onConnect(NetSocket socket) {
    Buffer[] head = {Buffer.buffer()};
    Conn[] conn = {null};
    socket.handler(b -> {
      if (conn[0] != null) {
        conn[0].onBytes(b);
        return;
      }
      head[0].appendBuffer(b);
      String text = head[0].toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      conn[0] = upgrade(socket, text.substring(0, end));
      if (conn[0] != null && text.length() > end + 4) {
        conn[0].onBytes(head[0].getBuffer(end + 4, head[0].length()));
      }
    });
  }

  private Conn upgrade(NetSocket socket, String head) {
    String[] lines = head.split("\r\n");
    String target = lines[0].split(" ")[1];
    String key = null;
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Key")) key = l.substring(colon + 1).trim();
    }
    String ticket = target.startsWith("/link/?ticket=") ? target.substring("/link/?ticket=".length()).split("&")[0] : "";
    if (key == null || !tickets.remove(ticket) || refuseUpgrades) { // a one-time ticket: unknown or used is refused
      refusedUpgrades.incrementAndGet();
      socket.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .onComplete(v -> socket.close());
      return null;
    }
    String accept;
    try {
      accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
          .digest((key + WS_GUID).getBytes(StandardCharsets.ISO_8859_1)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    socket.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n");
    Conn c = new Conn(connSeq.incrementAndGet(), socket, silent);
    conns.add(c);
    socket.closeHandler(v -> {
      c.tcpClosed = true;
      vertx.cancelTimer(c.pinger);
    });
    c.send(new JsonObject().put("type", "hello").put("num_connections", openConns().size())
        .put("debug_info", new JsonObject().put("host", "applink-fake").put("approximate_connection_time", 18060))
        .put("connection_info", new JsonObject().put("app_id", "A0APP")));
    if (!c.silent && serverPingEveryMs > 0) {
      c.pinger = vertx.setPeriodic(serverPingEveryMs, t -> {
        if (!c.tcpClosed && !c.closeReceived) c.socket.write(frame(0x9, "ping".getBytes(StandardCharsets.UTF_8)));
      });
    }
    return c;
  }

  /** An unmasked server frame. */
  static Buffer frame(int opcode, byte[] payload) {
    Buffer b = Buffer.buffer().appendByte((byte) (0x80 | opcode));
    if (payload.length < 126) {
      b.appendByte((byte) payload.length);
    } else if (payload.length < 65_536) {
      b.appendByte((byte) 126).appendUnsignedShort(payload.length);
    } else {
      b.appendByte((byte) 127).appendLong(payload.length);
    }
    return b.appendBytes(payload);
  }

  Future<Void> close() { return server.close(); }
}
