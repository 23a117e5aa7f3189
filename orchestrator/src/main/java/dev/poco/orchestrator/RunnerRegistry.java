package dev.poco.orchestrator;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.Heartbeat;
import dev.poco.runtime.InFlight;
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
  /**
   * Runners beat every second: four seconds of silence means gone. With the orchestrator's check every
   * second, a runner that stops beating is declared dead within 5 s.
   */
  static final long DEAD_AFTER_MS = 4_000;

  private record Seen(Heartbeat beat, long at) {}

  /**
   * After the first heartbeat this orchestrator sees, how long other runners may still be unheard of:
   * every live runner beats within one period, so only then can "no runner serves that dir" be said.
   */
  static final long STARTUP_GRACE_MS = 3_000;

  private final Map<String, Seen> runners = new LinkedHashMap<>();
  private long firstBeatAt = -1;
  /** Requests to runners, by node: those to a node that leaves fail at once instead of after their timeout. */
  private final InFlight inFlight = new InFlight();

  /** Records a heartbeat; true when the runner is new or had been given up for dead. */
  boolean beat(Heartbeat hb, long now) {
    if (firstBeatAt < 0) firstBeatAt = now;
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
   * Where a task goes: {@code runner} to start it there now; else {@code refusal} when no live runner
   * can ever take it as things stand (the task fails with that text); else neither: wait for a slot
   * or for a runner to come up.
   */
  record Placement(Heartbeat runner, String refusal) {
    static final Placement WAIT = new Placement(null, null);
  }

  /** {@link #place} without a working dir. */
  Heartbeat pick(String backend, String pinned, Map<String, Integer> load, long now) {
    return place(backend, null, pinned, load, now).runner();
  }

  /** {@link #place} without counts of pinned projects: ties between runners go to the first. */
  Placement place(String backend, String workdir, String pinned, Map<String, Integer> load, long now) {
    return place(backend, workdir, pinned, load, Map.of(), now);
  }

  /**
   * The runner for a task of {@code backend} in {@code workdir}: the pinned one while it is alive,
   * ready and serves the dir, else the live runner with the backend ready, the dir under its roots and
   * the fewest projects pinned to it ({@code pinnedProjects}, by runner id), then the most free slots: a
   * project stays on its runner, so new ones spread over the fleet even when every runner is idle.
   * {@code load} counts the tasks the orchestrator has placed on each runner, fresher than any heartbeat.
   */
  Placement place(String backend, String workdir, String pinned, Map<String, Integer> load,
      Map<String, Integer> pinnedProjects, long now) {
    List<Heartbeat> alive = alive(now);
    if (alive.isEmpty()) return Placement.WAIT;
    List<Heartbeat> ready = new ArrayList<>();
    for (Heartbeat hb : alive) if (ready(hb, backend)) ready.add(hb);
    if (ready.isEmpty()) {
      BackendInfo info = backend(backend, now);
      return new Placement(null, info == null || info.detail() == null
          ? "No runner offers the '" + backend + "' agent backend." : info.detail());
    }
    List<Heartbeat> serving = new ArrayList<>();
    for (Heartbeat hb : ready) if (serves(hb, workdir)) serving.add(hb);
    if (serving.isEmpty()) {
      if (now - firstBeatAt < STARTUP_GRACE_MS) return Placement.WAIT; // its runner may not have beaten yet
      return new Placement(null, "No live runner" + (ready.size() < alive.size() ? " with the '" + backend
          + "' agent backend" : "") + " serves " + workdir + " (runners: " + describe(alive) + ").");
    }
    Heartbeat p = alive(pinned, now);
    if (p != null && serving.contains(p)) {
      // pinned and full: wait for it, its sessions live there
      return free(p, load) > 0 ? new Placement(p, null) : Placement.WAIT;
    }
    Heartbeat best = null;
    for (Heartbeat hb : serving) {
      if (free(hb, load) <= 0) continue;
      if (best == null) {
        best = hb;
        continue;
      }
      int projects = pinnedProjects.getOrDefault(hb.runnerId(), 0);
      int bestProjects = pinnedProjects.getOrDefault(best.runnerId(), 0);
      if (projects < bestProjects || projects == bestProjects && free(hb, load) > free(best, load)) best = hb;
    }
    return best == null ? Placement.WAIT : new Placement(best, null);
  }

  /**
   * Whether {@code dir} lies under one of the runner's roots, compared as strings on the real paths
   * runners advertise (working dirs chosen on a card are stored as the real path a runner resolved).
   * A dir that is not absolute (a configured default like ~/code) cannot be judged here: any runner
   * may take it, and the runner checks it against its roots anyway.
   */
  static boolean serves(Heartbeat hb, String dir) {
    if (dir == null || !dir.startsWith("/")) return true;
    for (String root : hb.roots()) {
      if (dir.equals(root) || dir.startsWith(root.endsWith("/") ? root : root + "/")) return true;
    }
    return false;
  }

  /** The live runners serving {@code dir}, those with {@code backend} ready first. */
  List<Heartbeat> serving(String dir, String backend, long now) {
    List<Heartbeat> first = new ArrayList<>();
    List<Heartbeat> rest = new ArrayList<>();
    for (Heartbeat hb : alive(now)) {
      if (serves(hb, dir)) (ready(hb, backend) ? first : rest).add(hb);
    }
    first.addAll(rest);
    return first;
  }

  /** "r1: /a; r2: /b, /c" for a message. */
  static String describe(List<Heartbeat> runners) {
    StringBuilder out = new StringBuilder();
    for (Heartbeat hb : runners) {
      if (out.length() > 0) out.append("; ");
      out.append(hb.runnerId()).append(": ").append(hb.roots().isEmpty() ? "no roots" : String.join(", ", hb.roots()));
    }
    return out.toString();
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
