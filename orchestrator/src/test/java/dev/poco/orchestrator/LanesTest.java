package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Lanes: per-project lines, slot waiters and runner placement")
class LanesTest {

  private static Task queued(String id) {
    return new Task.Builder().taskId(id).projectId("p").prompt("x").status(TaskStatus.QUEUED).build();
  }

  @Test
  @DisplayName("ahead counts the active task and the queue before a queued one; leave and toFront reorder")
  void ahead() {
    Lanes lanes = new Lanes();
    Lanes.Lane lane = lanes.lane("p");
    lane.queue.add("a");
    lane.queue.add("b");
    lane.queue.add("c");
    assertThat(lanes.ahead(queued("c"))).isEqualTo(2);
    lane.activateHead();
    assertThat(lanes.activeId("p")).isEqualTo("a");
    assertThat(lanes.ahead(queued("c"))).isEqualTo(2); // a active, b before it
    lanes.leave("p", "b");
    assertThat(lanes.ahead(queued("c"))).isEqualTo(1);
    lanes.toFront("p", "a"); // the active one goes back to the head
    assertThat(lanes.activeId("p")).isNull();
    assertThat(lane.queue).containsExactly("a", "c");
    assertThat(lanes.queueDepths()).containsEntry("p", 2);
    assertThat(lanes.ahead(queued("unknown").toBuilder().projectId("q").build())).isZero();
  }

  @Test
  @DisplayName("placement counts load per runner once per task; waiters keep their order")
  void placement() {
    Lanes lanes = new Lanes();
    lanes.place("t1", "r1");
    lanes.place("t1", "r1");
    lanes.place("t2", "r1");
    assertThat(lanes.load()).containsEntry("r1", 2);
    assertThat(lanes.unplace("t1")).isTrue();
    assertThat(lanes.unplace("t1")).isFalse();
    assertThat(lanes.placed("t2")).isTrue();
    assertThat(lanes.load()).containsEntry("r1", 1);

    lanes.waitForSlot("p2");
    lanes.waitForSlot("p1");
    lanes.waitForSlot("p2");
    assertThat(lanes.waitingForSlot()).containsExactly("p2", "p1");
    lanes.lane("p1");
    lanes.remove("p1");
    assertThat(lanes.waitingForSlot()).containsExactly("p2");
    assertThat(lanes.projects()).isEmpty();
  }
}
