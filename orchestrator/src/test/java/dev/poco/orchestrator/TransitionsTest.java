package dev.poco.orchestrator;

import static dev.poco.contract.TaskStatus.CANCELLED;
import static dev.poco.contract.TaskStatus.COMPLETED;
import static dev.poco.contract.TaskStatus.FAILED;
import static dev.poco.contract.TaskStatus.INTERRUPTED;
import static dev.poco.contract.TaskStatus.QUEUED;
import static dev.poco.contract.TaskStatus.RUNNING;
import static dev.poco.contract.TaskStatus.WAITING_CONFIRMATION;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The task state transition table")
class TransitionsTest {

  @Test
  @DisplayName("lists exactly the state changes the engine makes; ended tasks never change")
  void table() {
    assertThat(Transitions.from(QUEUED))
        .containsExactlyInAnyOrder(RUNNING, WAITING_CONFIRMATION, COMPLETED, FAILED, CANCELLED, INTERRUPTED);
    assertThat(Transitions.from(RUNNING))
        .containsExactlyInAnyOrder(WAITING_CONFIRMATION, QUEUED, COMPLETED, FAILED, CANCELLED, INTERRUPTED);
    assertThat(Transitions.from(WAITING_CONFIRMATION))
        .containsExactlyInAnyOrder(RUNNING, QUEUED, COMPLETED, FAILED, CANCELLED, INTERRUPTED);
    for (TaskStatus end : new TaskStatus[] {COMPLETED, FAILED, CANCELLED, INTERRUPTED}) {
      assertThat(Transitions.from(end)).as("from %s", end).isEmpty();
    }
  }

  @Test
  @DisplayName("keeping a state is always allowed; a task not yet held may take any state")
  void sameAndNew() {
    for (TaskStatus s : TaskStatus.values()) {
      assertThat(Transitions.allowed(s, s)).isTrue();
      assertThat(Transitions.allowed(null, s)).isTrue();
    }
    assertThat(Transitions.allowed(COMPLETED, RUNNING)).isFalse();
    assertThat(Transitions.allowed(CANCELLED, FAILED)).isFalse();
    assertThat(Transitions.allowed(QUEUED, CANCELLED)).isTrue();
  }
}
