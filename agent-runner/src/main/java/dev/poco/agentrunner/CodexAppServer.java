package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live {@code codex app-server} process: handshake, threads it has loaded, and the turns running on
 * them. Notifications and server requests go to the turn of their threadId. Confined to the runner's context.
 */
final class CodexAppServer {
  private static final Logger log = LoggerFactory.getLogger(CodexAppServer.class);
  private static final long CLOSE_GRACE_MS = 2_000;
  /** A codex that never answers initialize would hold its turn (and linger) forever. */
  static final long INIT_TIMEOUT_MS = 30_000;

  final Path workdir;
  private final Vertx vertx;
  private final long idleMs;
  private final Consumer<CodexAppServer> onGone;
  private final JsonRpcPeer peer;
  private final Map<String, CodexTurn> turns = new HashMap<>();
  private final Set<String> loaded = new HashSet<>();
  private final Promise<CodexAppServer> ready = Promise.promise();
  private ChildProcess child;
  private ProcessExit exit;
  private boolean closing;
  private long idleTimer = -1;

  CodexAppServer(Vertx vertx, Path workdir, long idleMs, Consumer<CodexAppServer> onGone) {
    this.vertx = vertx;
    this.workdir = workdir;
    this.idleMs = idleMs;
    this.onGone = onGone;
    this.peer = new JsonRpcPeer("codex", line -> {
      if (child != null) child.write(line);
    }, false).onNotification(this::onNotification).onRequest(this::onRequest);
  }

  Future<CodexAppServer> start(ProcessSupervisor supervisor, ProcessSpec spec) {
    supervisor.spawn(spec, peer::accept).onFailure(err -> {
      onGone.accept(this);
      ready.tryFail(err);
    }).onSuccess(c -> {
      child = c;
      log.info("codex app-server started (pid {}) in {}", c.pid(), workdir);
      c.exit().onComplete(ar -> exited(ar.result()));
      JsonObject init = new JsonObject()
          .put("clientInfo", new JsonObject().put("name", "poco").put("title", "PoCo").put("version", "0.1.0"))
          .put("capabilities", new JsonObject().put("experimentalApi", false));
      long t = vertx.setTimer(INIT_TIMEOUT_MS, id -> {
        if (ready.tryFail("codex app-server did not answer initialize within " + INIT_TIMEOUT_MS / 1000 + " s")) kill();
      });
      ready.future().onComplete(ar -> vertx.cancelTimer(t));
      peer.request("initialize", init).onSuccess(r -> {
        // Written raw: "initialized" takes no params, and a null params field is not the same on the wire.
        child.write("{\"method\":\"initialized\"}");
        ready.tryComplete(this);
      }).onFailure(err -> {
        if (exit != null) {
          ready.tryFail(err);
          return;
        }
        // Alive but refusing the handshake: no use keeping it for the next turn.
        ready.tryFail("codex initialize failed: " + err.getMessage());
        kill();
      });
    });
    return ready.future();
  }

  Future<CodexAppServer> ready() { return ready.future(); }

  boolean usable() { return exit == null && !closing; }

  boolean idle() { return turns.isEmpty(); }

  Future<JsonObject> request(String method, JsonObject params) { return peer.request(method, params); }

  /** The thread to run on: already loaded here, resumed from CODEX_HOME, or new when resuming fails. */
  Future<String> openThread(TurnRequest request, JsonObject opts) {
    String saved = request.sessionId();
    if (saved != null && loaded.contains(saved)) return Future.succeededFuture(saved);
    JsonObject params = opts.copy().put("cwd", request.workdir().toString());
    Future<JsonObject> opened = saved == null ? peer.request("thread/start", params)
        : peer.request("thread/resume", params.copy().put("threadId", saved).put("excludeTurns", true))
            .recover(err -> {
              if (exit != null) return Future.failedFuture(err);
              log.warn("codex could not resume thread {} ({}), starting a new one", saved, err.getMessage());
              return peer.request("thread/start", params);
            });
    return opened.compose(r -> {
      String id = r.getJsonObject("thread", new JsonObject()).getString("id");
      if (id == null) return Future.failedFuture("codex answered " + r.encode() + " without a thread id");
      loaded.add(id);
      return Future.succeededFuture(id);
    });
  }

  void attach(String threadId, CodexTurn turn) {
    if (idleTimer != -1) vertx.cancelTimer(idleTimer);
    idleTimer = -1;
    turns.put(threadId, turn);
  }

  void detach(String threadId, CodexTurn turn) {
    turns.remove(threadId, turn);
    if (turns.isEmpty() && usable()) {
      idleTimer = vertx.setTimer(idleMs, id -> {
        idleTimer = -1;
        if (turns.isEmpty()) {
          log.info("codex app-server idle for {} s, stopping it", idleMs / 1000);
          close();
        }
      });
    }
  }

  /** Kills the process tree at once (a turn that would not stop). */
  void kill() {
    closing = true;
    onGone.accept(this);
    if (child != null) child.kill();
  }

  /** Closes stdin (Codex then exits), killing it if it lingers. */
  Future<Void> close() {
    closing = true;
    onGone.accept(this);
    if (idleTimer != -1) vertx.cancelTimer(idleTimer);
    if (child == null || exit != null) return Future.succeededFuture();
    child.closeStdin();
    long t = vertx.setTimer(CLOSE_GRACE_MS, id -> child.kill());
    return child.exit().onComplete(v -> vertx.cancelTimer(t)).mapEmpty();
  }

  private void exited(ProcessExit e) {
    exit = e;
    if (idleTimer != -1) vertx.cancelTimer(idleTimer);
    String why = describe(e);
    if (!closing) log.warn("{}", why);
    onGone.accept(this);
    peer.close(why);
    ready.tryFail(why);
    for (CodexTurn t : List.copyOf(turns.values())) t.processExited(why);
    turns.clear();
  }

  static String describe(ProcessExit e) {
    StringBuilder sb = new StringBuilder("codex exited (code ").append(e.code()).append(")");
    if (!e.stderrTail().isEmpty()) {
      sb.append(": ").append(String.join(" | ", e.stderrTail()).replaceAll("\u001B\\[[;\\d]*[A-Za-z]", ""));
    }
    return sb.toString();
  }

  private void onNotification(String method, JsonObject params) {
    CodexTurn t = turns.get(params.getString("threadId"));
    if (t != null) t.notification(method, params);
    else log.debug("codex: {} (no turn)", method);
  }

  private Future<JsonObject> onRequest(String method, JsonObject params) {
    CodexTurn t = turns.get(params.getString("threadId"));
    return t == null ? null : t.serverRequest(method, params);
  }
}
