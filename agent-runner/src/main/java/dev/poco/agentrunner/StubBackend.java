package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The in-process test agent: no child process, answers in microseconds. Prompt words steer it:
 * "Reply with exactly: X" answers X; SLOW sleeps first; ASK_APPROVAL asks to run a command;
 * FAIL fails the turn. Anything else is echoed.
 */
public final class StubBackend implements AgentBackend {
  public static final String NAME = "stub";

  private static final BackendInfo INFO = new BackendInfo(NAME, true, "builtin", "in-process test agent", true,
      List.of(new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)", "900", List.of())));

  private final Vertx vertx;
  private final long slowMs;
  private final long deltaMs;

  public StubBackend(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.slowMs = settings.integer(ConfigKeys.STUB_SLOW_SECONDS, 30) * 1000L;
    this.deltaMs = settings.integer(ConfigKeys.STUB_DELTA_MS, 0);
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Future<BackendInfo> probe() { return Future.succeededFuture(INFO); }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    StubTurn turn = new StubTurn(vertx, request, sink, slowMs, deltaMs);
    turn.run();
    return Future.succeededFuture(turn);
  }
}
