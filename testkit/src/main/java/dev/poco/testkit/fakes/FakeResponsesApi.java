package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fake OpenAI Responses API on 127.0.0.1 for the real Codex CLI (agents.md §1.3): {@code POST {base}/responses}
 * answered as SSE. A marker in the last user message picks the answer: {@code RUN_SHELL:<cmd>} (an exec_command
 * call), {@code ESCALATE:<cmd>} (the same, asking for escalation), {@code APPLY_PATCH:<file>=<text>},
 * {@code SLOW} (60 deltas 0.5 s apart, stopping when the client hangs up), {@code FAIL_HTTP} (500),
 * {@code FAIL_STREAM} (response.failed); "Reply with exactly: X" answers X; anything else answers FAKE_OK.
 * After a tool call's output it answers "DONE: <output>". Every request body is kept, in order.
 */
public final class FakeResponsesApi {
  private static final Logger log = LoggerFactory.getLogger(FakeResponsesApi.class);
  private static final Pattern EXACT = Pattern.compile("Reply with exactly:\\s*(.*)");
  private static final int SLOW_DELTAS = 60;
  private static final long SLOW_MS = 500;

  private final Vertx vertx;
  private final List<JsonObject> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger ids = new AtomicInteger();
  private HttpServer server;

  private FakeResponsesApi(Vertx vertx) { this.vertx = vertx; }

  /** Starts on a free loopback port; call from a test thread (it waits for the listen). */
  public static FakeResponsesApi start(Vertx vertx) {
    FakeResponsesApi api = new FakeResponsesApi(vertx);
    api.server = vertx.createHttpServer().requestHandler(api::handle).listen(0, "127.0.0.1").await();
    return api;
  }

  public int port() { return server.actualPort(); }

  /** The base URL to configure as the provider's base_url: {@code http://127.0.0.1:<port>/v1}. */
  public String baseUrl() { return "http://127.0.0.1:" + port() + "/v1"; }

  /** Every request body received so far, oldest first. */
  public List<JsonObject> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  public void close() { server.close().await(); }

  private void handle(HttpServerRequest req) {
    if (!"POST".equals(req.method().name()) || !req.path().endsWith("/responses")) {
      log.warn("fake responses API: unexpected {} {}", req.method(), req.path());
      req.response().setStatusCode(404).end();
      return;
    }
    req.body().onSuccess(buf -> {
      JsonObject body;
      try {
        body = buf.toJsonObject();
      } catch (RuntimeException e) {
        req.response().setStatusCode(400).end();
        return;
      }
      requests.add(body);
      respond(body, req.response());
    });
  }

  private void respond(JsonObject body, HttpServerResponse res) {
    JsonArray input = body.getJsonArray("input", new JsonArray());
    JsonObject last = input.isEmpty() ? new JsonObject() : input.getJsonObject(input.size() - 1);
    String lastType = last.getString("type", "");
    if (lastType.equals("function_call_output") || lastType.equals("custom_tool_call_output")) {
      Object out = last.getValue("output");
      String text = out instanceof String s ? s : String.valueOf(out);
      text(res, "DONE: " + (text.length() > 200 ? text.substring(0, 200) : text).strip(), false);
      return;
    }
    String prompt = lastUserText(input);
    if (prompt.contains("FAIL_HTTP")) {
      res.setStatusCode(500).putHeader("content-type", "application/json")
          .end(new JsonObject().put("error", new JsonObject().put("message", "fake internal error")
              .put("type", "server_error")).encode());
      return;
    }
    sse(res);
    String rid = "resp_" + ids.incrementAndGet();
    event(res, "response.created", new JsonObject().put("response",
        new JsonObject().put("id", rid).put("status", "in_progress").put("output", new JsonArray())));
    if (prompt.contains("FAIL_STREAM")) {
      event(res, "response.failed", new JsonObject().put("response", new JsonObject().put("id", rid)
          .put("status", "failed").put("error", new JsonObject().put("code", "server_error")
              .put("message", "fake stream failure"))));
      res.end();
      return;
    }
    String shell = marker(prompt, "RUN_SHELL:");
    String escalate = marker(prompt, "ESCALATE:");
    String patch = marker(prompt, "APPLY_PATCH:");
    if (shell != null || escalate != null) {
      JsonObject args = new JsonObject().put("cmd", shell != null ? shell : escalate);
      if (escalate != null) {
        args.put("sandbox_permissions", "require_escalated").put("justification", "the test asks for escalation");
      }
      item(res, new JsonObject().put("type", "function_call").put("id", "fc_" + rid).put("call_id", "call_" + rid)
          .put("name", "exec_command").put("arguments", args.encode()));
      completed(res, rid);
    } else if (patch != null && patch.contains("=")) {
      String file = patch.substring(0, patch.indexOf('='));
      String content = patch.substring(patch.indexOf('=') + 1);
      String input2 = "*** Begin Patch\n*** Add File: " + file + "\n+" + content + "\n*** End Patch\n";
      item(res, new JsonObject().put("type", "custom_tool_call").put("id", "ctc_" + rid)
          .put("call_id", "call_" + rid).put("name", "apply_patch").put("input", input2));
      completed(res, rid);
    } else {
      Matcher m = EXACT.matcher(prompt);
      text(res, m.find() ? m.group(1).strip() : "FAKE_OK", prompt.contains("SLOW"), rid);
    }
  }

  private void text(HttpServerResponse res, String text, boolean slow) {
    sse(res);
    String rid = "resp_" + ids.incrementAndGet();
    event(res, "response.created", new JsonObject().put("response",
        new JsonObject().put("id", rid).put("status", "in_progress").put("output", new JsonArray())));
    text(res, text, slow, rid);
  }

  private void text(HttpServerResponse res, String text, boolean slow, String rid) {
    String msgId = "msg_" + rid;
    event(res, "response.output_item.added", new JsonObject().put("output_index", 0).put("item",
        new JsonObject().put("type", "message").put("id", msgId).put("role", "assistant").put("content", new JsonArray())));
    if (!slow) {
      delta(res, msgId, text);
      finishText(res, rid, msgId, text);
      return;
    }
    boolean[] closed = {false};
    res.closeHandler(v -> closed[0] = true);
    StringBuilder sent = new StringBuilder();
    AtomicInteger n = new AtomicInteger();
    vertx.setPeriodic(SLOW_MS, id -> {
      if (closed[0]) {
        log.info("fake responses API: the client closed the slow stream after {} deltas", n.get());
        vertx.cancelTimer(id);
        return;
      }
      delta(res, msgId, ".");
      sent.append('.');
      if (n.incrementAndGet() == SLOW_DELTAS) {
        vertx.cancelTimer(id);
        finishText(res, rid, msgId, sent.toString());
      }
    });
  }

  private void finishText(HttpServerResponse res, String rid, String msgId, String text) {
    item(res, new JsonObject().put("type", "message").put("id", msgId).put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", text)
            .put("annotations", new JsonArray()))));
    completed(res, rid);
  }

  private void delta(HttpServerResponse res, String msgId, String text) {
    event(res, "response.output_text.delta", new JsonObject().put("item_id", msgId).put("output_index", 0)
        .put("content_index", 0).put("delta", text));
  }

  private void item(HttpServerResponse res, JsonObject item) {
    event(res, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", item));
  }

  private void completed(HttpServerResponse res, String rid) {
    JsonObject usage = new JsonObject().put("input_tokens", 10)
        .put("input_tokens_details", new JsonObject().put("cached_tokens", 0)).put("output_tokens", 3)
        .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0)).put("total_tokens", 13);
    event(res, "response.completed", new JsonObject().put("response", new JsonObject().put("id", rid)
        .put("status", "completed").put("usage", usage)));
    res.end();
  }

  private static void sse(HttpServerResponse res) {
    res.setChunked(true).putHeader("content-type", "text/event-stream").putHeader("cache-control", "no-cache");
  }

  private static void event(HttpServerResponse res, String type, JsonObject data) {
    if (res.ended() || res.closed()) return;
    res.write(Buffer.buffer("event: " + type + "\ndata: " + data.copy().put("type", type).encode() + "\n\n"));
  }

  /** The text of the last user message that is not an injected context block. */
  static String lastUserText(JsonArray input) {
    for (int i = input.size() - 1; i >= 0; i--) {
      JsonObject item = input.getJsonObject(i);
      if (!"user".equals(item.getString("role"))) continue;
      StringBuilder sb = new StringBuilder();
      Object content = item.getValue("content");
      if (content instanceof String s) sb.append(s);
      if (content instanceof JsonArray parts) {
        for (Object p : parts) if (p instanceof JsonObject o && o.getString("text") != null) sb.append(o.getString("text"));
      }
      String text = sb.toString().strip();
      if (!text.isEmpty() && !text.startsWith("<")) return text;
    }
    return "";
  }

  /** What follows {@code marker} up to the end of its line, or null. */
  private static String marker(String prompt, String marker) {
    int at = prompt.indexOf(marker);
    if (at < 0) return null;
    int from = at + marker.length();
    int eol = prompt.indexOf('\n', from);
    return prompt.substring(from, eol < 0 ? prompt.length() : eol).strip();
  }
}
