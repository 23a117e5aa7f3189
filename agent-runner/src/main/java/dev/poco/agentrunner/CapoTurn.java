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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn on a live capo process. Permission requests carry no id, so they are queued and answered one
 * at a time, in order, echoing tool and args verbatim.
 */
final class CapoTurn implements AgentTurn {
  static final long KILL_AFTER_CANCEL_MS = 3_000;

  private final Vertx vertx;
  private final ChildProcess child;
  private final TurnSink sink;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  private final ArrayDeque<JsonObject> permissions = new ArrayDeque<>();
  private final Map<String, String> toolNames = new HashMap<>();
  private final List<String> errors = new ArrayList<>();
  private boolean streamed;
  private boolean cancelling;
  private long killTimer = -1;

  CapoTurn(Vertx vertx, ChildProcess child, TurnSink sink) {
    this.vertx = vertx;
    this.child = child;
    this.sink = sink;
  }

  boolean done() { return outcome.future().isComplete(); }

  void send(String prompt) {
    JsonObject cmd = new JsonObject().put("type", "send_user_message")
        .put("payload", new JsonObject().put("text", prompt));
    child.write(cmd.encode()).onFailure(err -> end(TurnOutcome.failed("capo did not take the prompt: "
        + err.getMessage())));
  }

  void session(String id) { sink.session(id); }

  void on(String type, Object payload) {
    if (done()) return;
    switch (type) {
      case "agent_text_delta" -> {
        if (payload instanceof String text) {
          streamed = true;
          sink.delta(text);
        }
      }
      case "agent_message_complete" -> {
        // The full text repeats what was streamed; it only matters when no deltas came.
        if (!streamed && payload instanceof String text) sink.delta(text);
        streamed = false;
      }
      case "tool_call_started" -> toolStarted(obj(payload));
      case "tool_call_progress" -> toolProgress(obj(payload));
      case "tool_call_completed" -> toolCompleted(obj(payload));
      case "permission_requested" -> {
        if (cancelling) {
          resolve(obj(payload), "deny");
          return;
        }
        permissions.addLast(obj(payload));
        if (permissions.size() == 1) ask(permissions.peekFirst());
      }
      case "error" -> {
        String msg = String.valueOf(payload);
        errors.add(msg);
        sink.activity("capo error: " + msg);
      }
      case "agent_turn_complete" -> end(cancelling ? TurnOutcome.cancelled()
          : errors.isEmpty() ? TurnOutcome.completed(null) : TurnOutcome.failed(String.join("; ", errors)));
      default -> { } // agent_turn_started, agent_thinking, notice, later versions' events
    }
  }

  void processExited(ProcessExit exit) {
    if (done()) return;
    if (cancelling) end(TurnOutcome.cancelled());
    else end(TurnOutcome.failed("capo exited (code " + exit.code() + ")"
        + (exit.stderrTail().isEmpty() ? "" : ": " + String.join(" | ", exit.stderrTail()))));
  }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  @Override
  public Future<Void> approve(ApprovalDecision decision) {
    if (done() || permissions.isEmpty()) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
    }
    JsonObject asked = permissions.removeFirst();
    String choice = switch (decision) {
      case APPROVE -> "allow_once";
      case APPROVE_SESSION -> "allow_session";
      case REJECT -> "deny";
    };
    Future<Void> written = resolve(asked, choice);
    // The next card only after this answer's reply went out, or the orchestrator would clear it as answered.
    written.onComplete(v -> vertx.runOnContext(x -> {
      if (!done() && !permissions.isEmpty()) ask(permissions.peekFirst());
    }));
    return written;
  }

  private Future<Void> resolve(JsonObject asked, String choice) {
    JsonObject answer = new JsonObject().put("tool", asked.getValue("tool")).put("args", asked.getValue("args"))
        .put("choice", choice);
    return child.write(new JsonObject().put("type", "resolve_permission").put("payload", answer).encode());
  }

  @Override
  public void cancel() {
    if (done() || cancelling) return;
    cancelling = true;
    permissions.clear();
    child.write(new JsonObject().put("type", "cancel_agent").encode());
    killTimer = vertx.setTimer(KILL_AFTER_CANCEL_MS, id -> {
      killTimer = -1;
      if (!done()) child.kill();
    });
  }

  private void end(TurnOutcome o) {
    if (killTimer != -1) vertx.cancelTimer(killTimer);
    outcome.tryComplete(o);
  }

  private void ask(JsonObject p) {
    String tool = String.valueOf(p.getValue("tool"));
    String args = brief(p.getValue("args"));
    sink.approval(new Approval("permission", "capo wants to run " + tool + ": " + args,
        "tool " + tool + " with " + args));
  }

  private void toolStarted(JsonObject p) {
    String name = p.getString("name", "tool");
    toolNames.put(p.getString("id", ""), name);
    sink.activity(name + ": " + brief(p.getValue("args")));
  }

  private void toolProgress(JsonObject p) {
    Object chunk = p.getValue("chunk");
    if (chunk instanceof JsonObject c && c.getValue("Status") instanceof String status) {
      sink.activity(toolNames.getOrDefault(p.getString("id", ""), "tool") + ": " + brief(status));
    }
  }

  private void toolCompleted(JsonObject p) {
    String name = toolNames.getOrDefault(p.getString("id", ""), "tool");
    JsonObject result = p.getJsonObject("result", new JsonObject());
    sink.activity(result.getBoolean("is_error", false)
        ? name + " failed: " + brief(result.getString("text", "")) : name + " done");
  }

  private static JsonObject obj(Object payload) {
    return payload instanceof JsonObject o ? o : new JsonObject();
  }

  /** One short line: a command's text, else the compact JSON, cut at 120 chars. */
  static String brief(Object value) {
    String s;
    if (value instanceof JsonObject o && o.getValue("command") instanceof String c) s = c;
    else if (value instanceof JsonObject || value instanceof JsonArray) s = value.toString();
    else s = String.valueOf(value);
    s = s.replaceAll("\\s+", " ").trim();
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }
}
