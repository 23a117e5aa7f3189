package dev.poco.agentrunner;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.FsRequest;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.StartTask;
import dev.poco.contract.TaskControl;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runner role: runs agent turns for the orchestrator, streams their events, answers directory
 * browsing on this machine, and tells everyone by heartbeat what it can run.
 */
public class RunnerVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RunnerVerticle.class);

  private Settings settings;
  private RunnerConfig cfg;
  private String nodeId;
  private ProcessSupervisor supervisor;
  private Map<String, AgentBackend> backends;
  private final Map<String, BackendInfo> infos = new LinkedHashMap<>();
  private WorkdirRoots roots;
  private final Map<String, TurnRun> running = new LinkedHashMap<>();
  /** Finished here, outcome not yet acknowledged by the orchestrator: still claimed in heartbeats. */
  private final Map<String, TurnRun> undelivered = new LinkedHashMap<>();
  private final long startedAt = System.currentTimeMillis();
  private long periodic = -1;
  private long heartbeatTimer = -1;
  private long lastHeartbeatAt;
  private boolean stopping;

  @Override
  public Future<?> start() {
    settings = new Settings(config());
    cfg = RunnerConfig.from(settings, vertx.isClustered());
    nodeId = vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId() : "local";
    supervisor = new ProcessSupervisor(vertx, cfg.killGraceMs());
    backends = createBackends(settings, supervisor);
    Future<WorkdirRoots> resolved = vertx.executeBlocking(() -> WorkdirRoots.resolve(cfg.roots(), cfg.home()), false);
    return Future.all(resolved, probeAll()).compose(v -> {
      roots = resolved.result();
      EventBus bus = vertx.eventBus();
      return Future.all(List.of(
          bus.<JsonObject>consumer(Addresses.runnerStart(cfg.runnerId()), this::onStart).completion(),
          bus.<JsonObject>consumer(Addresses.runnerControl(cfg.runnerId()), this::onControl).completion(),
          bus.<JsonObject>consumer(Addresses.runnerFs(cfg.runnerId()), this::onFs).completion(),
          bus.consumer(Addresses.RUNNER_DISCOVER, m -> onDiscover()).completion()));
    }).map(v -> {
      publishHeartbeat();
      periodic = vertx.setPeriodic(cfg.heartbeatMs(), id -> publishHeartbeat());
      log.info("runner {} up: backends {}, roots {}, max {} tasks", cfg.runnerId(), infos.keySet(), roots.names(),
          cfg.maxTasks());
      return v;
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(periodic);
    vertx.cancelTimer(heartbeatTimer);
    for (TurnRun run : List.copyOf(running.values())) run.interrupt("runner " + cfg.runnerId() + " stopped");
    List<Future<Void>> closing = new ArrayList<>();
    for (AgentBackend b : backends.values()) closing.add(b.close());
    closing.add(supervisor.close());
    return Future.join(closing);
  }

  /** The backends this runner offers; tests override it to plug in fakes. */
  protected Map<String, AgentBackend> createBackends(Settings settings, ProcessSupervisor supervisor) {
    return Backends.create(vertx, settings, supervisor);
  }

  private Future<Void> probeAll() {
    List<Future<BackendInfo>> probes = new ArrayList<>();
    for (AgentBackend b : backends.values()) {
      probes.add(b.probe().recover(err -> Future.succeededFuture(
          new BackendInfo(b.name(), false, null, b.name() + " probe failed: " + err.getMessage(), false, List.of()))));
    }
    return Future.all(probes).map(all -> {
      for (Future<BackendInfo> p : probes) infos.put(p.result().name(), p.result());
      return null;
    });
  }

  private void onStart(Message<JsonObject> msg) {
    StartTask task;
    AgentBackend backend;
    int timeoutSeconds;
    try {
      task = StartTask.fromJson(msg.body());
      backend = readyBackend(task.backend());
      timeoutSeconds = RunnerConfig.timeoutSeconds(settings, task.backend(), task.settings());
    } catch (RuntimeException e) {
      Bus.fail(msg, e);
      return;
    }
    vertx.executeBlocking(() -> roots.check(task.workdir()), false).onComplete(checked -> {
      if (checked.failed()) {
        Bus.fail(msg, checked.cause());
      } else if (stopping) {
        msg.fail(Failures.UNAVAILABLE, "runner " + cfg.runnerId() + " is stopping");
      } else if (running.containsKey(task.taskId())) {
        msg.fail(Failures.CONFLICT, "task " + task.taskId() + " is already running on runner " + cfg.runnerId());
      } else if (running.size() >= cfg.maxTasks()) {
        msg.fail(Failures.UNAVAILABLE, "runner " + cfg.runnerId() + " is full (" + cfg.maxTasks() + " tasks)");
      } else {
        msg.reply(new JsonObject().put("accepted", true));
        TurnRun run = new TurnRun(vertx, task.taskId(), cfg.runnerId(), cfg.coalesceMs(), cfg.cancelGraceMs(),
            this::finished, this::delivered);
        running.put(task.taskId(), run);
        heartbeatSoon();
        run.begin(backend, new TurnRequest(task.taskId(), task.projectId(), task.prompt(), checked.result(),
            task.sessionId(), task.settings()), timeoutSeconds);
      }
    });
  }

  private AgentBackend readyBackend(String name) {
    AgentBackend backend = backends.get(name);
    if (backend == null) {
      throw new IllegalArgumentException("unknown backend '" + name + "' (runner " + cfg.runnerId() + " offers: "
          + String.join(", ", backends.keySet()) + ")");
    }
    BackendInfo info = infos.get(name);
    if (!info.ready()) {
      throw new IllegalArgumentException(info.detail() != null ? info.detail() : name + " is not ready");
    }
    return backend;
  }

  private void finished(TurnRun run) {
    running.remove(run.taskId(), run);
    undelivered.put(run.taskId(), run);
    heartbeatSoon();
  }

  private void delivered(TurnRun run) {
    if (undelivered.remove(run.taskId(), run)) heartbeatSoon();
  }

  /**
   * An orchestrator (re)started and asks who is there: answer, and resend the outcomes it has not
   * acknowledged, since it is now ready to take them (it asks only after loading the tasks to settle).
   */
  private void onDiscover() {
    publishHeartbeat();
    for (TurnRun run : List.copyOf(undelivered.values())) run.resendOutcome();
  }

  private void onControl(Message<JsonObject> msg) {
    TaskControl control;
    try {
      control = TaskControl.fromJson(msg.body());
    } catch (RuntimeException e) {
      Bus.fail(msg, e);
      return;
    }
    TurnRun run = running.get(control.taskId());
    if (run == null) {
      msg.fail(Failures.NOT_FOUND, "task " + control.taskId() + " is not running on runner " + cfg.runnerId());
      return;
    }
    ApprovalDecision decision = ApprovalDecision.ofAction(control.action());
    Future<Void> done;
    if (decision != null) {
      done = run.approve(decision);
    } else if (TaskControl.CANCEL.equals(control.action())) {
      run.cancel();
      done = Future.succeededFuture();
    } else if (TaskControl.STEER.equals(control.action())) {
      done = control.text() == null || control.text().isBlank()
          ? Future.failedFuture(new IllegalArgumentException("steer needs a text"))
          : run.steer(control.text());
    } else {
      done = Future.failedFuture(new IllegalArgumentException("unknown action '" + control.action() + "'"));
    }
    done.onSuccess(v -> msg.reply(new JsonObject().put("ok", true))).onFailure(err -> Bus.fail(msg, err));
  }

  private void onFs(Message<JsonObject> msg) {
    FsRequest request;
    try {
      request = FsRequest.fromJson(msg.body() == null ? new JsonObject() : msg.body());
    } catch (RuntimeException e) {
      Bus.fail(msg, e);
      return;
    }
    boolean list = FsRequest.LIST.equals(request.op());
    if (!list && !FsRequest.RESOLVE.equals(request.op())) {
      msg.fail(Failures.BAD_REQUEST, "unknown fs op '" + request.op() + "' (list or resolve)");
      return;
    }
    vertx.executeBlocking(() -> roots.list(request.path(), list), false)
        .onSuccess(listing -> msg.reply(listing.toJson()))
        .onFailure(err -> Bus.fail(msg, err));
  }

  private void heartbeatSoon() {
    if (stopping || heartbeatTimer != -1) return;
    long wait = lastHeartbeatAt + TimeUnit.MILLISECONDS.toNanos(cfg.heartbeatGapMs()) - System.nanoTime();
    if (wait <= 0) {
      publishHeartbeat();
    } else {
      heartbeatTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
        heartbeatTimer = -1;
        publishHeartbeat();
      });
    }
  }

  private List<String> claimed() {
    List<String> ids = new ArrayList<>(running.keySet());
    for (String id : undelivered.keySet()) if (!running.containsKey(id)) ids.add(id);
    return ids;
  }

  private void publishHeartbeat() {
    if (stopping) return;
    lastHeartbeatAt = System.nanoTime();
    Heartbeat beat = new Heartbeat(cfg.runnerId(), nodeId, List.copyOf(infos.values()), cfg.maxTasks(),
        Math.max(0, cfg.maxTasks() - running.size()), claimed(), roots.names(),
        System.currentTimeMillis(), startedAt);
    vertx.eventBus().publish(Addresses.RUNNER_HEARTBEAT, beat.toJson());
  }
}
