package dev.poco.contract;

import java.util.Locale;

/** The task state machine: queued → running ⇄ waiting_confirmation → completed | failed | cancelled | interrupted. */
public enum TaskStatus {
  QUEUED("Queued"),
  RUNNING("Running"),
  WAITING_CONFIRMATION("Waiting"),
  COMPLETED("Done"),
  FAILED("Failed"),
  CANCELLED("Cancelled"),
  INTERRUPTED("Interrupted");

  private final String label;

  TaskStatus(String label) { this.label = label; }

  /** Wire name: lower snake case, as in the task JSON. */
  public String wire() { return name().toLowerCase(Locale.ROOT); }

  /** Short human label for card titles, e.g. "[Running]". */
  public String label() { return label; }

  public boolean terminal() {
    return this == COMPLETED || this == FAILED || this == CANCELLED || this == INTERRUPTED;
  }

  /** Holds the project's single active slot (nothing else of the project may run meanwhile). */
  public boolean active() { return this == RUNNING || this == WAITING_CONFIRMATION; }

  public static TaskStatus of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }
}
