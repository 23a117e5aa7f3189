package dev.poco.agentrunner;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live ACP agent for one project: the child, its JSON-RPC peer, what {@code initialize} told
 * us, and the sessions already open in it. Updates and permission requests go to the current turn;
 * nothing is forwarded while no turn listens (history replayed by {@code session/load}).
 */
final class AcpAgentProcess {
  private static final Logger log = LoggerFactory.getLogger(AcpAgentProcess.class);
  static final int PROTOCOL_VERSION = 1;

  /** The launch a process was started with: a turn whose launch differs needs a new process. */
  record Launch(List<String> command, Path cwd, Map<String, String> env) { }

  /** What a turn handles; called on the runner's context. */
  interface Listener {
    void update(String sessionId, JsonObject update);

    Future<JsonObject> permission(Object requestId, JsonObject params);

    void withdrawn(Object requestId);

    void exited(ProcessExit exit);
  }

  final String name;
  final Launch launch;
  private final Vertx vertx;
  private final ChildProcess child;
  private final JsonRpcPeer peer;
  private final Set<String> sessions = new HashSet<>();
  private JsonObject capabilities = new JsonObject();
  private Listener listener;
  private Object permissionId;
  private ProcessExit exit;
  private List<ProcessHandle> helpers = List.of();

  private AcpAgentProcess(Vertx vertx, String name, Launch launch, ChildProcess child) {
    this.vertx = vertx;
    this.name = name;
    this.launch = launch;
    this.child = child;
    this.peer = new JsonRpcPeer(name, line -> child.write(line)
        .onFailure(err -> log.debug("{}: write failed: {}", name, err.getMessage())), true);
    peer.onNotification(this::onNotification).onRequest(this::onRequest);
  }

  /** Spawns the agent and completes once {@code initialize} agreed on protocol version 1. */
  static Future<AcpAgentProcess> start(ProcessSupervisor supervisor, String name, Launch launch) {
    AcpAgentProcess[] self = new AcpAgentProcess[1];
    ProcessSpec spec = new ProcessSpec(launch.command(), launch.cwd(), launch.env(), null);
    return supervisor.spawn(spec, line -> self[0].onLine(line)).compose(child -> {
      AcpAgentProcess p = new AcpAgentProcess(supervisor.vertx(), name, launch, child);
      self[0] = p;
      child.exit().onComplete(ar -> p.exited(ar.result()));
      return p.initialize().recover(err -> child.kill().compose(x -> Future.failedFuture(err)));
    });
  }

  private Future<AcpAgentProcess> initialize() {
    JsonObject params = new JsonObject().put("protocolVersion", PROTOCOL_VERSION)
        .put("clientCapabilities", new JsonObject()
            .put("fs", new JsonObject().put("readTextFile", false).put("writeTextFile", false))
            .put("terminal", false))
        .put("clientInfo", new JsonObject().put("name", "poco").put("title", "PoCo").put("version", "0.1.0"));
    return peer.request("initialize", params).compose(r -> {
      Object version = r.getValue("protocolVersion");
      if (!(version instanceof Number n) || n.intValue() != PROTOCOL_VERSION) {
        return Future.failedFuture(name + " speaks ACP protocol version " + version + ", PoCo needs "
            + PROTOCOL_VERSION);
      }
      capabilities = r.getJsonObject("agentCapabilities", new JsonObject());
      log.info("{} (pid {}) ready: {}", name, child.pid(), r.getJsonObject("agentInfo", new JsonObject()).encode());
      noteHelpers();
      return Future.succeededFuture(this);
    }, err -> Future.failedFuture(exit != null ? name + " exited during initialize: " + exit.describe()
        : name + " initialize failed: " + err.getMessage()));
  }

  boolean alive() { return exit == null; }

  boolean canLoad() { return capabilities.getBoolean("loadSession", false); }

  boolean canResume() {
    JsonObject session = capabilities.getJsonObject("sessionCapabilities", new JsonObject());
    return session.getValue("resume") != null && !Boolean.FALSE.equals(session.getValue("resume"));
  }

  boolean hasSession(String sessionId) { return sessions.contains(sessionId); }

  void opened(String sessionId) { sessions.add(sessionId); }

  void listen(Listener l) { listener = l; }

  void unlisten(Listener l) {
    if (listener == l) listener = null;
  }

  Future<JsonObject> request(String method, JsonObject params) { return peer.request(method, params); }

  void notify(String method, JsonObject params) { peer.notify(method, params); }

  Future<ProcessExit> kill() { return child.kill(); }

  /**
   * Kills the agent and waits (bounded) for the helpers it started too: codex-acp's app-server goes on
   * writing its SQLite files for a moment, and a new agent on the same state dir must not race it.
   */
  Future<Void> stop() {
    List<ProcessHandle> tree = helpers;
    return child.kill().compose(e -> Future.fromCompletionStage(CompletableFuture
        .allOf(tree.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, 10, TimeUnit.SECONDS), vertx.getOrCreateContext())).mapEmpty();
  }

  private void noteHelpers() {
    long pid = child.pid();
    vertx.executeBlocking(() -> ProcessHandle.of(pid).map(h -> h.descendants().toList())
        .orElse(List.<ProcessHandle>of()), false).onSuccess(tree -> helpers = tree);
  }

  Future<ProcessExit> exit() { return child.exit(); }

  private void onLine(String line) {
    // JsonRpcPeer hides a request's id from its handler; $/cancel_request names it, so note it here.
    permissionId = null;
    if (line.contains("session/request_permission")) {
      try {
        permissionId = new JsonObject(line).getValue("id");
      } catch (DecodeException | ClassCastException e) {
        // not JSON: the peer logs and skips it
      }
    }
    peer.accept(line);
  }

  private void onNotification(String method, JsonObject params) {
    Listener l = listener;
    if ("session/update".equals(method)) {
      if (l != null) l.update(params.getString("sessionId"), params.getJsonObject("update", new JsonObject()));
    } else if ("$/cancel_request".equals(method)) {
      if (l != null) l.withdrawn(params.getValue("requestId"));
    } else {
      log.debug("{}: ignoring notification {}", name, method);
    }
  }

  private Future<JsonObject> onRequest(String method, JsonObject params) {
    if (!"session/request_permission".equals(method)) return null;
    Listener l = listener;
    if (l == null) return Future.succeededFuture(AcpTurn.cancelledOutcome());
    return l.permission(permissionId, params);
  }

  private void exited(ProcessExit e) {
    exit = e;
    peer.close(name + " exited: " + e.describe());
    if (e.killed()) log.info("{} (pid {}) stopped", name, child.pid());
    else log.warn("{} (pid {}) exited: {}", name, child.pid(), e.describe());
    Listener l = listener;
    if (l != null) l.exited(e);
  }
}
