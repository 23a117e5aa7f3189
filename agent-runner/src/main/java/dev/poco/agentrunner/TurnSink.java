package dev.poco.agentrunner;

import io.vertx.core.json.JsonObject;

/** What a backend reports while a turn runs. Called on the runner's context; calls after the turn ended are ignored. */
public interface TurnSink {
  /** The agent's session id, as soon as it is known (it is persisted at once so the turn can be resumed). */
  void session(String sessionId);

  /** More answer text; the runner coalesces deltas before they cross the bus. */
  void delta(String text);

  /** A tool call, command or file change, one line for the card. */
  void activity(String text);

  /** The agent asks permission; the answer comes through {@link AgentTurn#approve}. */
  void approval(Approval request);

  /** Token usage (input_tokens, output_tokens, ...) and cost (cost_usd) so far. */
  void usage(JsonObject usage);

  /**
   * What the turn changed so far, replacing any earlier summary: {files: [{path, added, removed}],
   * added, removed} (see {@link DiffSummary} to build it from a unified diff).
   */
  default void diff(JsonObject summary) { }

  /** The agent withdrew the question it asked (nothing else pending): the task runs on. */
  default void approvalWithdrawn() { }

  /**
   * True while more output than the orchestrator has taken is on its way: a backend that can wait (the stub; one that
   * can pause reading its agent) holds further deltas until {@link #whenDrained}.
   */
  default boolean congested() { return false; }

  /** Runs {@code then} once the sink is not congested (at once when it is not). */
  default void whenDrained(Runnable then) { then.run(); }
}
