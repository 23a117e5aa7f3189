package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The smallest OpenAI Responses API codex-acp needs (agents.md §1.3): {@code POST /v1/responses} as
 * SSE, scripted by the last user message (or tool result). RUN_SHELL:&lt;cmd&gt; asks to run cmd with escalation (so
 * Codex asks for approval), SLOW streams 60 deltas 0.5 s apart, "Reply with exactly: X" answers X,
 * a tool result gets SHELL_DONE. Every request body is kept.
 */
public final class AcpResponsesStub {
  private final HttpServer server;
  private final Vertx vertx;
  private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
  private int responses;

  private AcpResponsesStub(Vertx vertx) {
    this.vertx = vertx;
    this.server = vertx.createHttpServer();
  }

  public static AcpResponsesStub start(Vertx vertx) {
    AcpResponsesStub stub = new AcpResponsesStub(vertx);
    stub.server.requestHandler(req -> {
      if (!req.path().endsWith("/responses")) {
        req.response().setStatusCode(404).end();
        return;
      }
      req.body().onSuccess(body -> stub.answer(body.toJsonObject(), req.response()));
    });
    stub.server.listen(0, "127.0.0.1").await();
    return stub;
  }

  public int port() { return server.actualPort(); }

  public String baseUrl() { return "http://127.0.0.1:" + port() + "/v1"; }

  public List<JsonObject> requests() { return List.copyOf(requests); }

  public void close() { server.close().await(); }

  private void answer(JsonObject body, HttpServerResponse res) {
    requests.add(body);
    String id = "resp_" + (++responses);
    res.setChunked(true).putHeader("content-type", "text/event-stream");
    send(res, "response.created", new JsonObject().put("response",
        new JsonObject().put("id", id).put("status", "in_progress").put("output", new JsonArray())));
    JsonArray input = body.getJsonArray("input", new JsonArray());
    // Codex may append developer notes (an approved command prefix, say) after the user's message.
    JsonObject last = new JsonObject();
    for (int i = input.size() - 1; i >= 0; i--) {
      last = input.getJsonObject(i);
      if ("function_call_output".equals(last.getString("type")) || "user".equals(last.getString("role"))) break;
    }
    String text = userText(last);
    int shell = text.indexOf("RUN_SHELL:");
    if ("function_call_output".equals(last.getString("type"))) {
      message(res, id, List.of("SHELL_DONE"), 0);
    } else if (shell >= 0) {
      String cmd = text.substring(shell + "RUN_SHELL:".length()).lines().findFirst().orElse("").trim();
      JsonObject args = new JsonObject().put("cmd", cmd).put("sandbox_permissions", "require_escalated")
          .put("justification", "the test asks for it");
      send(res, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", new JsonObject()
          .put("type", "function_call").put("call_id", "call_" + responses).put("name", "exec_command")
          .put("arguments", args.encode())));
      completed(res, id);
    } else if (text.contains("SLOW")) {
      message(res, id, java.util.Collections.nCopies(60, "."), 500);
    } else {
      int at = text.indexOf("Reply with exactly:");
      message(res, id, List.of(at < 0 ? "OK" : text.substring(at + 19).trim()), 0);
    }
  }

  private void message(HttpServerResponse res, String id, List<String> deltas, long gapMs) {
    JsonObject item = new JsonObject().put("type", "message").put("id", "msg_" + id).put("role", "assistant");
    send(res, "response.output_item.added", new JsonObject().put("output_index", 0)
        .put("item", item.copy().put("content", new JsonArray())));
    delta(res, id, item, deltas, 0, gapMs);
  }

  private void delta(HttpServerResponse res, String id, JsonObject item, List<String> deltas, int i, long gapMs) {
    if (res.closed()) return;
    if (i == deltas.size()) {
      String all = String.join("", deltas);
      send(res, "response.output_item.done", new JsonObject().put("output_index", 0).put("item", item.copy()
          .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", all)
              .put("annotations", new JsonArray())))));
      completed(res, id);
      return;
    }
    send(res, "response.output_text.delta", new JsonObject().put("item_id", item.getString("id"))
        .put("output_index", 0).put("content_index", 0).put("delta", deltas.get(i)));
    if (gapMs == 0) delta(res, id, item, deltas, i + 1, 0);
    else vertx.setTimer(gapMs, t -> delta(res, id, item, deltas, i + 1, gapMs));
  }

  private static void completed(HttpServerResponse res, String id) {
    send(res, "response.completed", new JsonObject().put("response", new JsonObject().put("id", id)
        .put("usage", new JsonObject().put("input_tokens", 10)
            .put("input_tokens_details", new JsonObject().put("cached_tokens", 0)).put("output_tokens", 3)
            .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0)).put("total_tokens", 13))));
    res.end();
  }

  private static void send(HttpServerResponse res, String type, JsonObject data) {
    if (!res.closed()) res.write("event: " + type + "\ndata: " + data.copy().put("type", type).encode() + "\n\n");
  }

  /** The text of a user message item, or "". */
  static String userText(JsonObject item) {
    if (!"user".equals(item.getString("role"))) return "";
    StringBuilder sb = new StringBuilder();
    for (Object c : item.getJsonArray("content", new JsonArray())) {
      if (c instanceof JsonObject o && o.getString("text") != null) sb.append(o.getString("text"));
    }
    return sb.toString();
  }
}
