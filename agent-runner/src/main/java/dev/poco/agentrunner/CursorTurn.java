package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One cursor-agent process, one turn: its stream-json lines become sink calls; its exit ends the turn. */
final class CursorTurn implements AgentTurn {
  private static final Logger log = LoggerFactory.getLogger(CursorTurn.class);

  /** cursor-agent has been seen to linger after its result; it gets this long to exit by itself. */
  static final long LINGER_MS = 3_000;

  private final Vertx vertx;
  private final TurnSink sink;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  /** The assistant text since the last tool call: partials add to it, a whole message repeats it. */
  private final StringBuilder segment = new StringBuilder();
  private ChildProcess child;
  private boolean cancelled;

  CursorTurn(Vertx vertx, TurnSink sink) {
    this.vertx = vertx;
    this.sink = sink;
  }

  void attach(ChildProcess child) {
    this.child = child;
    child.exit().onSuccess(this::exited);
  }

  void onLine(String line) {
    if (done()) return;
    JsonObject event;
    try {
      event = new JsonObject(line);
    } catch (RuntimeException notJson) {
      log.warn("cursor-agent printed a line that is not JSON ({} chars); skipped", line.length());
      return;
    }
    switch (String.valueOf(event.getValue("type"))) {
      case "system" -> {
        if ("init".equals(event.getString("subtype")) && event.getString("session_id") != null) {
          sink.session(event.getString("session_id"));
        }
      }
      case "assistant" -> assistant(text(event.getJsonObject("message")));
      case "tool_call" -> toolCall(event);
      case "result" -> result(event);
      default -> { } // user echoes, and whatever later versions add
    }
  }

  private void assistant(String text) {
    if (text.isEmpty()) return;
    String seen = segment.toString();
    if (text.equals(seen)) return;
    if (!seen.isEmpty() && text.startsWith(seen)) {
      sink.delta(text.substring(seen.length()));
      segment.setLength(0);
      segment.append(text);
      return;
    }
    segment.append(text);
    sink.delta(text);
  }

  private void toolCall(JsonObject event) {
    segment.setLength(0);
    JsonObject call = event.getJsonObject("tool_call", new JsonObject());
    String kind = call.fieldNames().stream().findFirst().orElse("toolCall");
    JsonObject body = call.getJsonObject(kind, new JsonObject());
    String tool = kind.endsWith("ToolCall") ? kind.substring(0, kind.length() - "ToolCall".length()) : kind;
    if ("started".equals(event.getString("subtype"))) {
      sink.activity(tool + ": " + argsLine(body.getJsonObject("args", new JsonObject())));
    } else if ("completed".equals(event.getString("subtype"))) {
      JsonObject result = body.getJsonObject("result", new JsonObject());
      sink.activity(result.containsKey("error") || result.containsKey("failure") ? tool + " failed" : tool + " done");
    }
  }

  private void result(JsonObject event) {
    String text = event.getString("result");
    if (event.getBoolean("is_error", false) || !"success".equals(event.getString("subtype", "success"))) {
      outcome.tryComplete(TurnOutcome.failed("cursor-agent: " + (text == null ? event.getString("subtype") : text)));
    } else {
      outcome.tryComplete(TurnOutcome.completed(text));
    }
    if (child != null && vertx != null) vertx.setTimer(LINGER_MS, id -> child.kill());
  }

  private void exited(ProcessExit exit) {
    if (done()) return;
    if (cancelled) {
      outcome.tryComplete(TurnOutcome.cancelled());
      return;
    }
    String tail = exit.stderrTail().isEmpty() ? "no result" : String.join(" | ", exit.stderrTail());
    outcome.tryComplete(TurnOutcome.failed("cursor-agent exited (code " + exit.code() + "): " + tail));
  }

  private boolean done() { return outcome.future().isComplete(); }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  @Override
  public void cancel() {
    if (done() || cancelled) return;
    cancelled = true;
    if (child != null) child.kill();
  }

  private static String text(JsonObject message) {
    if (message == null) return "";
    Object content = message.getValue("content");
    if (content instanceof String s) return s;
    StringBuilder out = new StringBuilder();
    if (content instanceof JsonArray parts) {
      for (Object p : parts) {
        if (p instanceof JsonObject o && "text".equals(o.getString("type"))) out.append(o.getString("text", ""));
      }
    }
    return out.toString();
  }

  private static String argsLine(JsonObject args) {
    for (String key : new String[] {"command", "path", "pattern", "query"}) {
      if (args.getValue(key) instanceof String s) return CapoTurn.brief(s);
    }
    return CapoTurn.brief(args);
  }
}
