package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import io.vertx.core.Future;

/**
 * One agent CLI (or the in-process stub) as the runner drives it.
 *
 * <p>Threading: the runner calls every method on its own verticle context, and a backend calls its
 * {@link TurnSink} and completes its futures on that same context (ProcessSupervisor delivers child
 * output there). A backend may keep a live process per project and reuse it across turns; it then
 * closes those processes in {@link #close()}.
 */
public interface AgentBackend {
  /** The wire name: codex, claude_code, cursor_agent, coco, capo, stub. */
  String name();

  /** Readiness: command found and its version, the settings it accepts, whether it asks approvals. Never fails. */
  Future<BackendInfo> probe();

  /**
   * Runs one turn. Sink callbacks may start before the returned future completes (a session id is often
   * known before the turn is under way). The future fails when the turn could not start at all.
   */
  Future<AgentTurn> start(TurnRequest request, TurnSink sink);

  /** Stops whatever the backend keeps alive between turns. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
