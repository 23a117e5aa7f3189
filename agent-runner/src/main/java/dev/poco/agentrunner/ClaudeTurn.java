package dev.poco.agentrunner;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * One turn on a {@link ClaudeProcess}: stream_event deltas, tool activity, can_use_tool approvals (one shown at a
 * time, the rest queued in order) and the closing {@code result}.
 */
final class ClaudeTurn implements AgentTurn {
  /** After an interrupt, how long claude may take to send its result before the process is killed. */
  static final long INTERRUPT_GRACE_MS = 3_000;
  static final String DENY_MESSAGE = "Rejected by the user in PoCo";

  private final ClaudeProcess proc;
  private final TurnSink sink;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  private final Deque<JsonObject> waiting = new ArrayDeque<>();
  private JsonObject shown;
  private boolean sessionReported;
  private boolean partials;
  private boolean cancelling;

  ClaudeTurn(ClaudeProcess proc, TurnSink sink) {
    this.proc = proc;
    this.sink = sink;
  }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  void handle(JsonObject msg) {
    if (outcome.future().isComplete()) return;
    String sid = msg.getString("session_id");
    if (!sessionReported && sid != null && !sid.isEmpty()) {
      sessionReported = true;
      proc.sessionSeen(sid);
      sink.session(sid);
    }
    switch (String.valueOf(msg.getString("type"))) {
      case "stream_event" -> streamEvent(msg);
      case "assistant" -> assistant(msg);
      case "user" -> toolResults(msg);
      case "control_request" -> controlRequest(msg);
      case "control_cancel_request" -> withdraw(msg.getString("request_id"));
      case "result" -> result(msg);
      default -> { } // system/init, system/status, control_response to our interrupt
    }
  }

  private void streamEvent(JsonObject msg) {
    if (msg.getValue("parent_tool_use_id") != null) return; // a subagent's stream
    JsonObject event = msg.getJsonObject("event", new JsonObject());
    JsonObject delta = event.getJsonObject("delta");
    if ("content_block_delta".equals(event.getString("type")) && delta != null
        && "text_delta".equals(delta.getString("type"))) {
      partials = true;
      sink.delta(delta.getString("text"));
    }
  }

  private void assistant(JsonObject msg) {
    if (msg.getValue("parent_tool_use_id") != null) return;
    JsonArray content = msg.getJsonObject("message", new JsonObject()).getJsonArray("content", new JsonArray());
    for (Object o : content) {
      if (!(o instanceof JsonObject block)) continue;
      String type = block.getString("type");
      if ("text".equals(type) && !partials) {
        sink.delta(block.getString("text"));
      } else if ("tool_use".equals(type)) {
        sink.activity(block.getString("name") + ": " + shortInput(block.getJsonObject("input")));
      }
    }
  }

  private void toolResults(JsonObject msg) {
    if (msg.getValue("parent_tool_use_id") != null) return;
    Object content = msg.getJsonObject("message", new JsonObject()).getValue("content");
    if (!(content instanceof JsonArray blocks)) return;
    for (Object o : blocks) {
      if (o instanceof JsonObject block && "tool_result".equals(block.getString("type"))) {
        boolean error = block.getBoolean("is_error", false);
        String text = ClaudeProcess.abbreviate(text(block.getValue("content")));
        sink.activity((error ? "tool error: " : "tool ok: ") + (text.isEmpty() ? "(no output)" : text));
      }
    }
  }

  private static String text(Object content) {
    if (content instanceof String s) return s;
    if (!(content instanceof JsonArray parts)) return "";
    StringBuilder sb = new StringBuilder();
    for (Object p : parts) if (p instanceof JsonObject j && j.getString("text") != null) sb.append(j.getString("text"));
    return sb.toString();
  }

  private void controlRequest(JsonObject msg) {
    JsonObject req = msg.getJsonObject("request", new JsonObject());
    if (!"can_use_tool".equals(req.getString("subtype"))) {
      proc.refuse(msg, "PoCo does not handle " + req.getString("subtype"));
      return;
    }
    waiting.addLast(msg);
    showNext();
  }

  private void showNext() {
    if (shown != null || waiting.isEmpty() || cancelling) return;
    shown = waiting.removeFirst();
    JsonObject req = shown.getJsonObject("request");
    String tool = req.getString("display_name", req.getString("tool_name"));
    JsonObject input = req.getJsonObject("input", new JsonObject());
    StringBuilder detail = new StringBuilder(input.encodePrettily());
    if (req.getString("blocked_path") != null) detail.append("\nblocked path: ").append(req.getString("blocked_path"));
    if (req.getString("description") != null) detail.append("\n").append(req.getString("description"));
    sink.approval(new Approval("tool", tool + ": " + shortInput(input), detail.toString(), Approval.ALL_OPTIONS));
  }

  private void withdraw(String requestId) {
    if (shown != null && requestId != null && requestId.equals(shown.getString("request_id"))) {
      shown = null;
      sink.activity("approval withdrawn by claude");
      if (waiting.isEmpty()) sink.approvalWithdrawn();
      else showNext();
    } else {
      waiting.removeIf(m -> requestId != null && requestId.equals(m.getString("request_id")));
    }
  }

  @Override
  public Future<Void> approve(ApprovalDecision decision) {
    if (shown == null || outcome.future().isComplete()) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
    }
    JsonObject msg = shown;
    shown = null;
    JsonObject req = msg.getJsonObject("request");
    JsonObject answer;
    if (decision.approved()) {
      answer = new JsonObject().put("behavior", "allow").put("updatedInput", req.getJsonObject("input", new JsonObject()));
      JsonArray suggestions = req.getJsonArray("permission_suggestions");
      if (decision == ApprovalDecision.APPROVE_SESSION && suggestions != null && !suggestions.isEmpty()) {
        answer.put("updatedPermissions", forSession(suggestions));
      }
    } else {
      answer = new JsonObject().put("behavior", "deny").put("message", DENY_MESSAGE);
    }
    Future<Void> sent = proc.write(new JsonObject().put("type", "control_response").put("response", new JsonObject()
        .put("subtype", "success").put("request_id", msg.getString("request_id")).put("response", answer)));
    // The next approval goes out after the runner has replied to this answer: the orchestrator marks the task
    // running when that reply arrives, which would otherwise hide an approval that overtook it.
    return sent.onComplete(ar -> proc.vertx().runOnContext(v -> showNext()));
  }

  /** "For this session" must not write the project's or user's settings files: every rule is kept in the session. */
  private static JsonArray forSession(JsonArray suggestions) {
    JsonArray out = new JsonArray();
    for (Object o : suggestions) {
      if (o instanceof JsonObject s) out.add(s.copy().put("destination", "session"));
    }
    return out;
  }

  private void result(JsonObject msg) {
    JsonObject usage = new JsonObject();
    JsonObject u = msg.getJsonObject("usage");
    if (u != null) {
      for (String k : new String[] {"input_tokens", "output_tokens", "cache_read_input_tokens",
          "cache_creation_input_tokens"}) {
        if (u.getValue(k) instanceof Number n) usage.put(k, n.longValue());
      }
    }
    if (msg.getValue("total_cost_usd") instanceof Number cost) usage.put("cost_usd", cost.doubleValue());
    if (!usage.isEmpty()) sink.usage(usage);
    boolean error = msg.getBoolean("is_error", false);
    if (cancelling && (error || "aborted_streaming".equals(msg.getString("terminal_reason")))) {
      end(TurnOutcome.cancelled());
    } else if (!error) {
      end(TurnOutcome.completed(msg.getString("result")));
    } else {
      String text = msg.getString("result");
      Object status = msg.getValue("api_error_status");
      if (text == null || text.isBlank()) {
        text = status != null ? "API error " + status : "claude failed: " + msg.getString("subtype");
      }
      if (text.contains("No conversation found")) {
        proc.resumeFailed();
        text += " (the next prompt starts a new Claude session)";
      }
      end(TurnOutcome.failed(text));
    }
  }

  @Override
  public void cancel() {
    if (cancelling || outcome.future().isComplete()) return;
    cancelling = true;
    shown = null;
    waiting.clear();
    JsonObject interrupt = new JsonObject().put("type", "control_request").put("request_id", proc.nextRequestId())
        .put("request", new JsonObject().put("subtype", "interrupt"));
    proc.write(interrupt).onFailure(err -> proc.kill());
    proc.vertx().setTimer(INTERRUPT_GRACE_MS, id -> {
      if (!outcome.future().isComplete()) proc.kill();
    });
  }

  void exited(ProcessExit exit) {
    if (outcome.future().isComplete()) return;
    if (cancelling) {
      end(TurnOutcome.cancelled());
      return;
    }
    String tail = String.join(" | ", exit.stderrTail());
    end(TurnOutcome.failed("claude exited (code " + exit.code() + ")" + (tail.isEmpty() ? "" : ": " + tail)));
  }

  void broken(String why) {
    if (outcome.future().isComplete()) return;
    proc.kill();
    if (!cancelling) end(TurnOutcome.failed(why));
  }

  private void end(TurnOutcome o) {
    if (outcome.future().isComplete()) return;
    proc.ended(this);
    outcome.complete(o);
  }

  static String shortInput(JsonObject input) {
    if (input == null) return "";
    for (String k : new String[] {"command", "file_path", "path", "pattern", "url", "query"}) {
      if (input.getValue(k) instanceof String s) return ClaudeProcess.abbreviate(s);
    }
    return ClaudeProcess.abbreviate(input.encode());
  }
}
