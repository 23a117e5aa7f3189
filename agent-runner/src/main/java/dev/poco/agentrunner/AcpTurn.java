package dev.poco.agentrunner;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One ACP turn: open (or load) the session, send {@code session/prompt}, stream its updates into the
 * sink, ask approvals one at a time, and map the stop reason to an outcome.
 */
final class AcpTurn implements AgentTurn, AcpAgentProcess.Listener {
  /** How long a cancelled prompt may take to return before the agent is killed. */
  static final long CANCEL_KILL_MS = 3_000;
  private static final Set<String> DONE_STATUSES = Set.of("completed", "failed", "cancelled");

  private record Ask(Object requestId, JsonObject params, Promise<JsonObject> answer) { }

  private final Vertx vertx;
  private final AcpAgentProcess agent;
  private final TurnRequest request;
  private final TurnSink sink;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  private final StringBuilder text = new StringBuilder();
  private final Map<String, JsonObject> tools = new LinkedHashMap<>();
  private final ArrayDeque<Ask> asks = new ArrayDeque<>();
  private final JsonObject usage = new JsonObject();
  private String messageId;
  private String sessionId;
  private boolean live;
  private boolean cancelling;
  private long killTimer = -1;

  AcpTurn(Vertx vertx, AcpAgentProcess agent, TurnRequest request, TurnSink sink) {
    this.vertx = vertx;
    this.agent = agent;
    this.request = request;
    this.sink = sink;
  }

  static JsonObject cancelledOutcome() {
    return new JsonObject().put("outcome", new JsonObject().put("outcome", "cancelled"));
  }

  void run() {
    agent.listen(this);
    session().compose(id -> {
      sessionId = id;
      agent.opened(id);
      sink.session(id);
      if (cancelling) return Future.succeededFuture(new JsonObject().put("stopReason", "cancelled"));
      live = true;
      JsonArray prompt = new JsonArray().add(new JsonObject().put("type", "text").put("text", request.prompt()));
      return agent.request("session/prompt", new JsonObject().put("sessionId", id).put("prompt", prompt));
    }).onComplete(ar -> {
      if (ar.succeeded()) stopped(ar.result());
      else end(cancelling ? TurnOutcome.cancelled() : TurnOutcome.failed(named(ar.cause().getMessage())));
    });
  }

  private String named(String error) {
    String e = String.valueOf(error);
    return e.startsWith(agent.name) ? e : agent.name + ": " + e;
  }

  private Future<String> session() {
    String saved = request.sessionId();
    if (saved == null) return newSession();
    if (agent.hasSession(saved)) return Future.succeededFuture(saved);
    String method = agent.canResume() ? "session/resume" : agent.canLoad() ? "session/load" : null;
    if (method == null) {
      sink.activity(agent.name + " cannot load sessions: started a new session");
      return newSession();
    }
    // Updates replayed by session/load arrive before its answer; live is false, so they are history.
    return agent.request(method, sessionParams().put("sessionId", saved)).map(r -> saved).recover(err -> {
      if (!agent.alive() || !(err instanceof JsonRpcPeer.RpcError e) || (e.code != -32002 && e.code != -32603)) {
        return Future.failedFuture(err);
      }
      sink.activity("could not continue session " + saved + " (" + e.getMessage() + "): started a new session");
      return newSession();
    });
  }

  private Future<String> newSession() {
    return agent.request("session/new", sessionParams()).compose(r -> {
      String id = r.getString("sessionId");
      return id == null ? Future.failedFuture(agent.name + " answered session/new without a sessionId")
          : Future.succeededFuture(id);
    }, err -> Future.failedFuture(err instanceof JsonRpcPeer.RpcError e && e.code == -32000
        ? agent.name + " needs a login first (" + e.getMessage() + ")" : err.getMessage()));
  }

  private JsonObject sessionParams() {
    return new JsonObject().put("cwd", request.workdir().toString()).put("mcpServers", new JsonArray());
  }

  private void stopped(JsonObject result) {
    usage(result.getJsonObject("usage"));
    String reason = String.valueOf(result.getString("stopReason"));
    if (cancelling || "cancelled".equals(reason)) {
      end(TurnOutcome.cancelled());
      return;
    }
    switch (reason) {
      case "end_turn", "max_tokens", "max_turn_requests" -> end(TurnOutcome.completed(text.toString()));
      case "refusal" -> end(TurnOutcome.failed(agent.name + " refused to answer"));
      default -> end(TurnOutcome.failed(agent.name + " stopped with an unknown reason: " + reason));
    }
  }

  private void end(TurnOutcome o) {
    if (outcome.future().isComplete()) return;
    live = false;
    agent.unlisten(this);
    if (killTimer != -1) vertx.cancelTimer(killTimer);
    while (!asks.isEmpty()) asks.poll().answer().tryComplete(cancelledOutcome());
    for (JsonObject tool : tools.values()) {
      if (!tool.getBoolean("_shown", false)) sink.activity(toolLine(tool));
    }
    outcome.complete(o);
  }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  @Override
  public Future<Void> approve(ApprovalDecision decision) {
    Ask ask = asks.peek();
    if (ask == null || outcome.future().isComplete()) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
    }
    String optionId = AcpPermissions.choose(ask.params().getJsonArray("options", new JsonArray()), decision);
    if (optionId == null) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, agent.name + " offers no option for "
          + decision.wire()));
    }
    asks.poll();
    ask.answer().tryComplete(new JsonObject().put("outcome",
        new JsonObject().put("outcome", "selected").put("optionId", optionId)));
    showNextAsk();
    return Future.succeededFuture();
  }

  @Override
  public void cancel() {
    if (outcome.future().isComplete() || cancelling) return;
    cancelling = true;
    while (!asks.isEmpty()) asks.poll().answer().tryComplete(cancelledOutcome());
    // Still opening the session: run() ends as cancelled before prompting, unless the agent hangs there.
    if (live) agent.notify("session/cancel", new JsonObject().put("sessionId", sessionId));
    killTimer = vertx.setTimer(CANCEL_KILL_MS, id -> {
      killTimer = -1;
      agent.kill();
    });
  }

  @Override
  public void update(String session, JsonObject update) {
    if (!live || !Objects.equals(session, sessionId)) return;
    switch (update.getString("sessionUpdate", "")) {
      case "agent_message_chunk" -> {
        JsonObject content = update.getJsonObject("content", new JsonObject());
        if ("text".equals(content.getString("type"))) {
          String t = content.getString("text", "");
          String mid = update.getString("messageId");
          // A new message (after a tool call, say) starts a new paragraph instead of running on.
          if (mid != null && messageId != null && !mid.equals(messageId) && text.length() > 0) t = "\n\n" + t;
          if (mid != null) messageId = mid;
          text.append(t);
          sink.delta(t);
        }
      }
      case "tool_call", "tool_call_update" -> tool(update);
      case "usage_update" -> usage(update);
      default -> { }
    }
  }

  private JsonObject tool(JsonObject update) {
    String id = update.getString("toolCallId", "tool-" + tools.size());
    JsonObject tool = tools.computeIfAbsent(id, k -> new JsonObject());
    update.forEach(e -> {
      if (e.getValue() != null && !"sessionUpdate".equals(e.getKey())) tool.put(e.getKey(), e.getValue());
    });
    if (DONE_STATUSES.contains(tool.getString("status", "")) && !tool.getBoolean("_shown", false)) {
      tool.put("_shown", true);
      sink.activity(toolLine(tool));
    }
    return tool;
  }

  static String toolLine(JsonObject tool) {
    String title = tool.getString("title", tool.getString("kind", "tool call"));
    String status = tool.getString("status", "pending");
    if (title.length() > 120) title = title.substring(0, 119) + "…";
    return title + " (" + status + ")";
  }

  private void usage(JsonObject u) {
    if (u == null || u.isEmpty()) return;
    JsonObject out = usage;
    copy(u, "inputTokens", out, "input_tokens");
    copy(u, "outputTokens", out, "output_tokens");
    copy(u, "totalTokens", out, "total_tokens");
    copy(u, "used", out, "context_used");
    copy(u, "size", out, "context_size");
    JsonObject cost = u.getJsonObject("cost");
    if (cost != null && "USD".equalsIgnoreCase(cost.getString("currency", ""))) out.put("cost_usd", cost.getValue("amount"));
    if (!out.isEmpty()) sink.usage(out.copy());
  }

  private static void copy(JsonObject from, String key, JsonObject to, String as) {
    if (from.getValue(key) instanceof Number n) to.put(as, n);
  }

  @Override
  public Future<JsonObject> permission(Object requestId, JsonObject params) {
    if (!live || cancelling || !Objects.equals(params.getString("sessionId"), sessionId)) {
      return Future.succeededFuture(cancelledOutcome());
    }
    JsonObject call = params.getJsonObject("toolCall", new JsonObject());
    // A permission request may come without a tool_call first (Gemini): it then opens the record.
    tool(call.copy().put("toolCallId", call.getString("toolCallId", "ask-" + asks.size())));
    Ask ask = new Ask(requestId, params, Promise.promise());
    asks.add(ask);
    if (asks.size() == 1) showNextAsk();
    return ask.answer().future();
  }

  private void showNextAsk() {
    Ask ask = asks.peek();
    if (ask == null) return;
    JsonObject call = ask.params().getJsonObject("toolCall", new JsonObject());
    JsonObject merged = tools.getOrDefault(call.getString("toolCallId", ""), call);
    sink.approval(AcpPermissions.approval(merged, ask.params().getJsonArray("options", new JsonArray())));
  }

  @Override
  public void withdrawn(Object requestId) {
    List<Ask> gone = new ArrayList<>();
    for (Ask a : asks) if (a.requestId() != null && String.valueOf(a.requestId()).equals(String.valueOf(requestId))) gone.add(a);
    if (gone.isEmpty()) return;
    boolean wasShown = gone.contains(asks.peek());
    asks.removeAll(gone);
    gone.forEach(a -> a.answer().tryComplete(cancelledOutcome()));
    sink.activity(agent.name + " withdrew its permission request");
    if (wasShown && asks.isEmpty()) sink.approvalWithdrawn();
    else if (wasShown) showNextAsk();
  }

  @Override
  public void exited(ProcessExit exit) {
    end(cancelling ? TurnOutcome.cancelled() : TurnOutcome.failed(agent.name + " exited: " + exit.describe()));
  }
}
