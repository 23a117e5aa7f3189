package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * capo {@code --rpc}: one persistent process per project, kept between turns (see agents.md §3). A new
 * process starts when the old one died, the working dir or model changed, or a new session is asked for.
 */
public final class CapoBackend implements AgentBackend {
  public static final String NAME = "capo";
  /** Becomes the child's HOME (capo keeps its sessions under ~/.capo/agent). */
  public static final String HOME_KEY = "POCO_CAPO_HOME";
  /** Comma list of K=V added to the child's environment (API keys, base URLs); values are never logged. */
  public static final String ENV_KEY = "POCO_CAPO_ENV";

  private final Settings settings;
  private final ProcessSupervisor supervisor;
  private final CapoLaunch launch;
  private final Map<String, CapoProcess> byProject = new HashMap<>();

  public CapoBackend(Settings settings, ProcessSupervisor supervisor) {
    this.settings = settings;
    this.supervisor = supervisor;
    this.launch = new CapoLaunch(settings);
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Future<BackendInfo> probe() {
    List<BackendInfo.SettingSpec> specs = List.of(
        new BackendInfo.SettingSpec("model", "Model", settings.str(ConfigKeys.backendKey(NAME, "model"), ""), List.of()),
        new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)",
            settings.str(ConfigKeys.backendKey(NAME, "timeout_seconds"), "900"), List.of()));
    return supervisor.run(launch.version())
        .map(lines -> new BackendInfo(NAME, true, lines.isEmpty() ? "" : lines.get(0).trim(), null, true, specs))
        .otherwise(err -> new BackendInfo(NAME, false, null, launch.notReady(err.getMessage()), true, specs));
  }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    String model = new Settings(request.settings()).str("model", launch.defaultModel());
    CapoProcess live = byProject.get(request.projectId());
    if (live != null && !live.busy() && live.fits(request, model)) {
      return Future.<AgentTurn>succeededFuture(live.turn(request, sink));
    }
    // A process still busy with an abandoned turn cannot take this one: replace it, resuming the session.
    if (live != null) live.quit();
    CapoProcess fresh = new CapoProcess(supervisor.vertx(), request.workdir(), model, p -> byProject.remove(request.projectId(), p));
    byProject.put(request.projectId(), fresh);
    return supervisor.spawn(launch.rpc(request.workdir(), request.sessionId(), model), fresh::onLine)
        .<AgentTurn>map(child -> {
          fresh.attach(child);
          return fresh.turn(request, sink);
        })
        .onFailure(err -> byProject.remove(request.projectId(), fresh))
        .recover(err -> Future.failedFuture(launch.notReady(err.getMessage())));
  }

  @Override
  public Future<Void> close() {
    List<Future<ProcessExit>> exits = new java.util.ArrayList<>();
    for (CapoProcess p : List.copyOf(byProject.values())) exits.add(p.quit());
    byProject.clear();
    return Future.join(exits).mapEmpty();
  }
}
