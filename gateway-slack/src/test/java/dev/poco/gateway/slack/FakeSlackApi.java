package dev.poco.gateway.slack;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
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
      ok(req, answer(method, body));
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
        if (b.getJsonArray("blocks") != null && b.getJsonArray("blocks").size() > 50) return error("invalid_blocks");
        String ts = (System.currentTimeMillis() / 1000) + "." + seq.incrementAndGet();
        messages.put(b.getString("channel") + "/" + ts, b.copy());
        return ok.put("channel", b.getString("channel")).put("ts", ts);
      }
      case "chat.update": {
        String key = b.getString("channel") + "/" + b.getString("ts");
        if (!messages.containsKey(key)) return error("message_not_found");
        if (b.getString("text", "").length() > 4_000) return error("msg_too_long");
        messages.put(key, b.copy());
        return ok.put("channel", b.getString("channel")).put("ts", b.getString("ts"));
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

  private static JsonObject error(String code) { return new JsonObject().put("ok", false).put("error", code); }

  private static void ok(HttpServerRequest req, JsonObject body) {
    req.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }
}
