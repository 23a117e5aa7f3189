package dev.poco.bench;

import dev.poco.testkit.PocoProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * What the cluster manager costs, as a user feels it: how long a runner node takes to join (spawn → up), its RSS
 * once up, and how long after a runner JVM is SIGKILLed or SIGSTOPped the orchestrator stops listing it in /health
 * (issue 13: the cost of the membership choice in join time, failure detection and memory).
 */
final class ClusterMembership {
  /** Per runner started: spawn → up and RSS once up; per SIGKILL the detection time; the SIGSTOP's, or -1. */
  record Figures(List<Long> upMs, List<Double> rssMb, List<Long> killedMs, long stoppedMs) {}

  private ClusterMembership() {}

  /** Resident set size in MB from /proc (Linux), or -1. */
  static double rssMb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or the process is gone
    }
    return -1;
  }

  /**
   * Starts runners m1, m2, … one by one ({@code start}: runner id → node, returning once it is up), then SIGKILLs
   * {@code kills} of them and, with {@code stop}, SIGSTOPs one more, timing how long /health keeps listing each.
   */
  static Figures measure(String mode, WebClient web, int kills, boolean stop, Function<String, PocoProcess> start)
      throws Exception {
    List<PocoProcess> runners = new ArrayList<>();
    List<Long> ups = new ArrayList<>();
    List<Double> rss = new ArrayList<>();
    for (int i = 1; i <= kills + (stop ? 1 : 0); i++) {
      long t0 = System.nanoTime();
      PocoProcess r = start.apply("m" + i);
      long up = (System.nanoTime() - t0) / 1_000_000;
      runners.add(r);
      ups.add(up);
      rss.add(rssMb(r.pid()));
      awaitListed(web, "m" + i, true);
      System.out.printf("  %s runner m%d: spawn → up %d ms, RSS %.0f MB, in /health after %d ms%n", mode, i, up,
          rss.get(rss.size() - 1), (System.nanoTime() - t0) / 1_000_000);
    }
    List<Long> killed = new ArrayList<>();
    for (int i = 1; i <= kills; i++) {
      long t0 = System.nanoTime();
      runners.get(i - 1).kill();
      awaitListed(web, "m" + i, false);
      killed.add((System.nanoTime() - t0) / 1_000_000);
      System.out.printf("  %s runner m%d SIGKILLed: gone from /health after %d ms%n", mode, i, killed.get(i - 1));
    }
    long stopped = -1;
    if (stop) {
      PocoProcess r = runners.get(kills);
      long t0 = System.nanoTime();
      new ProcessBuilder("kill", "-STOP", String.valueOf(r.pid())).start().waitFor();
      awaitListed(web, "m" + (kills + 1), false);
      stopped = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("  %s runner m%d SIGSTOPped: gone from /health after %d ms%n", mode, kills + 1, stopped);
      r.kill();
    }
    return new Figures(ups, rss, killed, stopped);
  }

  static double median(List<? extends Number> xs) {
    return xs.isEmpty() ? Double.NaN : Stats.median(xs.stream().mapToDouble(Number::doubleValue).toArray());
  }

  /** Polls /health every 10 ms until runner {@code id} is (or is no longer) listed; 60 s at most. */
  private static void awaitListed(WebClient web, String id, boolean listed) throws InterruptedException {
    long end = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < end) {
      JsonArray runners = web.get("/health").send().await().bodyAsJsonObject().getJsonArray("runners", new JsonArray());
      boolean seen = runners.stream().anyMatch(r -> id.equals(((JsonObject) r).getString("runner_id")));
      if (seen == listed) return;
      Thread.sleep(10);
    }
    throw new IllegalStateException(String.format(Locale.ROOT, "runner %s still %s after 60 s", id,
        listed ? "not listed" : "listed"));
  }
}
