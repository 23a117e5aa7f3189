package dev.poco.gateway.feishu;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small in-test fake of the few Feishu REST endpoints the gateway calls (feishu.md §1–§3, §9), on 127.0.0.1:0:
 * the token endpoint, send, reply, PATCH, chat create and delete. Faults are scripted per call. The faithful fake
 * (testkit FakeFeishu) is another helper's; this one checks only what these unit tests need.
 */
final class FakeFeishuApi {
  static final String APP_ID = "cli_test";
  static final String APP_SECRET = "secret-never-logged";

  /** A scripted answer for the next call matching method and path prefix. */
  record Fault(String method, String pathPrefix, int status, int code, Map<String, String> headers) {}

  /** One call the fake received (token calls excluded). */
  record Call(String method, String path, Map<String, String> query, JsonObject body) {}

  final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
  final Deque<Fault> faults = new ArrayDeque<>();
  final Set<String> tokens = Collections.synchronizedSet(new HashSet<>());
  final AtomicInteger tokenFetches = new AtomicInteger();
  final Map<String, String> chatsByUuid = new HashMap<>();
  final Set<String> chats = new HashSet<>();
  final Map<String, String> cards = new HashMap<>();
  volatile long tokenExpireSeconds = 7200;
  /** Serve CardKit (feishu.md §11.1); off, its paths answer 404 as an app without it would fail a create. */
  volatile boolean cardKit;
  /** The fake's clock (epoch ms), shared with a renderer's injected clock: the 10-minute streaming limit. */
  volatile java.util.function.LongSupplier clock = System::currentTimeMillis;
  final Map<String, Entity> entities = new HashMap<>();
  /** CardKit writes the fake refused with 429 (over 10/s per card). */
  final AtomicInteger cardKitRateLimited = new AtomicInteger();
  final AtomicInteger badEntitySends = new AtomicInteger();

  /** A card entity: the card, the last sequence, its accepted writes {at ms, op, sequence}. */
  static final class Entity {
    JsonObject card;
    long sequence;
    long openedAt;
    boolean sent;
    final List<long[]> writes = new ArrayList<>();
    final List<String> ops = new ArrayList<>();
    final List<String> texts = new ArrayList<>();
    final Set<String> uuids = new HashSet<>();

    boolean streaming() { return card.getJsonObject("config").getBoolean("streaming_mode", false); }
  }
  private final AtomicInteger ids = new AtomicInteger();
  private HttpServer server;

  static Future<FakeFeishuApi> start(Vertx vertx) {
    FakeFeishuApi f = new FakeFeishuApi();
    f.server = vertx.createHttpServer().requestHandler(f::handle);
    return f.server.listen(0, "127.0.0.1").map(s -> f);
  }

  String baseUrl() { return "http://127.0.0.1:" + server.actualPort(); }

  Future<Void> close() { return server.close(); }

  synchronized void fault(String method, String pathPrefix, int status, int code, Map<String, String> headers) {
    faults.add(new Fault(method, pathPrefix, status, code, headers));
  }

  List<Call> calls(String method, String pathPrefix) {
    synchronized (calls) {
      return calls.stream().filter(c -> c.method().equals(method) && c.path().startsWith(pathPrefix)).toList();
    }
  }

  // ---- a minimal long connection (feishu.md §7), on when longConn is set ----
  volatile boolean longConn;
  volatile boolean answerPings = true;
  /** The ClientConfig's ReconnectCount the endpoint answers; null leaves it out (the client keeps its default). */
  volatile Integer reconnectCount;
  /** The WebSocket handshake is refused with a retryable 514 (§7.2). */
  volatile boolean refuseDial;
  final AtomicInteger endpointCalls = new AtomicInteger();
  final List<Pbbp2Frame> fromClient = Collections.synchronizedList(new ArrayList<>());
  volatile io.vertx.core.http.ServerWebSocket socket;

  /** Sends a frame to the connected client. */
  void toClient(Pbbp2Frame f) { socket.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(f.encode())); }

  private void longConn(HttpServerRequest req) {
    if (req.path().equals("/ws/v2")) {
      if (refuseDial) {
        req.response().setStatusCode(514).putHeader("Handshake-Status", "514").end();
        return;
      }
      req.toWebSocket().onSuccess(ws -> {
        ws.binaryMessageHandler(b -> {
          Pbbp2Frame f = Pbbp2Frame.decode(b.getBytes());
          fromClient.add(f);
          if (f.method() == 0 && "ping".equals(f.header("type")) && answerPings) {
            ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(new Pbbp2Frame(0, 0, f.service(), 0,
                List.of(new Pbbp2Frame.Header("type", "pong")), null, null, null, null).encode()));
          }
        });
        socket = ws;
      });
      return;
    }
    endpointCalls.incrementAndGet();
    req.response().putHeader("content-type", "application/json").end(new JsonObject().put("code", 0).put("data",
        new JsonObject().put("URL", "ws://127.0.0.1:" + server.actualPort() + "/ws/v2?device_id=9&service_id=77&ticket=t")
            .put("ClientConfig", new JsonObject().put("PingInterval", 1).put("ReconnectInterval", 1)
                .put("ReconnectNonce", 0).put("ReconnectCount", reconnectCount))).encode());
  }

  private void handle(HttpServerRequest req) {
    if (longConn && (req.path().equals("/ws/v2") || req.path().equals(FeishuLongConn.ENDPOINT_PATH))) {
      longConn(req);
      return;
    }
    req.body().onSuccess(buf -> {
      JsonObject body = buf.length() == 0 ? null : buf.toJsonObject();
      String path = req.path();
      if (path.equals(FeishuApi.TOKEN_PATH)) {
        if (body == null || !APP_ID.equals(body.getString("app_id")) || !APP_SECRET.equals(body.getString("app_secret"))) {
          answer(req, 400, new JsonObject().put("code", 10014).put("msg", "app secret invalid"));
          return;
        }
        String t = "t-" + tokenFetches.incrementAndGet();
        tokens.add(t);
        answer(req, 200, new JsonObject().put("code", 0).put("msg", "ok").put("tenant_access_token", t)
            .put("expire", tokenExpireSeconds));
        return;
      }
      Map<String, String> query = new HashMap<>();
      req.params().forEach(e -> query.put(e.getKey(), e.getValue()));
      calls.add(new Call(req.method().name(), path, query, body));
      String auth = req.getHeader("Authorization");
      if (auth == null || !auth.startsWith("Bearer ") || !tokens.contains(auth.substring(7))) {
        answer(req, 401, new JsonObject().put("code", 99991663).put("msg", "Invalid access token for authorization"));
        return;
      }
      Fault fault = nextFault(req.method().name(), path);
      if (fault != null) {
        req.response().setStatusCode(fault.status());
        if (fault.headers() != null) fault.headers().forEach(req.response()::putHeader);
        if (fault.code() == 99991663) tokens.remove(auth.substring(7));
        answer(req, fault.status(), new JsonObject().put("code", fault.code()).put("msg", "scripted fault"));
        return;
      }
      route(req, path, query, body);
    });
  }

  private synchronized Fault nextFault(String method, String path) {
    for (Fault f : faults) {
      if (f.method().equals(method) && path.startsWith(f.pathPrefix())) {
        faults.remove(f);
        return f;
      }
    }
    return null;
  }

  private synchronized void route(HttpServerRequest req, String path, Map<String, String> query, JsonObject body) {
    String method = req.method().name();
    if (method.equals("POST") && path.equals("/open-apis/im/v1/messages")) {
      String chat = "chat_id".equals(query.get("receive_id_type")) ? body.getString("receive_id")
          : "oc_p2p_" + body.getString("receive_id");
      answer(req, 200, ok(message(chat, body)));
    } else if (method.equals("POST") && path.endsWith("/reply")) {
      answer(req, 200, ok(message("oc_of_reply", body)));
    } else if (method.equals("PATCH") && path.startsWith("/open-apis/im/v1/messages/")) {
      String id = path.substring("/open-apis/im/v1/messages/".length());
      cards.put(id, body.getString("content"));
      answer(req, 200, ok(new JsonObject()));
    } else if (cardKit && path.startsWith("/open-apis/cardkit/v1/cards")) {
      cardKit(req, method, path, body);
    } else if (method.equals("POST") && path.equals("/open-apis/im/v1/chats")) {
      String uuid = query.get("uuid");
      String chat = uuid == null ? null : chatsByUuid.get(uuid);
      if (chat == null) {
        chat = "oc_" + ids.incrementAndGet();
        if (uuid != null) chatsByUuid.put(uuid, chat);
        chats.add(chat);
      }
      answer(req, 200, ok(new JsonObject().put("chat_id", chat).put("name", body.getString("name"))));
    } else if (method.equals("DELETE") && path.startsWith("/open-apis/im/v1/chats/")) {
      String id = path.substring("/open-apis/im/v1/chats/".length());
      if (chats.remove(id)) answer(req, 200, ok(new JsonObject()));
      else answer(req, 400, new JsonObject().put("code", 232006).put("msg", "chat not found"));
    } else {
      answer(req, 404, new JsonObject().put("code", 404).put("msg", "not faked"));
    }
  }

  /** The §11 subset: create, content, settings, full update; 300317, 300309 (incl. the 10-minute close), 10/s → 429. */
  private void cardKit(HttpServerRequest req, String method, String path, JsonObject body) {
    String rest = path.substring("/open-apis/cardkit/v1/cards".length());
    long now = clock.getAsLong();
    if (method.equals("POST") && rest.isEmpty()) {
      String id = "7" + ids.incrementAndGet() + "000";
      Entity e = new Entity();
      e.card = new JsonObject(body.getString("data"));
      e.openedAt = now;
      entities.put(id, e);
      answer(req, 200, ok(new JsonObject().put("card_id", id)));
      return;
    }
    String[] parts = rest.substring(1).split("/");
    Entity e = entities.get(parts[0]);
    if (e == null) {
      answer(req, 400, new JsonObject().put("code", 200740).put("msg", "card entity does not exist"));
      return;
    }
    if (e.uuids.contains(body.getString("uuid"))) {
      answer(req, 200, ok(new JsonObject()));
      return;
    }
    long seq = body.getLong("sequence", 0L);
    if (seq <= e.sequence) {
      answer(req, 400, new JsonObject().put("code", 300317).put("msg", "sequence did not increment"));
      return;
    }
    long inLastSecond = e.writes.stream().filter(w -> w[0] > now - 1000).count();
    if (inLastSecond >= 10) {
      cardKitRateLimited.incrementAndGet();
      req.response().putHeader("x-ogw-ratelimit-reset", "1");
      answer(req, 429, new JsonObject().put("code", 99991400).put("msg", "request trigger frequency limit"));
      return;
    }
    if (e.streaming() && now - e.openedAt > 10 * 60_000) e.card.getJsonObject("config").put("streaming_mode", false);
    String op;
    if (method.equals("PUT") && parts.length == 4 && parts[3].equals("content")) {
      if (!e.streaming()) {
        answer(req, 400, new JsonObject().put("code", 300309).put("msg", "Card streaming closed"));
        return;
      }
      op = "content";
      String text = body.getString("content");
      e.texts.add(text);
      for (Object o : e.card.getJsonObject("body").getJsonArray("elements")) {
        JsonObject el = (JsonObject) o;
        if (parts[2].equals(el.getString("element_id"))) el.put("content", text);
      }
    } else if (method.equals("PATCH") && parts.length == 2 && parts[1].equals("settings")) {
      op = "settings";
      JsonObject config = new JsonObject(body.getString("settings")).getJsonObject("config");
      if (config.getBoolean("streaming_mode", false)) e.openedAt = now; // 10 minutes from the last opening (§11.4)
      e.card.getJsonObject("config").mergeIn(config);
    } else if (method.equals("PUT") && parts.length == 1) {
      op = "update";
      boolean was = e.streaming();
      e.card = new JsonObject(body.getJsonObject("card").getString("data"));
      if (!was && e.streaming()) e.openedAt = now;
    } else {
      answer(req, 404, new JsonObject().put("code", 404).put("msg", "not faked"));
      return;
    }
    e.sequence = seq;
    e.uuids.add(body.getString("uuid"));
    e.writes.add(new long[] {now, seq});
    e.ops.add(op);
    answer(req, 200, ok(new JsonObject()));
  }

  /** Another writer went ahead on this card: its sequence jumps (a 300317 for the gateway's next write). */
  synchronized void bumpSequence(String cardId, long by) { entities.get(cardId).sequence += by; }

  synchronized Entity entity(String cardId) { return entities.get(cardId); }

  private JsonObject message(String chatId, JsonObject body) {
    String id = "om_" + ids.incrementAndGet();
    if ("interactive".equals(body.getString("msg_type"))) cards.put(id, body.getString("content"));
    JsonObject content = "interactive".equals(body.getString("msg_type")) ? new JsonObject(body.getString("content"))
        : new JsonObject();
    if ("card".equals(content.getString("type"))) {
      Entity e = entities.get(content.getJsonObject("data").getString("card_id"));
      if (e == null || e.sent) badEntitySends.incrementAndGet(); // an entity is sent once (§11.1)
      else e.sent = true;
    }
    return new JsonObject().put("message_id", id).put("chat_id", chatId).put("msg_type", body.getString("msg_type"))
        .put("create_time", String.valueOf(System.currentTimeMillis()));
  }

  private static JsonObject ok(JsonObject data) {
    return new JsonObject().put("code", 0).put("msg", "success").put("data", data);
  }

  private static void answer(HttpServerRequest req, int status, JsonObject body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
  }
}
