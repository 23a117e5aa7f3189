package dev.poco.bench;

import dev.poco.testkit.ClusterNode;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the cluster manager costs, as a user feels it: how long a node takes to join (spawn → up, and the
 * launcher's own "joined … in N ms"), its RSS once up, and how long after a runner JVM is SIGKILLed or
 * SIGSTOPped the orchestrator stops listing it in /health. The figures compare cluster managers (issue 13).
 */
final class ClusterMembership {
  private static final Pattern JOINED = Pattern.compile("joined .* in (\\d+) ms");

  private ClusterMembership() {}

  /** The launcher's join time from the node's log, or -1 when it did not print one. */
  static long joinedMs(ClusterNode node) {
    Matcher m = JOINED.matcher(node.output());
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  /** " (joined in N ms)" when the node's log has the launcher's INFO line (not when a WARN logback.xml wins). */
  private static String joined(ClusterNode node) {
    long ms = joinedMs(node);
    return ms < 0 ? "" : " (joined in " + ms + " ms)";
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

  /**
   * Starts runners one by one ({@code start} gives the runner id → started node), printing join and RSS figures,
   * then SIGKILLs each and, with {@code stop}, SIGSTOPs one more, timing how long /health keeps listing it.
   */
  static void measure(WebClient web, ClusterNode core, long coreUpMs, int kills, boolean stop,
      Function<String, ClusterNode> start) throws Exception {
    System.out.printf("membership: core node spawn → up %d ms%s, RSS %.0f MB%n", coreUpMs, joined(core),
        rssMb(core.pid()));
    List<ClusterNode> runners = new ArrayList<>();
    List<Long> ups = new ArrayList<>();
    List<Long> joins = new ArrayList<>();
    for (int i = 1; i <= kills + (stop ? 1 : 0); i++) {
      long t0 = System.nanoTime();
      ClusterNode r = start.apply("m" + i);
      long up = (System.nanoTime() - t0) / 1_000_000;
      awaitListed(web, "m" + i, true);
      runners.add(r);
      ups.add(up);
      joins.add(joinedMs(r));
      System.out.printf("  runner m%d: spawn → up %d ms%s, RSS %.0f MB, listed after %d ms%n", i, up, joined(r),
          rssMb(r.pid()), (System.nanoTime() - t0) / 1_000_000);
    }
    List<Long> killed = new ArrayList<>();
    for (int i = 1; i <= kills; i++) {
      ClusterNode r = runners.get(i - 1);
      long t0 = System.nanoTime();
      r.kill();
      awaitListed(web, "m" + i, false);
      killed.add((System.nanoTime() - t0) / 1_000_000);
    }
    System.out.printf("  later nodes: spawn → up median %d ms%s%n", median(ups),
        median(joins) < 0 ? "" : ", joined median " + median(joins) + " ms");
    System.out.printf("  SIGKILLed runner gone from /health after: %s ms (median %d)%n", killed, median(killed));
    if (stop) {
      ClusterNode r = runners.get(kills);
      long t0 = System.nanoTime();
      new ProcessBuilder("kill", "-STOP", String.valueOf(r.pid())).start().waitFor();
      awaitListed(web, "m" + (kills + 1), false);
      System.out.printf("  SIGSTOPped runner gone from /health after: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      r.kill();
    }
  }

  private static long median(List<Long> xs) {
    List<Long> s = xs.stream().sorted().toList();
    return s.isEmpty() ? -1 : s.get(s.size() / 2);
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
