package dev.poco.orchestrator;

import static dev.poco.contract.TaskStatus.CANCELLED;
import static dev.poco.contract.TaskStatus.COMPLETED;
import static dev.poco.contract.TaskStatus.FAILED;
import static dev.poco.contract.TaskStatus.INTERRUPTED;
import static dev.poco.contract.TaskStatus.QUEUED;
import static dev.poco.contract.TaskStatus.RUNNING;
import static dev.poco.contract.TaskStatus.WAITING_CONFIRMATION;

import dev.poco.contract.TaskStatus;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The task state changes the engine may make, as one table. Keeping a state (output, session, usage) is no
 * transition and always allowed; an ended task never changes state again. Where each edge comes from:
 * <ul>
 *   <li>QUEUED → RUNNING (launched), WAITING_CONFIRMATION (a "confirm:" checkpoint, or an approval request from a
 *       runner that took the task after its start looked failed), any end (stopped, refused, steered into the running
 *       turn, project deleted, or a runner's outcome).</li>
 *   <li>RUNNING → WAITING_CONFIRMATION (the agent asks), QUEUED (the runner did not take it, or it never reached the
 *       runner before a restart), any end.</li>
 *   <li>WAITING_CONFIRMATION → RUNNING (answered, or resumed by the runner), QUEUED (checkpoint approved; or as
 *       RUNNING), any end.</li>
 * </ul>
 */
final class Transitions {
  private static final Set<TaskStatus> ENDS = EnumSet.of(COMPLETED, FAILED, CANCELLED, INTERRUPTED);
  private static final Map<TaskStatus, Set<TaskStatus>> TABLE = new EnumMap<>(TaskStatus.class);

  static {
    TABLE.put(QUEUED, with(ENDS, RUNNING, WAITING_CONFIRMATION));
    TABLE.put(RUNNING, with(ENDS, WAITING_CONFIRMATION, QUEUED));
    TABLE.put(WAITING_CONFIRMATION, with(ENDS, RUNNING, QUEUED));
    for (TaskStatus end : ENDS) TABLE.put(end, EnumSet.noneOf(TaskStatus.class));
  }

  private Transitions() { }

  /** True when a task in {@code from} may be put in {@code to}; one not yet held ({@code from} null) may take any. */
  static boolean allowed(TaskStatus from, TaskStatus to) {
    return from == null || from == to || TABLE.get(from).contains(to);
  }

  /** The states reachable from {@code from} in one change (a copy). */
  static Set<TaskStatus> from(TaskStatus from) { return EnumSet.copyOf(TABLE.get(from)); }

  private static Set<TaskStatus> with(Set<TaskStatus> base, TaskStatus... more) {
    Set<TaskStatus> s = EnumSet.copyOf(base);
    for (TaskStatus m : more) s.add(m);
    return s;
  }
}
