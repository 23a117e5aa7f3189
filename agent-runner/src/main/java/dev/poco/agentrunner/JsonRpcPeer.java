package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JSON-RPC over newline-delimited JSON on a child's stdin/stdout, both directions: Codex
 * app-server (no "jsonrpc" field) and ACP agents (JSON-RPC 2.0). Feed it every stdout line; it
 * completes our requests, hands server requests to a handler whose answer (or failure) it writes
 * back, and passes notifications on. A server request nobody handles gets error -32601, never
 * silence. A line that is not JSON is logged and skipped. Confined to the runner's context.
 */
public final class JsonRpcPeer {
  private static final Logger log = LoggerFactory.getLogger(JsonRpcPeer.class);

  /** A JSON-RPC error from the other side. */
  public static final class RpcError extends RuntimeException {
    public final int code;
    public final JsonObject data;

    public RpcError(int code, String message, JsonObject data) {
      super(message);
      this.code = code;
      this.data = data;
    }
  }

  private final String name;
  private final Consumer<String> writer;
  private final boolean jsonrpc2;
  private final Map<Object, Promise<JsonObject>> pending = new HashMap<>();
  private long nextId;
  private BiFunction<String, JsonObject, Future<JsonObject>> requests = (m, p) -> null;
  private BiConsumer<String, JsonObject> notifications = (m, p) -> { };

  /**
   * @param writer writes one line to the child's stdin
   * @param jsonrpc2 add {@code "jsonrpc":"2.0"} to what we send (ACP); Codex omits it
   */
  public JsonRpcPeer(String name, Consumer<String> writer, boolean jsonrpc2) {
    this.name = name;
    this.writer = writer;
    this.jsonrpc2 = jsonrpc2;
  }

  /** Serves the other side's requests; return null for a method you do not serve (→ -32601). */
  public JsonRpcPeer onRequest(BiFunction<String, JsonObject, Future<JsonObject>> handler) {
    this.requests = handler;
    return this;
  }

  public JsonRpcPeer onNotification(BiConsumer<String, JsonObject> handler) {
    this.notifications = handler;
    return this;
  }

  public Future<JsonObject> request(String method, JsonObject params) {
    long id = nextId++;
    Promise<JsonObject> p = Promise.promise();
    pending.put(id, p);
    send(new JsonObject().put("id", id).put("method", method).put("params", params));
    return p.future();
  }

  public void notify(String method, JsonObject params) {
    send(new JsonObject().put("method", method).put("params", params));
  }

  /** Feeds one stdout line. */
  public void accept(String line) {
    if (line.isBlank()) return;
    JsonObject msg;
    try {
      msg = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      log.warn("{}: skipping a line that is not JSON: {}", name, abbreviate(line));
      return;
    }
    Object id = msg.getValue("id");
    String method = msg.getString("method");
    if (method != null && id != null) {
      serve(id, method, msg.getJsonObject("params", new JsonObject()));
    } else if (method != null) {
      notifications.accept(method, msg.getJsonObject("params", new JsonObject()));
    } else if (id != null) {
      Promise<JsonObject> p = pending.remove(normalise(id));
      if (p == null) {
        log.debug("{}: response to unknown id {}", name, id);
      } else if (msg.containsKey("error")) {
        JsonObject e = msg.getJsonObject("error", new JsonObject());
        p.tryFail(new RpcError(e.getInteger("code", -32603), e.getString("message", "error"), e.getJsonObject("data")));
      } else {
        Object result = msg.getValue("result");
        p.tryComplete(result instanceof JsonObject o ? o : new JsonObject().put("value", result));
      }
    }
  }

  /** Fails every request still waiting: the process is gone. */
  public void close(String why) {
    Map<Object, Promise<JsonObject>> left = new HashMap<>(pending);
    pending.clear();
    left.values().forEach(p -> p.tryFail(new RpcError(-32603, why, null)));
  }

  private void serve(Object id, String method, JsonObject params) {
    Future<JsonObject> answer;
    try {
      answer = requests.apply(method, params);
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    if (answer == null) {
      log.info("{}: answering unknown request {} with -32601", name, method);
      send(new JsonObject().put("id", id).put("error",
          new JsonObject().put("code", -32601).put("message", "method not supported by PoCo: " + method)));
      return;
    }
    answer.onComplete(ar -> {
      if (ar.succeeded()) {
        send(new JsonObject().put("id", id).put("result", ar.result()));
      } else {
        int code = ar.cause() instanceof RpcError re ? re.code : -32603;
        send(new JsonObject().put("id", id).put("error", new JsonObject().put("code", code)
            .put("message", String.valueOf(ar.cause().getMessage()))));
      }
    });
  }

  private void send(JsonObject msg) {
    if (jsonrpc2) msg.put("jsonrpc", "2.0");
    writer.accept(msg.encode());
  }

  /** Our ids are longs; a peer may echo them back as int or long. */
  private static Object normalise(Object id) { return id instanceof Number n ? (Object) n.longValue() : id; }

  static String abbreviate(String s) { return s.length() <= 200 ? s : s.substring(0, 200) + "…"; }
}
