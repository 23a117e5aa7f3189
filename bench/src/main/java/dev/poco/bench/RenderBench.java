package dev.poco.bench;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Intents;
import dev.poco.contract.Platforms;
import dev.poco.testkit.BusGateway;
import dev.poco.testkit.EmbeddedPoco;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders crossing the bus while 1,000 stub tasks stream at once, one per project chat of a fake Feishu gateway
 * ({@link BenchGateway}): renders per second (median and peak 1-s window while deltas flow), renders against the
 * deltas produced, the time from the last delta to the last terminal render, and the heap after the run. Run twice in
 * one JVM: POCO_RENDER_INTERVAL_MS=0 (every change sent: before coalescing) and the default (after).
 *
 * <p>Run: {@code bench/run.sh renders [-Dbench.render.tasks=1000 -Dbench.render.lines=50 -Dbench.render.delta.ms=20]}.
 * Figures only; nothing is asserted.
 */
public final class RenderBench {
  static final String PLATFORM = "feishu";
  static final String USER = "ou_bench";

  /** What one run measured. */
  record Figures(String label, double medianPerSec, double peakPerSec, long renders, long live, long taskMustShow,
      long other, long deltaEvents, long stubDeltas, int finished, double lastDeltaToFinalMs, double streamSecs,
      double wallSecs, long heapUsedMb) { }

  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("bench.render.tasks", 1_000);
    int lines = Integer.getInteger("bench.render.lines", 50);
    int deltaMs = Integer.getInteger("bench.render.delta.ms", 20);
    System.out.printf("PoCo render bench: %d cores, java %s, heap max %d MB; %d tasks × STREAM:%d, a delta every %d ms%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, tasks, lines, deltaMs);
    // A small unprinted run first, so neither measured run pays for the JIT warming up.
    run("warm-up", Math.max(1, tasks / 5), lines, deltaMs, "0", false);
    Figures before = run("before (POCO_RENDER_INTERVAL_MS=0)", tasks, lines, deltaMs, "0", true);
    Figures after = run("after (POCO_RENDER_INTERVAL_MS default)", tasks, lines, deltaMs, null, false);
    System.out.println();
    for (Figures f : List.of(before, after)) print(f);
    System.out.printf("before / after: %.1f× the renders, %.1f× the median renders/s, %.1f× the peak%n",
        (double) before.renders() / after.renders(), before.medianPerSec() / after.medianPerSec(),
        before.peakPerSec() / after.peakPerSec());
  }

  private static void print(Figures f) {
    System.out.printf("%s:%n", f.label());
    System.out.printf("  renders/s crossing the bus while streaming (%.1f s): median %.0f, peak %.0f%n",
        f.streamSecs(), f.medianPerSec(), f.peakPerSec());
    System.out.printf("  renders %d (live %d, task must-show %d, workspace %d) for %d stub deltas (%d runner DELTA events)%n",
        f.renders(), f.live(), f.taskMustShow(), f.other(), f.stubDeltas(), f.deltaEvents());
    System.out.printf("  live renders per task: %.1f%n", (double) f.live() / Math.max(1, f.finished()));
    System.out.printf("  %d tasks ended; last delta → last terminal render: %.0f ms; prompts sent → all ended: %.1f s%n",
        f.finished(), f.lastDeltaToFinalMs(), f.wallSecs());
    System.out.printf("  heap used after the run (after GC): %d MB%n", f.heapUsedMb());
  }

  private static Figures run(String label, int tasks, int lines, int deltaMs, String intervalMs, boolean busTrip)
      throws Exception {
    Path home = Files.createTempDirectory("poco-render-bench");
    Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.STUB_DELTA_MS, String.valueOf(deltaMs),
        ConfigKeys.RUNNER_MAX_TASKS, String.valueOf(tasks + 32), ConfigKeys.ALLOWED_USERS, PLATFORM + ":" + USER));
    if (intervalMs != null) config.put(ConfigKeys.RENDER_INTERVAL_MS, intervalMs);
    System.out.println(label + ": starting…");
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config)) {
      if (busTrip) {
        Stats bus = Bench.busRoundTrip(poco.vertx, 20_000);
        System.out.printf("event-bus round trip (in-JVM request/reply), for scale: median %.1f µs, p99 %.1f µs%n",
            bus.medianMicros(), bus.percentileMicros(99));
      }
      BenchGateway gateway = new BenchGateway(poco.vertx, PLATFORM);
      long t0 = System.nanoTime();
      List<String> chats = createProjects(poco, gateway, tasks);
      System.out.printf("  %d projects in %.1f s; sending %d prompts at once…%n", chats.size(),
          (System.nanoTime() - t0) / 1e9, tasks);
      long rendersBefore = gateway.renders();
      long liveBefore = gateway.liveRenders.get();
      long mustBefore = gateway.taskMustShowRenders.get();
      long otherBefore = gateway.otherRenders.get();

      BusGateway users = new BusGateway(poco.vertx, PLATFORM);
      long sent = System.nanoTime();
      List<Future<JsonObject>> replies = new ArrayList<>();
      for (String chat : chats) replies.add(users.messageAsync(chat, USER, "STREAM:" + lines));
      Future.all(replies).await();
      long refused = replies.stream().filter(f -> BusGateway.refused(f.result()) != 0).count();
      if (refused > 0) System.out.printf("  %d prompts refused, e.g. %s%n", refused, replies.stream()
          .map(Future::result).filter(r -> BusGateway.refused(r) != 0).findFirst().orElseThrow().encode());
      long deadline = System.nanoTime() + 150_000_000_000L;
      while (gateway.finished.size() < tasks - refused && System.nanoTime() < deadline) Thread.sleep(50);
      long ended = System.nanoTime();
      // Renders still in flight after the last terminal one are counted too; and the final saves are let finish (the
      // runner repeats FINISHED until they do), so closing does not cut them off.
      long quietBy = System.nanoTime() + 30_000_000_000L;
      do {
        Thread.sleep(250);
      } while (System.nanoTime() - gateway.lastTaskEventNanos.get() < 1_000_000_000L && System.nanoTime() < quietBy);

      long first = gateway.firstDeltaNanos.get();
      long last = gateway.lastDeltaNanos.get();
      double[] windows = gateway.perSecond(first, last);
      double peak = java.util.Arrays.stream(windows).max().orElse(0);
      return new Figures(label, Stats.median(windows), peak, gateway.renders() - rendersBefore,
          gateway.liveRenders.get() - liveBefore, gateway.taskMustShowRenders.get() - mustBefore,
          gateway.otherRenders.get() - otherBefore, gateway.deltaEvents.get(), (long) (tasks - refused) * lines,
          gateway.finished.size(), (gateway.lastFinalNanos.get() - last) / 1e6, (last - first) / 1e9,
          (ended - sent) / 1e9, heapUsedMb());
    } finally {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** One project (and so one chat) per task, created as a gateway hands over a card click, 50 at a time. */
  private static List<String> createProjects(EmbeddedPoco poco, BenchGateway gateway, int n) {
    List<String> names = new ArrayList<>();
    for (int start = 0; start < n; start += 50) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 50); i++) {
        String name = "bench-" + i;
        names.add(name);
        String requestId = "req_bench_" + i;
        CardIntent click = new CardIntent(PLATFORM, null, Platforms.CHAT_GROUP, USER, null, Intents.PROJECT_CREATE,
            requestId, new JsonObject().put("intent_key", Intents.PROJECT_CREATE).put("request_id", requestId)
                .put("name", name), new JsonObject(), false, "evt_bench_create_" + i);
        batch.add(Bus.request(poco.vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, click.toJson(), Bus.EDGE_TIMEOUT_MS));
      }
      for (Future<JsonObject> f : batch) {
        JsonObject reply = f.await();
        if (BusGateway.refused(reply) != 0) throw new IllegalStateException("project not created: " + reply.encode());
      }
    }
    return names.stream().map(gateway.chatsByName::get).toList();
  }

  private static long heapUsedMb() {
    for (int i = 0; i < 3; i++) System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }
}
