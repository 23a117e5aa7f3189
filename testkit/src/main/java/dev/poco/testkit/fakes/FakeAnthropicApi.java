package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback Anthropic Messages API for the real Claude Code CLI (agents.md §2.2 checklist). It scripts on the
 * last user message: RUN_BASH:&lt;cmd&gt; asks for a Bash tool call, WRITE_FILE:&lt;path&gt;=&lt;text&gt; for a Write,
 * SLOW streams 60 deltas 200 ms apart, FAIL_400 answers HTTP 400, "Reply with exactly: X" answers X, a tool_result
 * gets "tool said: ..." back, anything else a fixed text. Every request is logged in {@link #requests()}.
 */
public final class FakeAnthropicApi {
  private static final Logger log = LoggerFactory.getLogger(FakeAnthropicApi.class);
  public static final String FIXED = "Hello from the fake Anthropic API.";
  private static final Pattern EXACT = Pattern.compile("Reply with exactly: ([^\\n<]+)");
  private static final Pattern BASH = Pattern.compile("RUN_BASH:([^\\n<]+)");
  private static final Pattern WRITE = Pattern.compile("WRITE_FILE:([^=\\n]+)=([^\\n<]*)");

  private final Vertx vertx;
  private final HttpServer server;
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();

  private FakeAnthropicApi(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer().requestHandler(this::handle);
  }

  public static FakeAnthropicApi start(Vertx vertx) {
    FakeAnthropicApi api = new FakeAnthropicApi(vertx);
    api.server.listen(0, "127.0.0.1").await();
    return api;
  }

  public int port() { return server.actualPort(); }

  public String baseUrl() { return "http://127.0.0.1:" + port(); }

  /** Every request so far: {method, uri, body} (body null when there was none). */
  public List<JsonObject> requests() { return List.copyOf(requests); }

  /** The bodies of the POST /v1/messages requests, in order. */
  public List<JsonObject> messageRequests() {
    return requests.stream().filter(r -> r.getString("uri").startsWith("/v1/messages?") || "/v1/messages".equals(
        r.getString("uri"))).map(r -> r.getJsonObject("body")).toList();
  }

  public void close() { server.close().await(); }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(buf -> {
      JsonObject body = null;
      if (buf.length() > 0) {
        try {
          body = buf.toJsonObject();
        } catch (RuntimeException e) {
          body = new JsonObject().put("raw", buf.toString());
        }
      }
      requests.add(new JsonObject().put("method", req.method().name()).put("uri", req.uri()).put("body", body));
      log.debug("fake anthropic: {} {}", req.method(), req.uri());
      route(req, body == null ? new JsonObject() : body);
    });
  }

  private void route(HttpServerRequest req, JsonObject body) {
    String path = req.path();
    HttpServerResponse res = req.response();
    if (req.method() == HttpMethod.HEAD) {
      res.setStatusCode(200).end();
    } else if (path.equals("/v1/models")) {
      json(res, 200, new JsonObject().put("data", new JsonArray().add(new JsonObject().put("id", "claude-fake-1")
          .put("type", "model").put("display_name", "Claude Fake"))).put("has_more", false));
    } else if (path.equals("/v1/messages/count_tokens")) {
      json(res, 200, new JsonObject().put("input_tokens", 10));
    } else if (path.equals("/v1/messages") && req.method() == HttpMethod.POST) {
      messages(res, body);
    } else {
      json(res, 404, error("not_found_error", "no such route: " + path));
    }
  }

  private void messages(HttpServerResponse res, JsonObject body) {
    JsonObject last = lastUser(body.getJsonArray("messages", new JsonArray()));
    String model = body.getString("model", "claude-fake-1");
    JsonObject toolResult = lastToolResult(last);
    String text = toolResult == null ? text(last) : "";
    if (text.contains("FAIL_400")) {
      json(res, 400, error("invalid_request_error", "FAIL_400 marker"));
      return;
    }
    Sse sse = new Sse(res, model);
    Matcher bash = BASH.matcher(text);
    Matcher write = WRITE.matcher(text);
    Matcher exact = EXACT.matcher(text);
    if (toolResult != null) {
      sse.text(List.of("tool said: " + contentText(toolResult.getValue("content")).strip()), 0);
    } else if (bash.find()) {
      sse.tool("Bash", new JsonObject().put("command", bash.group(1).trim()).put("description", "fake command"));
    } else if (write.find()) {
      sse.tool("Write", new JsonObject().put("file_path", write.group(1).trim()).put("content", write.group(2)));
    } else if (text.contains("SLOW")) {
      sse.text(java.util.Collections.nCopies(60, "tick "), 200);
    } else if (exact.find()) {
      sse.text(List.of(exact.group(1).trim()), 0);
    } else {
      sse.text(List.of(FIXED), 0);
    }
  }

  /** The last role:user message; system entries may follow it (agents.md §2.2). */
  private static JsonObject lastUser(JsonArray messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      JsonObject m = messages.getJsonObject(i);
      if ("user".equals(m.getString("role"))) return m;
    }
    return new JsonObject();
  }

  private static JsonObject lastToolResult(JsonObject message) {
    if (!(message.getValue("content") instanceof JsonArray parts)) return null;
    JsonObject found = null;
    for (Object p : parts) {
      if (p instanceof JsonObject j && "tool_result".equals(j.getString("type"))) found = j;
    }
    return found;
  }

  private static String text(JsonObject message) { return contentText(message.getValue("content")); }

  private static String contentText(Object content) {
    if (content instanceof String s) return s;
    StringBuilder sb = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject j && j.getString("text") != null) sb.append(j.getString("text")).append('\n');
      }
    }
    return sb.toString();
  }

  private static JsonObject error(String type, String message) {
    return new JsonObject().put("type", "error").put("error", new JsonObject().put("type", type).put("message", message));
  }

  private static void json(HttpServerResponse res, int status, JsonObject body) {
    res.setStatusCode(status).putHeader("content-type", "application/json").end(body.encode());
  }

  /** One streamed assistant message. */
  private final class Sse {
    private final HttpServerResponse res;
    private final String model;

    Sse(HttpServerResponse res, String model) {
      this.res = res;
      this.model = model;
      res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
      send("message_start", new JsonObject().put("message", new JsonObject().put("id", "msg_" + UUID.randomUUID())
          .put("type", "message").put("role", "assistant").put("model", model).put("content", new JsonArray())
          .put("stop_reason", (Object) null).put("stop_sequence", (Object) null)
          .put("usage", new JsonObject().put("input_tokens", 12).put("output_tokens", 1))));
      send("ping", new JsonObject());
    }

    void text(List<String> chunks, long gapMs) {
      send("content_block_start", new JsonObject().put("index", 0)
          .put("content_block", new JsonObject().put("type", "text").put("text", "")));
      deltas(chunks, 0, gapMs);
    }

    private void deltas(List<String> chunks, int i, long gapMs) {
      if (res.closed() || res.ended()) return;
      if (i == chunks.size()) {
        send("content_block_stop", new JsonObject().put("index", 0));
        finish("end_turn", chunks.size());
        return;
      }
      send("content_block_delta", new JsonObject().put("index", 0)
          .put("delta", new JsonObject().put("type", "text_delta").put("text", chunks.get(i))));
      if (gapMs <= 0) deltas(chunks, i + 1, gapMs);
      else vertx.setTimer(gapMs, id -> deltas(chunks, i + 1, gapMs));
    }

    void tool(String name, JsonObject input) {
      send("content_block_start", new JsonObject().put("index", 0).put("content_block", new JsonObject()
          .put("type", "tool_use").put("id", "toolu_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20))
          .put("name", name).put("input", new JsonObject())));
      send("content_block_delta", new JsonObject().put("index", 0).put("delta", new JsonObject()
          .put("type", "input_json_delta").put("partial_json", input.encode())));
      send("content_block_stop", new JsonObject().put("index", 0));
      finish("tool_use", 5);
    }

    private void finish(String stopReason, int outputTokens) {
      send("message_delta", new JsonObject().put("delta", new JsonObject().put("stop_reason", stopReason)
          .put("stop_sequence", (Object) null)).put("usage", new JsonObject().put("output_tokens", outputTokens)));
      send("message_stop", new JsonObject());
      res.end();
    }

    private void send(String event, JsonObject data) {
      if (res.closed() || res.ended()) return;
      data.put("type", event);
      res.write("event: " + event + "\ndata: " + data.encode() + "\n\n");
    }
  }
}
