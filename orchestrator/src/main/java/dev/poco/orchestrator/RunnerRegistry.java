package dev.poco.orchestrator;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.InFlight;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The runners seen through their heartbeats; one is alive while its last heartbeat is recent. */
final class RunnerRegistry {
  /** Runners beat every 2 s: missing two and a half beats means gone. */
  static final long DEAD_AFTER_MS = 5_000;

  private record Seen(Heartbeat beat, long at) {}

  private final Map<String, Seen> runners = new LinkedHashMap<>();
  /** Requests to runners, by node: those to a node that leaves fail at once instead of after their timeout. */
  private final InFlight inFlight = new InFlight();

  /** Records a heartbeat; true when the runner is new or had been given up for dead. */
  boolean beat(Heartbeat hb, long now) {
    Seen before = runners.put(hb.runnerId(), new Seen(hb, now));
    return before == null || now - before.at > DEAD_AFTER_MS;
  }

  Heartbeat alive(String runnerId, long now) {
    Seen s = runnerId == null ? null : runners.get(runnerId);
    return s != null && now - s.at <= DEAD_AFTER_MS ? s.beat : null;
  }

  List<Heartbeat> alive(long now) {
    List<Heartbeat> out = new ArrayList<>();
    for (Seen s : runners.values()) if (now - s.at <= DEAD_AFTER_MS) out.add(s.beat);
    return out;
  }

  /**
   * The cluster lost node {@code nodeId}: its runners are dead now, not after the heartbeat gap, and requests in
   * flight to it fail now with 503, not after {@link Bus#RUNNER_TIMEOUT_MS} (their callers then see the runners
   * already dead, so a retry goes elsewhere).
   */
  List<String> nodeLeft(String nodeId) {
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, Seen> e : runners.entrySet()) {
      if (nodeId.equals(e.getValue().beat.nodeId()) && e.getValue().at != 0) {
        e.setValue(new Seen(e.getValue().beat, 0));
        lost.add(e.getKey());
      }
    }
    inFlight.nodeLeft(nodeId);
    return lost;
  }

  /** A request to runner {@code runnerId} at {@code address}; fails with 503 as soon as its node leaves. */
  Future<JsonObject> request(EventBus bus, String runnerId, String address, JsonObject body) {
    Seen s = runnerId == null ? null : runners.get(runnerId);
    String node = s == null ? null : s.beat.nodeId();
    return inFlight.request(bus, address, body, Bus.RUNNER_TIMEOUT_MS, node);
  }

  long lastSeen(String runnerId) {
    Seen s = runners.get(runnerId);
    return s == null ? 0 : s.at;
  }

  /**
   * The runner for a task of {@code backend}: the pinned one while it is alive and ready, else the
   * live runner with that backend ready and the most free slots. {@code load} counts the tasks the
   * orchestrator has placed on each runner, fresher than any heartbeat.
   */
  Heartbeat pick(String backend, String pinned, Map<String, Integer> load, long now) {
    Heartbeat p = alive(pinned, now);
    if (p != null && ready(p, backend) && free(p, load) > 0) return p;
    if (p != null && ready(p, backend)) return null; // pinned but full: wait for it, its sessions live there
    Heartbeat best = null;
    for (Heartbeat hb : alive(now)) {
      if (!ready(hb, backend) || free(hb, load) <= 0) continue;
      if (best == null || free(hb, load) > free(best, load)) best = hb;
    }
    return best;
  }

  /** What the live runners say about {@code backend}: the ready report if any, else any report, else null. */
  BackendInfo backend(String backend, long now) {
    BackendInfo any = null;
    for (Heartbeat hb : alive(now)) {
      BackendInfo b = hb.backend(backend);
      if (b != null && b.ready()) return b;
      if (b != null) any = b;
    }
    return any;
  }

  /** Every backend a live runner knows, ready reports first seen winning. */
  Collection<BackendInfo> backends(long now) {
    Map<String, BackendInfo> out = new LinkedHashMap<>();
    for (Heartbeat hb : alive(now)) {
      for (BackendInfo b : hb.backends()) {
        BackendInfo prev = out.get(b.name());
        if (prev == null || (!prev.ready() && b.ready())) out.put(b.name(), b);
      }
    }
    return out.values();
  }

  private static boolean ready(Heartbeat hb, String backend) {
    BackendInfo b = hb.backend(backend);
    return b != null && b.ready();
  }

  private static int free(Heartbeat hb, Map<String, Integer> load) {
    return hb.maxTasks() - load.getOrDefault(hb.runnerId(), 0);
  }

  static Map<String, Integer> emptyLoad() { return new HashMap<>(); }
}
