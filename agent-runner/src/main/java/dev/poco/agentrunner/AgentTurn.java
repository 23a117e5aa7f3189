package dev.poco.agentrunner;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;

/** A running turn: answer its approval, steer it, cancel it, and learn how it ended. */
public interface AgentTurn {
  /** Completes exactly once, when the turn ends for whatever reason (including after {@link #cancel()}). */
  Future<TurnOutcome> outcome();

  /** Answers the pending approval request; fails with 409 when none is pending. */
  default Future<Void> approve(ApprovalDecision decision) {
    return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
  }

  /** Adds a user message to the running turn; fails with 409 when the agent cannot be steered. */
  default Future<Void> steer(String text) {
    return Future.failedFuture(Bus.error(Failures.CONFLICT, "this agent cannot be steered mid-turn"));
  }

  /** Stops the turn promptly (interrupt, escalating to a kill); {@link #outcome()} follows. Idempotent. */
  void cancel();
}
