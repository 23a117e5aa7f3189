package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * The in-process test agent: no child process, answers in microseconds. Prompt words steer it:
 * "Reply with exactly: X" answers X; SLOW sleeps first; ASK_APPROVAL asks to run a command;
 * FAIL fails the turn; BIG:n answers n characters of {@link #bigText} in deltas (for memory tests and the bench);
 * STREAM:n streams n short lines, one per POCO_STUB_DELTA_MS (20 ms when unset), for the render bench.
 * Anything else is echoed.
 */
public final class StubBackend implements AgentBackend {
  public static final String NAME = "stub";

  private static final BackendInfo INFO = new BackendInfo(NAME, true, "builtin", "in-process test agent", true,
      List.of(new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)", "900", List.of())));

  /** The most a BIG answer produces: 64 Mi characters. */
  public static final long BIG_MAX_CHARS = 64L * 1024 * 1024;
  /** BIG lines: "BIG 0000000042 " then letters and digits, 100 characters with the newline. */
  private static final int BIG_LINE = 100;
  private static final String BIG_FILL = "abcdefghijklmnopqrstuvwxyz0123456789";

  private final Vertx vertx;
  private final long slowMs;
  private final long deltaMs;

  public StubBackend(Vertx vertx, Settings settings) {
    this.vertx = vertx;
    this.slowMs = settings.integer(ConfigKeys.STUB_SLOW_SECONDS, 30) * 1000L;
    this.deltaMs = settings.integer(ConfigKeys.STUB_DELTA_MS, 0);
  }

  /**
   * Characters {@code [from, from + length)} of the BIG answer, an ASCII text that depends only on the position, so
   * a test can check what it reads back without keeping what it sent.
   */
  public static String bigText(long from, int length) {
    StringBuilder sb = new StringBuilder(length + BIG_LINE);
    long line = from / BIG_LINE;
    int skip = (int) (from % BIG_LINE);
    while (sb.length() < length + skip) {
      appendLine(sb, line++);
    }
    return sb.substring(skip, skip + length);
  }

  private static void appendLine(StringBuilder sb, long line) {
    String no = Long.toString(line);
    sb.append("BIG ");
    for (int i = no.length(); i < 10; i++) sb.append('0');
    sb.append(no).append(' ');
    for (int col = 15; col < BIG_LINE - 1; col++) sb.append(BIG_FILL.charAt((int) ((col + line) % BIG_FILL.length())));
    sb.append('\n');
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
