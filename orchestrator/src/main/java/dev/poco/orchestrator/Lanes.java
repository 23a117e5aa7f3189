package dev.poco.orchestrator;

import static dev.poco.contract.TaskStatus.QUEUED;

import dev.poco.contract.Task;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where tasks stand in line: each project's lane (at most one active task, running or waiting for confirmation, and
 * a FIFO queue behind it), the projects waiting for a runner slot (longest-waiting first), and which runner slot each
 * placed task holds. Bookkeeping only: {@link TaskEngine} decides what moves. Event loop only, no locks.
 */
final class Lanes {
  /** One project's line: the active task's id (null when none) and the queued ones in order. */
  static final class Lane {
    String activeId;
    final ArrayDeque<String> queue = new ArrayDeque<>();

    /** The head of the queue becomes the active task. */
    void activateHead() { activeId = queue.poll(); }
  }

  private final Map<String, Lane> lanes = new HashMap<>();
  /** Projects whose next task waits for a runner slot, longest-waiting first: a freed slot goes to the head. */
  private final Set<String> waitingForSlot = new LinkedHashSet<>();
  private final Map<String, String> placement = new HashMap<>();
  private final Map<String, Integer> load = new HashMap<>();

  /** The project's lane, made when it has none. */
  Lane lane(String projectId) { return lanes.computeIfAbsent(projectId, k -> new Lane()); }

  /** The project's lane, or null. */
  Lane get(String projectId) { return lanes.get(projectId); }

  /** Drops the project's lane (returned, or null) and its wait for a slot. */
  Lane remove(String projectId) {
    waitingForSlot.remove(projectId);
    return lanes.remove(projectId);
  }

  /** The projects with a lane (a copy). */
  List<String> projects() { return new ArrayList<>(lanes.keySet()); }

  /** The id of the project's active task, or null. */
  String activeId(String projectId) {
    Lane lane = lanes.get(projectId);
    return lane == null ? null : lane.activeId;
  }

  /** Takes the task out of its project's lane: no longer active, or no longer queued. */
  void leave(String projectId, String taskId) {
    Lane lane = lanes.get(projectId);
    if (lane == null) return;
    if (taskId.equals(lane.activeId)) lane.activeId = null;
    else lane.queue.remove(taskId);
  }

  /** Puts the task at the head of its project's queue (no longer active): it is the next to start. */
  void toFront(String projectId, String taskId) {
    Lane lane = lane(projectId);
    if (taskId.equals(lane.activeId)) lane.activeId = null;
    lane.queue.addFirst(taskId);
  }

  /** How many tasks wait before this one in its project's lane. */
  int ahead(Task t) {
    Lane lane = lanes.get(t.projectId());
    if (lane == null || t.status() != QUEUED) return 0;
    int i = 0;
    for (String id : lane.queue) {
      if (id.equals(t.taskId())) break;
      i++;
    }
    return i + (lane.activeId != null ? 1 : 0);
  }

  /** Tasks waiting behind each project's active one. */
  Map<String, Integer> queueDepths() {
    Map<String, Integer> depths = new HashMap<>();
    lanes.forEach((project, lane) -> depths.put(project, lane.queue.size()));
    return depths;
  }

  // ---- runner slots ----

  void waitForSlot(String projectId) { waitingForSlot.add(projectId); }

  void stopWaiting(String projectId) { waitingForSlot.remove(projectId); }

  /** The projects waiting for a slot, longest-waiting first (a copy); empty when none. */
  List<String> waitingForSlot() { return new ArrayList<>(waitingForSlot); }

  boolean anyWaiting() { return !waitingForSlot.isEmpty(); }

  /** Records that the task holds a slot on the runner. */
  void place(String taskId, String runnerId) {
    if (placement.put(taskId, runnerId) == null) load.merge(runnerId, 1, Integer::sum);
  }

  /** Frees the runner slot a task held; true when it held one. */
  boolean unplace(String taskId) {
    String r = placement.remove(taskId);
    if (r != null) load.merge(r, -1, Integer::sum);
    return r != null;
  }

  boolean placed(String taskId) { return placement.containsKey(taskId); }

  /** Tasks placed per runner, as {@link RunnerRegistry#place} reads it (live, not a copy). */
  Map<String, Integer> load() { return load; }
}
