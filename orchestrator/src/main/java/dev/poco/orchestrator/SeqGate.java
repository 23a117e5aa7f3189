package dev.poco.orchestrator;

import dev.poco.contract.TaskEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Lets a task's events through in seq order exactly once: repeats are dropped, early ones wait for the
 * gap, except the outcome (FINISHED), which releases what waits and itself.
 */
final class SeqGate {
  private long last;
  private boolean known;
  private final TreeMap<Long, TaskEvent> early = new TreeMap<>();

  /** A gate for a task started by this orchestrator: its events start at seq 1. */
  SeqGate() { known = true; }

  /** A gate for a task found still running after a restart: the first event seen sets the baseline. */
  static SeqGate resumed() {
    SeqGate g = new SeqGate();
    g.known = false;
    return g;
  }

  List<TaskEvent> accept(TaskEvent e) {
    if (!known) {
      known = true;
      last = e.seq() - 1;
    }
    if (e.seq() <= last) return List.of();
    if (e.seq() > last + 1 && TaskEvent.FINISHED.equals(e.type())) {
      // The outcome never waits for a gap: it carries the whole result and nothing follows it. Events
      // lost in the gap (sent while no orchestrator served them) stay lost; the ones held go first.
      List<TaskEvent> out = new ArrayList<>(early.values());
      early.clear();
      out.add(e);
      last = e.seq();
      return out;
    }
    if (e.seq() > last + 1) {
      early.put(e.seq(), e);
      return List.of();
    }
    List<TaskEvent> out = new ArrayList<>(1);
    out.add(e);
    last = e.seq();
    while (!early.isEmpty() && early.firstKey() == last + 1) {
      TaskEvent next = early.pollFirstEntry().getValue();
      out.add(next);
      last = next.seq();
    }
    return out;
  }
}
