package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One live {@code capo --rpc} process: its session line, then events routed to the turn under way. */
final class CapoProcess {
  private static final Logger log = LoggerFactory.getLogger(CapoProcess.class);

  private final Vertx vertx;
  private final Path workdir;
  private final String model;
  private final Consumer<CapoProcess> onGone;
  private ChildProcess child;
  private String sessionId;
  private CapoTurn turn;

  CapoProcess(Vertx vertx, Path workdir, String model, Consumer<CapoProcess> onGone) {
    this.vertx = vertx;
    this.workdir = workdir;
    this.model = model;
    this.onGone = onGone;
  }

  void attach(ChildProcess child) {
    this.child = child;
    child.exit().onComplete(ar -> {
      onGone.accept(this);
      if (turn != null) turn.processExited(ar.result());
      turn = null;
    });
  }

  boolean busy() { return turn != null && !turn.done(); }

  /** Reusable for this request: alive, same dir and model, and continuing the session it already has. */
  boolean fits(TurnRequest request, String wantedModel) {
    return child != null && child.alive() && workdir.equals(request.workdir()) && Objects.equals(model, wantedModel)
        && sessionId != null && sessionId.equals(request.sessionId());
  }

  CapoTurn turn(TurnRequest request, TurnSink sink) {
    turn = new CapoTurn(vertx, child, sink);
    if (sessionId != null) sink.session(sessionId);
    turn.send(request.prompt());
    return turn;
  }

  /** Asks capo to quit (closing stdin also works), killing it if it lingers. */
  Future<ProcessExit> quit() {
    if (child == null) return Future.succeededFuture();
    child.write(new JsonObject().put("type", "quit").encode());
    child.closeStdin();
    // A clean quit lets capo save its session; a lingering process is killed.
    vertx.setTimer(1_000, id -> child.kill());
    return child.exit();
  }

  void onLine(String line) {
    JsonObject event;
    try {
      event = new JsonObject(line);
    } catch (RuntimeException notJson) {
      log.warn("capo printed a line that is not JSON ({} chars); skipped", line.length());
      return;
    }
    String type = String.valueOf(event.getValue("type"));
    if ("session".equals(type)) {
      sessionId = event.getString("session_id");
      log.debug("capo session {} in {}", sessionId, workdir);
      if (turn != null && !turn.done()) turn.session(sessionId);
    } else if (turn != null) {
      turn.on(type, event.getValue("payload"));
    }
  }
}
