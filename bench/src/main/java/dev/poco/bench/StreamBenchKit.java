package dev.poco.bench;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.Intents;
import dev.poco.contract.Platforms;
import dev.poco.contract.TaskEvent;
import dev.poco.testkit.BusGateway;
import dev.poco.testkit.EmbeddedPoco;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * What the platform streaming benches ({@link FeishuStreamBench}, {@link SlackStreamBench}) share: projects created
 * through the orchestrator's card intent, a watch on the bus for each task's last runner DELTA and its chat, peak
 * counts in a sliding window, and the heap after the run.
 */
final class StreamBenchKit {
  /** Each task's last runner DELTA (wall ms, the fakes' clock) and the chat its renders go to, noted on the bus. */
  record Watch(Map<String, Long> lastDeltaMs, Map<String, String> chatByTask) {
    static Watch on(Vertx vertx) {
      Watch w = new Watch(new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
      vertx.eventBus().addOutboundInterceptor(ctx -> {
        if (ctx.message().body() instanceof JsonObject j && j.getString("task_id") != null) {
          if (Addresses.ORCHESTRATOR_TASK_EVENT.equals(ctx.message().address())
              && TaskEvent.DELTA.equals(j.getString("type"))) {
            w.lastDeltaMs.put(j.getString("task_id"), System.currentTimeMillis());
          } else if (j.getJsonObject("target") != null && j.getJsonObject("target").getString("chat_id") != null) {
            w.chatByTask.putIfAbsent(j.getString("task_id"), j.getJsonObject("target").getString("chat_id"));
          }
        }
        ctx.next();
      });
      return w;
    }

    /** The last DELTA of any task. */
    long lastOfAll() { return lastDeltaMs.values().stream().mapToLong(Long::longValue).max().orElse(0); }
  }

  /**
   * Projects {@code <prefix>-0 … <prefix>-(n-1)} created by {@code user} on {@code platform} through the orchestrator's
   * card intent (what New → name in the DM ends in), 50 at a time, each reply awaited; answers their names. The
   * gateway makes each project's chat; the caller waits for it on its fake.
   */
  static List<String> createProjects(EmbeddedPoco poco, String platform, String user, String prefix, int n) {
    List<String> names = new ArrayList<>();
    for (int start = 0; start < n; start += 50) {
      List<Future<JsonObject>> batch = new ArrayList<>();
      for (int i = start; i < Math.min(n, start + 50); i++) {
        String name = prefix + "-" + i;
        names.add(name);
        String requestId = "req_" + prefix + "_" + i;
        CardIntent click = new CardIntent(platform, null, Platforms.CHAT_GROUP, user, null,
            Intents.PROJECT_CREATE, requestId, new JsonObject().put("intent_key", Intents.PROJECT_CREATE)
                .put("request_id", requestId).put("name", name), new JsonObject(), false, "evt_" + prefix + "_create_" + i);
        batch.add(Bus.request(poco.vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, click.toJson(), Bus.EDGE_TIMEOUT_MS));
      }
      for (Future<JsonObject> f : batch) {
        JsonObject reply = f.await();
        if (BusGateway.refused(reply) != 0) throw new IllegalStateException("project not created: " + reply.encode());
      }
    }
    return names;
  }

  /** The most times that fall within {@code windowMs} of each other (a sliding window). */
  static int peakIn(long[] times, long windowMs) {
    long[] t = times.clone();
    Arrays.sort(t);
    int peak = 0;
    for (int lo = 0, hi = 0; hi < t.length; hi++) {
      while (t[hi] - t[lo] >= windowMs) lo++;
      peak = Math.max(peak, hi - lo + 1);
    }
    return peak;
  }

  /** The most times that fall within one second of each other. */
  static int peakInOneSecond(long[] times) { return peakIn(times, 1_000); }

  /** Heap in use after System.gc(), in MB. */
  static long heapUsedMb() {
    for (int i = 0; i < 3; i++) System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
  }

  /** Deletes the bench's temporary home. */
  static void deleteTree(Path home) throws IOException {
    try (Stream<Path> files = Files.walk(home)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private StreamBenchKit() { }
}
