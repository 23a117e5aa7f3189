package dev.poco.agentrunner;

import dev.poco.contract.TaskStatus;

/**
 * How a turn ended.
 *
 * @param status COMPLETED, FAILED, CANCELLED or INTERRUPTED
 * @param result the final answer text, or null to use the deltas streamed so far
 * @param error what went wrong, for FAILED
 */
public record TurnOutcome(TaskStatus status, String result, String error) {
  public static TurnOutcome completed(String result) { return new TurnOutcome(TaskStatus.COMPLETED, result, null); }

  public static TurnOutcome failed(String error) { return new TurnOutcome(TaskStatus.FAILED, null, error); }

  public static TurnOutcome cancelled() { return new TurnOutcome(TaskStatus.CANCELLED, null, null); }

  public static TurnOutcome interrupted(String error) { return new TurnOutcome(TaskStatus.INTERRUPTED, null, error); }
}
