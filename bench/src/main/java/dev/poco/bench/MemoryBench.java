package dev.poco.bench;

import dev.poco.testkit.BigTasks;
import dev.poco.testkit.Http;
import dev.poco.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * `poco start` as a user runs it (fat jar, the server's own small heap), then 100 tasks with 1 MiB prompts whose stub
 * agent answers 10 MiB each (BIG): idle RSS and heap, RSS and heap after them (and the heap after a full GC, what
 * stays live), the time GET /tasks takes then (median of 9), whether every task completed, /health, and a sample of
 * outputs read back byte-exact. Prints figures; asserts nothing.
 */
public final class MemoryBench {
  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "launcher/target/poco.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      System.out.println("memory: skipped, " + jar + " is missing (run ./poco once to build it)");
      return;
    }
    int tasks = Integer.getInteger("bench.memory.tasks", 100);
    long outputChars = Long.getLong("bench.memory.output", 10L * 1024 * 1024);
    int chats = Integer.getInteger("bench.memory.chats", 4);
    Path home = Files.createTempDirectory("poco-memory");
    int port = Ports.free();
    StartupBench.poco(jar, home, port, "start");
    long pid = Long.parseLong(Files.readAllLines(home.resolve("poco.pid")).get(0).strip()); // line 1: the pid
    Vertx vertx = Vertx.vertx();
    try (Http http = new Http(vertx, port)) {
      Thread.sleep(3_000);
      double idleRss = StartupBench.rssMb(pid);
      double idleHeap = heapUsedMb(pid);

      BigTasks big = new BigTasks(http);
      long t0 = System.nanoTime();
      List<String> ids = big.submit(tasks, chats, outputChars);
      List<JsonObject> done = big.awaitAll(ids, 3_600_000);
      double runS = (System.nanoTime() - t0) / 1e9;
      long completed = done.stream().filter(t -> "completed".equals(t.getString("status"))).count();
      long dropped = done.stream().mapToLong(t -> t.getLong("output_dropped", 0L)).sum();
      double rss = StartupBench.rssMb(pid);
      double heap = heapUsedMb(pid);

      double[] listMs = new double[9];
      int listed = -1;
      int listBytes = -1;
      for (int i = 0; i < listMs.length; i++) {
        long s = System.nanoTime();
        Http.Result r = http.get("/tasks?limit=" + tasks);
        listMs[i] = (System.nanoTime() - s) / 1e6;
        if (r.status() != 200) throw new IllegalStateException("GET /tasks → " + r.status() + " " + r.raw());
        listed = r.json().getJsonArray("tasks").size();
        listBytes = r.raw().length();
      }

      double[] fiveMs = new double[9];
      for (int i = 0; i < fiveMs.length; i++) {
        long s = System.nanoTime();
        Http.Result r = http.get("/tasks?limit=5");
        fiveMs[i] = (System.nanoTime() - s) / 1e6;
        if (r.status() != 200) throw new IllegalStateException("GET /tasks?limit=5 → " + r.status() + " " + r.raw());
      }

      String expected = BigTasks.expectedSha256(outputChars);
      int exact = 0;
      List<String> sample = List.of(ids.get(0), ids.get(ids.size() / 2), ids.get(ids.size() - 1));
      for (String id : sample) {
        BigTasks.Read read = big.readOutput(id);
        if (read.chars() == outputChars && read.sha256().equals(expected)) exact++;
      }
      String health = http.get("/health").str("status");
      double rssAfterReads = StartupBench.rssMb(pid);
      jcmd(pid, "GC.run");
      double liveHeap = heapUsedMb(pid);
      String log = Files.readString(home.resolve("poco.log"));

      System.out.printf("memory, `poco start` server (%s): idle RSS %.0f MB, heap used %.1f MB%n",
          serverHeapFlags(pid), idleRss, idleHeap);
      System.out.printf("  %d tasks × (%d KiB prompt, %d MiB output) over %d chats in %.0f s: %d completed, "
          + "%d output characters dropped%n", tasks, BigTasks.PROMPT_CHARS / 1024, outputChars >> 20, chats, runS,
          completed, dropped);
      System.out.printf("  after them: RSS %.0f MB, heap used %.1f MB (%.1f MB live after a full GC); RSS after reading"
          + " %d outputs back %.0f MB%n", rss, heap, liveHeap, sample.size(), rssAfterReads);
      System.out.printf("  GET /tasks?limit=%d (%d tasks, %d KB): median %.1f ms (max %.1f)%n", tasks, listed,
          listBytes / 1024, Stats.median(listMs), max(listMs));
      System.out.printf("  GET /tasks?limit=5: median %.1f ms (max %.1f)%n", Stats.median(fiveMs), max(fiveMs));
      System.out.printf("  outputs read back byte-exact: %d of %d sampled; /health %s; OutOfMemoryError in the log: %s%n",
          exact, sample.size(), health, log.contains("OutOfMemoryError") ? "yes" : "no");
    } finally {
      StartupBench.poco(jar, home, port, "shutdown");
      vertx.close().await();
    }
  }

  /** Young plus old generation in use, from jstat (KB columns S0U S1U EU OU). */
  static double heapUsedMb(long pid) throws IOException, InterruptedException {
    String[] lines = jstat(pid).strip().split("\n");
    String[] head = lines[0].trim().split("\\s+");
    String[] vals = lines[1].trim().split("\\s+");
    double kb = 0;
    for (int i = 0; i < head.length; i++) {
      if (List.of("S0U", "S1U", "EU", "OU").contains(head[i])) kb += Double.parseDouble(vals[i]);
    }
    return kb / 1024;
  }

  private static String jstat(long pid) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  private static void jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("jcmd", String.valueOf(pid), command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
  }

  private static String serverHeapFlags(long pid) throws IOException {
    String cmd = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
    StringBuilder flags = new StringBuilder();
    for (String part : cmd.split(" ")) {
      if (part.startsWith("-Xmx") || part.startsWith("-Xms")) flags.append(flags.length() > 0 ? " " : "").append(part);
    }
    return flags.toString();
  }

  private static double max(double[] xs) {
    double m = 0;
    for (double x : xs) m = Math.max(m, x);
    return m;
  }
}
