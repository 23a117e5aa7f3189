package dev.poco.orchestrator;

import dev.poco.contract.TaskStatus;
import dev.poco.runtime.PocoMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The orchestrator's gauges and counters. Scrapes run on whichever thread serves /metrics, so the
 * gauges read snapshots that the orchestrator refreshes on its own loop, never its live maps.
 */
final class TaskMeters {
  private static final List<TaskStatus> LIVE =
      List.of(TaskStatus.QUEUED, TaskStatus.RUNNING, TaskStatus.WAITING_CONFIRMATION);

  private final MeterRegistry registry;
  private final Map<TaskStatus, AtomicLong> live = new EnumMap<>(TaskStatus.class);
  private final Map<TaskStatus, Counter> ended = new EnumMap<>(TaskStatus.class);
  private final MultiGauge queues;
  private final List<Meter> meters = new ArrayList<>();

  TaskMeters(MeterRegistry registry) {
    this.registry = registry;
    for (TaskStatus s : TaskStatus.values()) {
      if (s.terminal()) {
        Counter c = Counter.builder(PocoMetrics.TASKS_ENDED).description("Tasks that reached this state")
            .tag("state", s.wire()).register(registry);
        ended.put(s, c);
        meters.add(c);
      } else {
        AtomicLong v = new AtomicLong();
        live.put(s, v);
        meters.add(Gauge.builder(PocoMetrics.TASKS, v, AtomicLong::get).description("Tasks now in this state")
            .tag("state", s.wire()).register(registry));
      }
    }
    queues = MultiGauge.builder(PocoMetrics.QUEUE_DEPTH).description("Tasks queued behind the project's active one")
        .register(registry);
  }

  void ended(TaskStatus status) {
    Counter c = ended.get(status);
    if (c != null) c.increment();
  }

  /** Called from the orchestrator's loop; projects with an empty queue drop out of the series. */
  void refresh(Map<TaskStatus, Integer> counts, Map<String, Integer> depths) {
    LIVE.forEach(s -> live.get(s).set(counts.getOrDefault(s, 0)));
    List<MultiGauge.Row<?>> rows = new ArrayList<>();
    depths.forEach((project, depth) -> {
      if (depth > 0) rows.add(MultiGauge.Row.of(Tags.of("project", project), depth));
    });
    queues.register(rows, true);
  }

  void close() {
    queues.register(List.of(), true);
    meters.forEach(registry::remove);
  }
}
