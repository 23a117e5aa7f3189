package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One live {@code claude} stream-json process: routes its lines to the running turn, one turn at a time. */
final class ClaudeProcess {
  private static final Logger log = LoggerFactory.getLogger(ClaudeProcess.class);
  /** How long closed stdin may take to end the process before it is killed. */
  private static final long SHUTDOWN_MS = 3_000;

  private final Vertx vertx;
  private final Path workdir;
  private final String model;
  private final String mode;
  private final BiConsumer<String, Path> onSession;
  private final java.util.function.Consumer<String> onLost;
  private final String resumed;
  private ChildProcess child;
  private String sessionId;
  private ClaudeTurn current;
  private boolean exited;
  private int requests;

  ClaudeProcess(Vertx vertx, Path workdir, String sessionId, String model, String mode,
      BiConsumer<String, Path> onSession, java.util.function.Consumer<String> onLost) {
    this.vertx = vertx;
    this.workdir = workdir;
    this.sessionId = sessionId;
    this.model = model;
    this.mode = mode;
    this.onSession = onSession;
    this.onLost = onLost;
    this.resumed = sessionId;
  }

  Path workdir() { return workdir; }

  String sessionId() { return sessionId; }

  Vertx vertx() { return vertx; }

  void attach(ChildProcess child, Runnable onExit) {
    this.child = child;
    child.exit().onComplete(ar -> {
      exited = true;
      onExit.run();
      ProcessExit exit = ar.result();
      if (current != null) current.exited(exit);
      current = null;
    });
  }

  boolean reusable(Path dir, String session, String wantModel, String wantMode) {
    return !exited && child != null && child.alive() && current == null && workdir.equals(dir)
        && Objects.equals(sessionId, session) && Objects.equals(model, wantModel) && Objects.equals(mode, wantMode);
  }

  ClaudeTurn turn(String prompt, TurnSink sink) {
    ClaudeTurn turn = new ClaudeTurn(this, sink);
    current = turn;
    JsonObject content = new JsonObject().put("type", "text").put("text", prompt);
    JsonObject user = new JsonObject().put("type", "user")
        .put("message", new JsonObject().put("role", "user").put("content", new io.vertx.core.json.JsonArray().add(content)))
        .put("parent_tool_use_id", (Object) null).put("session_id", sessionId == null ? "" : sessionId);
    write(user).onFailure(err -> turn.broken("cannot write to claude: " + err.getMessage()));
    return turn;
  }

  String nextRequestId() { return "poco_req_" + (++requests); }

  Future<Void> write(JsonObject line) {
    if (child == null || exited) return Future.failedFuture("claude is not running");
    return child.write(line.encode());
  }

  void kill() {
    if (child != null && !exited) child.kill();
  }

  void ended(ClaudeTurn turn) {
    if (current == turn) current = null;
  }

  /** claude said it has no such session (deleted, or another HOME): remember it so the next turn starts afresh. */
  void resumeFailed() {
    if (resumed != null) onLost.accept(resumed);
  }

  void sessionSeen(String id) {
    if (id == null || id.isEmpty()) return;
    sessionId = id;
    onSession.accept(id, workdir);
  }

  void onLine(String line) {
    if (line.isBlank()) return;
    JsonObject msg;
    try {
      msg = new JsonObject(line);
    } catch (DecodeException | ClassCastException e) {
      log.warn("claude printed a line that is not JSON, skipped: {}", abbreviate(line));
      return;
    }
    if (current != null) {
      current.handle(msg);
    } else if ("control_request".equals(msg.getString("type"))) {
      refuse(msg, "no turn is running");
    } else {
      log.debug("claude line outside a turn: {}", msg.getString("type"));
    }
  }

  void refuse(JsonObject request, String why) {
    write(new JsonObject().put("type", "control_response").put("response", new JsonObject()
        .put("subtype", "error").put("request_id", request.getString("request_id")).put("error", why)));
  }

  /** Closes stdin (claude then exits), killing it if it lingers. */
  Future<Void> shutdown() {
    if (child == null || exited) return Future.succeededFuture();
    if (current != null) current.cancel();
    child.closeStdin();
    long timer = vertx.setTimer(SHUTDOWN_MS, id -> kill());
    return child.exit().onComplete(v -> vertx.cancelTimer(timer)).mapEmpty();
  }

  static String abbreviate(String s) {
    if (s == null) return "";
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= 120 ? one : one.substring(0, 117) + "...";
  }
}
