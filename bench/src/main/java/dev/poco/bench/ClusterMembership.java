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
 * What the cluster manager costs, as a user feels it, in one cluster: how long a runner node takes to join (spawn →
 * up), its RSS once up, and how long after a runner JVM is SIGKILLed or SIGSTOPped the orchestrator stops listing it
 * in /health (issue 13: the cost of the membership choice in join time, failure detection and memory). One step at a
 * time, so the bench can alternate the steps of several clusters and all see the same machine load.
 */
final class ClusterMembership {
  /** Per runner started: spawn → up and RSS once up; per SIGKILL the detection time; the SIGSTOP's, or -1. */
  record Figures(List<Long> upMs, List<Double> rssMb, List<Long> killedMs, long stoppedMs) {}

  private final String mode;
  private final WebClient web;
  private final Function<String, PocoProcess> start;
  private final List<PocoProcess> runners = new ArrayList<>();
  private final List<Long> ups = new ArrayList<>();
  private final List<Double> rss = new ArrayList<>();
  private final List<Long> killed = new ArrayList<>();
  private long stopped = -1;

  /** {@code start}: runner id → its node, returning once the node is up (all work before the spawn done already). */
  ClusterMembership(String mode, WebClient web, Function<String, PocoProcess> start) {
    this.mode = mode;
    this.web = web;
    this.start = start;
  }

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

  /** Starts the next runner, m1, m2, …, and waits until /health lists it. */
  void join() throws InterruptedException {
    String id = "m" + (runners.size() + 1);
    long t0 = System.nanoTime();
    PocoProcess r = start.apply(id);
    long up = (System.nanoTime() - t0) / 1_000_000;
    runners.add(r);
    ups.add(up);
    rss.add(rssMb(r.pid()));
    awaitListed(id, true);
    System.out.printf("  %s runner %s: spawn → up %d ms, RSS %.0f MB, in /health after %d ms%n", mode, id, up,
        rss.get(rss.size() - 1), (System.nanoTime() - t0) / 1_000_000);
  }

  /** SIGKILLs runner m{@code i} and times how long /health still lists it. */
  void kill(int i) throws InterruptedException {
    long t0 = System.nanoTime();
    runners.get(i - 1).kill();
    awaitListed("m" + i, false);
    killed.add((System.nanoTime() - t0) / 1_000_000);
    System.out.printf("  %s runner m%d SIGKILLed: gone from /health after %d ms%n", mode, i,
        killed.get(killed.size() - 1));
  }

  /** SIGSTOPs runner m{@code i} (alive, silent: only missed heartbeats tell), times it, then SIGKILLs it. */
  void stop(int i) throws Exception {
    PocoProcess r = runners.get(i - 1);
    long t0 = System.nanoTime();
    new ProcessBuilder("kill", "-STOP", String.valueOf(r.pid())).start().waitFor();
    awaitListed("m" + i, false);
    stopped = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("  %s runner m%d SIGSTOPped: gone from /health after %d ms%n", mode, i, stopped);
    r.kill();
  }

  Figures figures() { return new Figures(ups, rss, killed, stopped); }

  static double median(List<? extends Number> xs) {
    return xs.isEmpty() ? Double.NaN : Stats.median(xs.stream().mapToDouble(Number::doubleValue).toArray());
  }

  /** Polls /health every 10 ms until runner {@code id} is (or is no longer) listed; 60 s at most. */
  private void awaitListed(String id, boolean listed) throws InterruptedException {
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
