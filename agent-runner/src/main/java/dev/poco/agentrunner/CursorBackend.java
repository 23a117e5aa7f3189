package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import java.util.List;

/**
 * Cursor Agent CLI in print mode: one {@code cursor-agent -p --output-format stream-json} process per
 * turn, resumed with {@code --resume <chatId>} (agents.md §4). It has no approval channel.
 */
public final class CursorBackend implements AgentBackend {
  public static final String NAME = "cursor_agent";
  /** Becomes the child's HOME (cursor-agent keeps its chats and config there). */
  public static final String HOME_KEY = "POCO_CURSOR_HOME";
  /** Comma list of K=V added to the child's environment (CURSOR_API_KEY, ...); values are never logged. */
  public static final String ENV_KEY = "POCO_CURSOR_ENV";
  static final String NO_APPROVALS = "cursor-agent has no approval channel: it runs with its own permission settings";

  private final ProcessSupervisor supervisor;
  private final CursorLaunch launch;

  public CursorBackend(Settings settings, ProcessSupervisor supervisor) {
    this.supervisor = supervisor;
    this.launch = new CursorLaunch(settings);
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Future<BackendInfo> probe() {
    List<BackendInfo.SettingSpec> specs = List.of(
        new BackendInfo.SettingSpec("model", "Model", launch.setting("model", "auto"), List.of()),
        new BackendInfo.SettingSpec("mode", "Mode", launch.setting("mode", "default"), CursorLaunch.MODES),
        new BackendInfo.SettingSpec("sandbox", "Sandbox", launch.setting("sandbox", "default"), CursorLaunch.SANDBOXES),
        new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)", launch.setting("timeout_seconds", "900"),
            List.of()));
    return supervisor.run(launch.version())
        .map(lines -> new BackendInfo(NAME, true, lines.isEmpty() ? "" : lines.get(0).trim(), null, false, specs))
        .otherwise(err -> new BackendInfo(NAME, false, null, launch.notReady(err.getMessage()), false, specs));
  }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    CursorTurn turn = new CursorTurn(supervisor.vertx(), sink);
    return supervisor.spawn(launch.turn(request), turn::onLine)
        .recover(err -> Future.failedFuture(launch.notReady(err.getMessage())))
        .<AgentTurn>map(child -> {
          if (launch.wouldAsk(request)) sink.activity(NO_APPROVALS);
          turn.attach(child);
          return turn;
        });
  }
}
