package dev.poco.orchestrator;

import static dev.poco.contract.TaskStatus.QUEUED;
import static dev.poco.contract.TaskStatus.RUNNING;
import static dev.poco.contract.TaskStatus.WAITING_CONFIRMATION;

import dev.poco.contract.Heartbeat;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a restart left, and runners that went away: loads unfinished tasks back into their lanes, holds the ones
 * found running until their runner says whether it still has them (its beat, or any event of the task), and
 * interrupts tasks whose runner stopped beating. It decides; {@link TaskEngine} (the {@link Host}) acts. Event loop
 * only, no locks.
 */
final class TaskRecovery {
  private static final Logger log = LoggerFactory.getLogger(TaskRecovery.class);
  private static final long CLOCK_MARGIN_MS = 1_000;

  /** What recovery asks of the engine. */
  interface Host {
    /** Takes a task loaded from the store into memory, as it is. */
    void load(Task t);

    /** The live task, or null. */
    Task live(String taskId);

    /** The live tasks, a copy. */
    List<Task> liveTasks();

    /** The task's events are to be taken from the first one seen (its runner went on meanwhile). */
    void resumeEvents(String taskId);

    /** The task never reached its runner: back to the head of its queue, {@code note} added to its output. */
    void requeue(Task t, String note);

    /** Ends the task INTERRUPTED, saying why. */
    void interrupt(Task t, String why);
  }

  private final StoreClient store;
  private final Projects projects;
  private final Lanes lanes;
  private final RunnerRegistry runners;
  private final Host host;
  /** Tasks found running after a restart, until their runner says whether it still holds them. */
  private final Set<String> recovering = new HashSet<>();

  TaskRecovery(StoreClient store, Projects projects, Lanes lanes, RunnerRegistry runners, Host host) {
    this.store = store;
    this.projects = projects;
    this.lanes = lanes;
    this.runners = runners;
    this.host = host;
  }

  /**
   * Loads what a previous run left: queued tasks go back in their lanes, confirmations still wait,
   * and running tasks wait for their runner to claim them (else they become interrupted).
   */
  Future<Void> recover() {
    List<String> live = List.of(QUEUED.wire(), RUNNING.wire(), WAITING_CONFIRMATION.wire());
    return store.tasks(new TaskQuery(null, live, 1_000_000)).map(list -> {
      for (int i = list.size() - 1; i >= 0; i--) { // the store lists newest first
        Task t = list.get(i);
        if (projects.get(t.projectId()) == null) continue;
        host.load(t);
        Lanes.Lane lane = lanes.lane(t.projectId());
        if (t.status() == QUEUED) {
          lane.queue.add(t.taskId());
        } else if (TaskEngine.isCheckpoint(t)) {
          lane.activeId = t.taskId();
        } else if (t.runnerId() != null) {
          lane.activeId = t.taskId();
          lanes.place(t.taskId(), t.runnerId());
          recovering.add(t.taskId());
          host.resumeEvents(t.taskId());
        } else {
          lane.activeId = t.taskId();
          host.interrupt(t, "PoCo restarted before this task reached a runner.");
        }
      }
      if (!list.isEmpty()) log.info("recovered {} unfinished tasks", list.size());
      return null;
    });
  }

  /** The task's runner showed it still holds it (an event of it came): true when it was awaiting that. */
  boolean claimed(String taskId) { return recovering.remove(taskId); }

  /** The task ended or was dropped: nothing to await for it. */
  void forget(String taskId) { recovering.remove(taskId); }

  /** A runner beat settles the recovered tasks it was holding: kept when listed, else requeued or interrupted. */
  void onHeartbeat(Heartbeat hb) {
    for (String id : new ArrayList<>(recovering)) {
      Task t = host.live(id);
      if (t == null || !hb.runnerId().equals(t.runnerId())) continue;
      recovering.remove(id);
      if (hb.taskIds().contains(id)) continue;
      if (neverReached(t, hb)) {
        host.requeue(t, "PoCo restarted before runner " + hb.runnerId() + " took this task, so it was queued again.");
      } else {
        host.interrupt(t, "PoCo restarted while this task ran, and its runner no longer holds it.");
      }
    }
  }

  /**
   * A runner lists every task it took until the outcome is acknowledged, so one that has run since before
   * the task was launched and does not list it never received it (the orchestrator stopped between storing
   * "running" and the runner taking it): the task can simply run. A runner that restarted since may have run
   * part of it, so that task stays interrupted. The margin absorbs clock drift between machines.
   */
  static boolean neverReached(Task t, Heartbeat hb) {
    return hb.startedAt() > 0 && t.startedAt() > 0 && hb.startedAt() + CLOCK_MARGIN_MS < t.startedAt();
  }

  /** Interrupts tasks whose runner stopped beating, and recovered tasks nobody claimed in time. */
  void checkRunners(boolean graceOver) {
    long now = System.currentTimeMillis();
    for (Task t : host.liveTasks()) {
      if (!t.status().active() || t.runnerId() == null || !lanes.placed(t.taskId())) continue;
      boolean claimed = !recovering.contains(t.taskId());
      if (runners.alive(t.runnerId(), now) == null && (claimed || graceOver)) {
        recovering.remove(t.taskId());
        host.interrupt(t, claimed ? "Runner " + t.runnerId() + " was lost while this task ran."
            : "PoCo restarted while this task ran, and its runner " + t.runnerId() + " did not come back.");
      }
    }
  }
}
