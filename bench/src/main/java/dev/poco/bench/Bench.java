package dev.poco.bench;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.orchestrator.StoreClient;
import dev.poco.testkit.EmbeddedPoco;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Stub tasks with an instant reply through the real HTTP edge, SQLite on disk, in one JVM:
 * latency of one task from POST /demo/command until the client sees it completed, throughput with
 * 100 chats, and the bare event-bus round trip in the same run, for scale.
 *
 * <p>Run: {@code bench/run.sh} (builds, then prints). Figures only; nothing is asserted.
 */
public final class Bench {
  public static void main(String[] args) throws Exception {
    int latencyTasks = Integer.getInteger("bench.latency.tasks", 2_000);
    int throughputTasks = Integer.getInteger("bench.throughput.tasks", 20_000);
    int chats = Integer.getInteger("bench.chats", 100);
    Path home = Files.createTempDirectory("poco-bench");
    System.out.printf("PoCo bench: %d cores, java %s, heap max %d MB%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.STUB_DELTA_MS, "0"))) {
      WebClient web = WebClient.create(poco.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(poco.http.port()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(chats));

      System.out.println("warming up…");
      latency(web, Math.max(500, latencyTasks / 2));
      throughput(web, chats, Math.max(2_000, throughputTasks / 5));

      Stats bus = busRoundTrip(poco.vertx, 20_000);
      Stats write = storeWrite(poco.vertx, 3_000);
      Stats task = latency(web, latencyTasks);
      double tps = throughput(web, chats, throughputTasks);

      System.out.println();
      System.out.printf("event-bus round trip (in-JVM request/reply): median %.1f µs, p99 %.1f µs%n",
          bus.medianMicros(), bus.percentileMicros(99));
      System.out.printf("store write round trip (one task upsert, committed): median %.1f µs, p99 %.1f µs%n",
          write.medianMicros(), write.percentileMicros(99));
      System.out.printf("one task, POST /demo/command → completed (%d tasks, one at a time): median %.3f ms, p99 %.3f ms%n",
          latencyTasks, task.medianMicros() / 1000, task.percentileMicros(99) / 1000);
      System.out.printf("  = %.1f× the bare event-bus round trip%n", task.medianMicros() / bus.medianMicros());
      System.out.printf("throughput, %d chats, %d tasks: %.0f tasks/s%n", chats, throughputTasks, tps);
      web.close();
    } finally {
      try (Stream<Path> files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Stats busRoundTrip(Vertx vertx, int n) {
    vertx.eventBus().<JsonObject>consumer("bench.ping", m -> m.reply(m.body())).completion().await();
    JsonObject body = new JsonObject().put("ping", 1);
    DeliveryOptions opts = new DeliveryOptions().setSendTimeout(5_000);
    for (int i = 0; i < 5_000; i++) vertx.eventBus().request("bench.ping", body, opts).await();
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      vertx.eventBus().request("bench.ping", body, opts).await();
      samples[i] = System.nanoTime() - t0;
    }
    return new Stats(samples);
  }

  /** A committed task upsert through the store, one at a time: the floor under every state change. */
  private static Stats storeWrite(Vertx vertx, int n) {
    StoreClient store = new StoreClient(vertx.eventBus());
    long[] samples = new long[n];
    for (int i = -500; i < n; i++) {
      Task t = new Task.Builder().taskId("t_bench_" + (i & 63)).prompt("x").status(TaskStatus.QUEUED).backend("stub")
          .createdAt(System.currentTimeMillis()).updatedAt(System.currentTimeMillis()).build();
      long t0 = System.nanoTime();
      store.saveTask(t).await();
      if (i >= 0) samples[i] = System.nanoTime() - t0;
    }
    return new Stats(samples);
  }

  /** One task at a time: POST the prompt, long-poll its completion. */
  static Stats latency(WebClient web, int n) {
    long[] samples = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      DemoTask.run(web, "lat", i).await();
      samples[i] = System.nanoTime() - t0;
    }
    return new Stats(samples);
  }

  /** {@code chats} closed loops, each sending its next prompt once the previous task completed. */
  static double throughput(WebClient web, int chats, int total) {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    Future<?>[] loops = new Future<?>[chats];
    for (int c = 0; c < chats; c++) loops[c] = loop(web, "tp-" + c, next, total);
    Future.all(java.util.Arrays.asList(loops)).await();
    double secs = (System.nanoTime() - t0) / 1e9;
    return next.get() > total ? total / secs : next.get() / secs;
  }

  private static Future<Void> loop(WebClient web, String chat, AtomicInteger next, int total) {
    int i = next.getAndIncrement();
    if (i >= total) return Future.succeededFuture();
    return DemoTask.run(web, chat, i).compose(v -> loop(web, chat, next, total));
  }

}
