package dev.poco.agentrunner;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Codex turn on a thread: streams its notifications into the sink, shows its approval requests one at
 * a time in order, and ends only at {@code turn/completed} (or when the process dies).
 */
final class CodexTurn implements AgentTurn {
  private static final Logger log = LoggerFactory.getLogger(CodexTurn.class);
  /** How long an interrupted turn may take to report turn/completed before its process is killed. */
  static final long KILL_AFTER_MS = 3_000;

  private record Pending(Approval approval, Promise<JsonObject> answer) { }

  private final Vertx vertx;
  private final CodexAppServer server;
  private final String threadId;
  private final TurnSink sink;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  private final Map<String, JsonObject> startedItems = new HashMap<>();
  private final ArrayDeque<Pending> approvals = new ArrayDeque<>();
  private final JsonObject usage = new JsonObject();
  private String turnId;
  private String deltaItem;
  private String finalText;
  private String lastError;
  private boolean cancelling;
  private long killTimer = -1;

  CodexTurn(Vertx vertx, CodexAppServer server, String threadId, TurnSink sink) {
    this.vertx = vertx;
    this.server = server;
    this.threadId = threadId;
    this.sink = sink;
  }

  Future<Void> begin(String prompt) {
    server.attach(threadId, this);
    JsonObject params = new JsonObject().put("threadId", threadId).put("input", input(prompt));
    return server.request("turn/start", params).compose(r -> {
      String id = r.getJsonObject("turn", new JsonObject()).getString("id");
      if (turnId == null) turnId = id;
      if (cancelling) interrupt();
      return Future.<Void>succeededFuture();
    }, err -> {
      finish(TurnOutcome.failed("codex turn/start failed: " + err.getMessage()));
      return Future.failedFuture(err);
    });
  }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  @Override
  public Future<Void> approve(ApprovalDecision decision) {
    Pending p = approvals.poll();
    if (p == null || done()) return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
    String wire = switch (decision) {
      case APPROVE -> "accept";
      case APPROVE_SESSION -> "acceptForSession";
      case REJECT -> "decline";
    };
    p.answer.tryComplete(new JsonObject().put("decision", wire));
    // The next one waits a tick: the orchestrator marks the task running when this answer is acknowledged,
    // which must not land after (and so hide) the next request.
    vertx.runOnContext(v -> {
      if (!done() && !approvals.isEmpty()) sink.approval(approvals.peek().approval);
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> steer(String text) {
    if (done() || turnId == null) return Future.failedFuture(Bus.error(Failures.CONFLICT, "the turn is not running"));
    JsonObject params = new JsonObject().put("threadId", threadId).put("input", input(text))
        .put("expectedTurnId", turnId);
    return server.request("turn/steer", params).<Void>mapEmpty()
        .recover(err -> Future.failedFuture(Bus.error(Failures.CONFLICT, "codex refused: " + err.getMessage())));
  }

  @Override
  public void cancel() {
    if (done() || cancelling) return;
    cancelling = true;
    // Unanswered approvals would keep the turn waiting: cancel them, which also interrupts (schema).
    for (Pending p : approvals) p.answer.tryComplete(new JsonObject().put("decision", "cancel"));
    approvals.clear();
    killTimer = vertx.setTimer(KILL_AFTER_MS, id -> {
      killTimer = -1;
      if (done()) return;
      log.warn("codex turn {} did not stop within {} ms, killing its process", turnId, KILL_AFTER_MS);
      finish(TurnOutcome.cancelled());
      server.kill();
    });
    if (turnId != null) interrupt();
  }

  private void interrupt() {
    server.request("turn/interrupt", new JsonObject().put("threadId", threadId).put("turnId", turnId))
        .onFailure(err -> log.debug("turn/interrupt: {}", err.getMessage()));
  }

  void processExited(String why) {
    finish(cancelling ? TurnOutcome.cancelled() : TurnOutcome.failed(why));
  }

  void notification(String method, JsonObject p) {
    if (done()) return;
    switch (method) {
      case "turn/started" -> {
        if (turnId == null) turnId = p.getJsonObject("turn", new JsonObject()).getString("id");
      }
      case "item/agentMessage/delta" -> delta(p.getString("itemId"), p.getString("delta"));
      case "item/started" -> started(p.getJsonObject("item", new JsonObject()));
      case "item/completed" -> completed(p.getJsonObject("item", new JsonObject()));
      case "thread/tokenUsage/updated" -> usage(p.getJsonObject("tokenUsage", new JsonObject()));
      case "turn/diff/updated" -> {
        String diff = p.getString("diff");
        if (diff != null) sink.diff(DiffSummary.of(diff));
      }
      case "error" -> {
        String msg = p.getJsonObject("error", new JsonObject()).getString("message", "error");
        if (p.getBoolean("willRetry", false)) sink.activity("retrying: " + CodexItems.shorten(msg));
        else lastError = msg;
      }
      case "turn/completed" -> completedTurn(p.getJsonObject("turn", new JsonObject()));
      default -> log.trace("codex: {}", method);
    }
  }

  Future<JsonObject> serverRequest(String method, JsonObject p) {
    Approval a = switch (method) {
      case "item/commandExecution/requestApproval" -> CodexItems.commandApproval(p);
      case "item/fileChange/requestApproval" -> CodexItems.fileApproval(p, startedItems.get(p.getString("itemId")));
      default -> null;
    };
    if (a == null) return null;
    if (done() || cancelling) return Future.succeededFuture(new JsonObject().put("decision", "cancel"));
    Promise<JsonObject> answer = Promise.promise();
    approvals.add(new Pending(a, answer));
    if (approvals.size() == 1) sink.approval(a);
    return answer.future();
  }

  /** A turn may say several messages (before and after a command): they are kept apart on the card. */
  private void delta(String itemId, String text) {
    if (text == null || text.isEmpty()) return;
    if (deltaItem != null && itemId != null && !itemId.equals(deltaItem)) sink.delta("\n\n");
    if (itemId != null) deltaItem = itemId;
    sink.delta(text);
  }

  private void started(JsonObject item) {
    String id = item.getString("id");
    if (id != null && "fileChange".equals(item.getString("type"))) startedItems.put(id, item);
    String line = CodexItems.startedLine(item);
    if (line != null) sink.activity(line);
  }

  private void completed(JsonObject item) {
    if ("agentMessage".equals(item.getString("type"))) {
      finalText = item.getString("text");
      return;
    }
    startedItems.remove(item.getString("id"));
    String line = CodexItems.completedLine(item);
    if (line != null) sink.activity(line);
  }

  /** Sums each model call's {@code last} usage: the turn's own tokens, not the thread's running total. */
  private void usage(JsonObject tokenUsage) {
    JsonObject last = tokenUsage.getJsonObject("last");
    if (last == null) return;
    add("input_tokens", last.getValue("inputTokens"));
    add("cached_input_tokens", last.getValue("cachedInputTokens"));
    add("output_tokens", last.getValue("outputTokens"));
    add("reasoning_output_tokens", last.getValue("reasoningOutputTokens"));
    add("total_tokens", last.getValue("totalTokens"));
    sink.usage(usage.copy());
  }

  private void add(String key, Object n) {
    if (n instanceof Number num) usage.put(key, usage.getLong(key, 0L) + num.longValue());
  }

  private void completedTurn(JsonObject turn) {
    String id = turn.getString("id");
    if (turnId != null && id != null && !turnId.equals(id)) return;
    String status = turn.getString("status", "completed");
    switch (status) {
      case "completed" -> finish(cancelling ? TurnOutcome.cancelled() : TurnOutcome.completed(finalText));
      case "interrupted" -> finish(TurnOutcome.cancelled());
      default -> {
        JsonObject err = turn.getJsonObject("error");
        String msg = err != null && err.getString("message") != null ? err.getString("message")
            : lastError != null ? lastError : "codex turn " + status;
        finish(TurnOutcome.failed(msg));
      }
    }
  }

  private void finish(TurnOutcome o) {
    if (done()) return;
    if (killTimer != -1) vertx.cancelTimer(killTimer);
    killTimer = -1;
    for (Pending p : approvals) p.answer.tryComplete(new JsonObject().put("decision", "cancel"));
    approvals.clear();
    server.detach(threadId, this);
    outcome.tryComplete(o);
  }

  private boolean done() { return outcome.future().isComplete(); }

  private static JsonArray input(String text) {
    return new JsonArray().add(new JsonObject().put("type", "text").put("text", text)
        .put("text_elements", new JsonArray()));
  }
}
