package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Any agent that speaks the Agent Client Protocol, described by an {@link AcpAgentSpec}. One live
 * agent process per project (cwd = its working dir), reused across turns and restarted when its
 * command line, env or working dir changes.
 */
public final class AcpBackend implements AgentBackend {
  private static final Logger log = LoggerFactory.getLogger(AcpBackend.class);
  private static final long PROBE_MS = 10_000;

  private final Vertx vertx;
  private final Settings config;
  private final ProcessSupervisor supervisor;
  private final AcpAgentSpec spec;
  private final Map<String, Future<AcpAgentProcess>> agents = new HashMap<>();

  public AcpBackend(Vertx vertx, Settings config, ProcessSupervisor supervisor, AcpAgentSpec spec) {
    this.vertx = vertx;
    this.config = config;
    this.supervisor = supervisor;
    this.spec = spec;
  }

  @Override
  public String name() { return spec.name(); }

  /** {@code <command> --version} with stdin closed; a command without --version is ready when it starts at all. */
  @Override
  public Future<BackendInfo> probe() {
    List<String> cmd;
    Map<String, String> env;
    try {
      cmd = List.of(spec.command(config).get(0), "--version");
      env = spec.env(config);
    } catch (RuntimeException e) {
      return Future.succeededFuture(info(false, null, e.getMessage()));
    }
    List<String> lines = new ArrayList<>();
    Promise<BackendInfo> done = Promise.promise();
    supervisor.spawn(new ProcessSpec(cmd, null, env, null), lines::add).onComplete(spawned -> {
      if (spawned.failed()) {
        done.complete(info(false, null, spec.notFound(config)));
        return;
      }
      ChildProcess child = spawned.result();
      child.closeStdin();
      long timer = vertx.setTimer(PROBE_MS, id -> child.kill());
      child.exit().onComplete(ar -> {
        vertx.cancelTimer(timer);
        String version = ar.result().ok() ? lines.stream().map(String::strip).filter(s -> !s.isEmpty())
            .findFirst().orElse(null) : null;
        done.complete(info(true, version, spec.description()));
      });
    });
    return done.future();
  }

  private BackendInfo info(boolean ready, String version, String detail) {
    return new BackendInfo(spec.name(), ready, version, detail, true, spec.settings());
  }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    AcpAgentProcess.Launch launch;
    try {
      launch = new AcpAgentProcess.Launch(spec.launch(config, request.settings()), request.workdir(),
          spec.env(config));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return agent(request.projectId(), launch).map(agent -> {
      AcpTurn turn = new AcpTurn(vertx, agent, request, sink);
      turn.run();
      return (AgentTurn) turn;
    }).recover(err -> Future.failedFuture(err.getMessage() != null && err.getMessage().startsWith("command not found")
        ? new IllegalStateException(spec.notFound(config)) : err));
  }

  private Future<AcpAgentProcess> agent(String projectId, AcpAgentProcess.Launch launch) {
    Future<AcpAgentProcess> live = agents.get(projectId);
    if (live != null && !live.isComplete()) return live.transform(ar -> agent(projectId, launch));
    if (live != null && live.succeeded() && live.result().alive() && live.result().launch.equals(launch)) return live;
    if (live != null && live.succeeded()) {
      log.info("{}: project {} gets a new agent process (launch changed or the old one ended)", spec.name(), projectId);
      live.result().kill();
    }
    Future<AcpAgentProcess> started = AcpAgentProcess.start(supervisor, spec.name(), launch);
    agents.put(projectId, started);
    started.onComplete(ar -> {
      if (ar.failed()) agents.remove(projectId, started);
      else ar.result().exit().onComplete(x -> agents.remove(projectId, started));
    });
    return started;
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> exits = new ArrayList<>();
    for (Future<AcpAgentProcess> f : List.copyOf(agents.values())) if (f.succeeded()) exits.add(f.result().stop());
    agents.clear();
    return Future.join(exits).mapEmpty();
  }
}
