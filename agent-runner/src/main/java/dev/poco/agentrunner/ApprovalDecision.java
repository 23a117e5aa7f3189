package dev.poco.agentrunner;

import dev.poco.contract.TaskControl;

/** The user's answer to an approval request. */
public enum ApprovalDecision {
  APPROVE(TaskControl.APPROVE),
  APPROVE_SESSION(TaskControl.APPROVE_SESSION),
  REJECT(TaskControl.REJECT);

  private final String wire;

  ApprovalDecision(String wire) { this.wire = wire; }

  public String wire() { return wire; }

  public boolean approved() { return this != REJECT; }

  /** The decision a TaskControl action names, or null when the action is not an approval answer. */
  public static ApprovalDecision ofAction(String action) {
    for (ApprovalDecision d : values()) if (d.wire.equals(action)) return d;
    return null;
  }
}
