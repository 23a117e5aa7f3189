package dev.poco.bench;

import dev.poco.launcher.BenchTls;
import dev.poco.testkit.ClusterNode;
import dev.poco.testkit.PocoProcess;
import dev.poco.testkit.Ports;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * PoCo as a cluster of JVMs on this machine: a core node (store, orchestrator, HTTP edge) and 1, 2, then 3
 * runner nodes, each a child JVM started as `poco start --cluster --only ...`. Prints stub-task throughput
 * through HTTP for each runner count, in two settings: the instant stub (CPU only: on a small machine more
 * JVMs compete for the same cores) and a stub that waits ~51 ms per task with few slots per runner (as an
 * agent waits on its model: runner capacity, not CPU, is the limit, so more runners can add throughput; the
 * ceiling printed beside it is what the slots allow). Before those, the median event-bus round trip inside
 * one JVM versus across JVMs, on the same clustered bus.
 *
 * <p>Each figure twice, side by side: with the event bus plain, and over mutual TLS with a throw-away cluster CA
 * (issue 13). TLS nodes run {@link dev.poco.launcher.BenchNode} (the same join and roles) until {@code poco start}
 * loads credentials; {@code -Dbench.cluster.bus=plain} or {@code =tls} runs one mode only.
 *
 * <p>Run: {@code bench/run.sh cluster}. Figures only; nothing is asserted.
 */
public final class ClusterBench {
  private static final String LOCAL_ECHO = "bench.echo.local";
  private static final String REMOTE_ECHO = "bench.echo.remote";

  /** One way to run the stub: what each runner is told, and a line that says so. */
  private record Setting(String key, String label, int slots, int deltaMs, int tasks) {
    /** The stub streams 4 deltas {@code deltaMs} apart: 3 waits per task. */
    double ceilingPerRunner() { return deltaMs == 0 ? Double.NaN : slots / (3 * deltaMs / 1000.0); }
  }

  private record Stage(int runners, double tasksPerSecond, Stats latency) {}

  public static void main(String[] args) throws Exception {
    int pings = Integer.getInteger("bench.cluster.pings", 20_000);
    int chats = Integer.getInteger("bench.cluster.chats", 30);
    int maxRunners = Integer.getInteger("bench.cluster.runners", 3);
    int waitDelta = Integer.getInteger("bench.cluster.wait.delta.ms", 17);
    List<Setting> settings = List.of(
        new Setting("i", "instant stub (POCO_STUB_DELTA_MS=0), 32 slots per runner", 32, 0,
            Integer.getInteger("bench.cluster.tasks.instant", 4_000)),
        new Setting("w", "stub waiting " + 3 * waitDelta + " ms per task (POCO_STUB_DELTA_MS=" + waitDelta
            + "), 4 slots per runner", 4, waitDelta, Integer.getInteger("bench.cluster.tasks.wait", 1_000)));
    System.out.printf("PoCo cluster bench: %d cores, java %s; %d chats, closed loops%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), chats);

    Path dir = Files.createTempDirectory("poco-cluster-bench");
    List<Bus> modes = Stream.of(System.getProperty("bench.cluster.bus", "plain,tls").split(","))
        .map(m -> Bus.valueOf(m.trim().toUpperCase(Locale.ROOT))).toList();
    List<PocoProcess> nodes = new ArrayList<>();
    Map<Bus, Map<Setting, List<Stage>>> results = new EnumMap<>(Bus.class);
    Map<Bus, Stats[]> bus = null;
    try {
      // one cluster per mode, one after the other: the machine runs one mode's JVMs at a time
      for (Bus mode : modes) {
        String cluster = "bench-" + UUID.randomUUID();
        String seed = "127.0.0.1:" + Ports.free();
        int httpPort = Ports.free();
        Path ca = dir.resolve("ca-" + mode.name().toLowerCase(Locale.ROOT));
        if (mode == Bus.TLS) BenchTls.init(ca, cluster);
        long t0 = System.nanoTime();
        nodes.add(startNode(mode, ca, cluster, dir.resolve("core-" + mode), "core", "store,orchestrator,demo-api",
            env(cluster, dir, Map.of("POCO_CLUSTER_PORT", seed.split(":")[1], "POCO_HTTP_PORT",
                String.valueOf(httpPort)))));
        System.out.printf("%s: core node up in %d ms%n", mode, (System.nanoTime() - t0) / 1_000_000);
        if (bus == null) bus = roundTrip(cluster, seed, dir, pings);
        results.put(mode, stages(mode, ca, cluster, seed, dir, httpPort, settings, chats, maxRunners, nodes));
      }
    } finally {
      nodes.forEach(n -> { if (n.alive()) n.stop(); });
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }

    System.out.println();
    System.out.printf("event-bus round trip on the clustered bus (%d pings each, one in flight; plain and mutual TLS"
        + " side by side, in alternating blocks):%n", pings);
    Stats[] plain = bus.get(Bus.PLAIN);
    for (Bus b : Bus.values()) {
      Stats[] st = bus.get(b);
      String vsPlain = b == Bus.PLAIN ? "" : String.format(Locale.ROOT, "; %.2f× plain's median, %.2f× its p99",
          st[1].medianMicros() / plain[1].medianMicros(), st[1].percentileMicros(99) / plain[1].percentileMicros(99));
      System.out.printf("  %-5s inside one JVM: median %.1f µs, p99 %.1f µs%n", b, st[0].medianMicros(),
          st[0].percentileMicros(99));
      System.out.printf("  %-5s across JVMs:    median %.1f µs, p99 %.1f µs  (%.1f× in-JVM median%s)%n", b,
          st[1].medianMicros(), st[1].percentileMicros(99), st[1].medianMicros() / st[0].medianMicros(), vsPlain);
    }
    for (Setting s : settings) {
      System.out.printf("stub tasks, POST /demo/command → completed, core node + N runner JVMs; %s, %d tasks:%n",
          s.label(), s.tasks());
      Bus baseline = modes.contains(Bus.PLAIN) ? Bus.PLAIN : modes.get(0);
      for (Bus mode : modes) {
        List<Stage> stages = results.get(mode).get(s);
        List<Stage> base = results.get(baseline).get(s);
        for (int i = 0; i < stages.size(); i++) {
          Stage st = stages.get(i);
          String ceiling = s.deltaMs() == 0 ? "" : String.format(Locale.ROOT, ", ceiling %.0f",
              st.runners() * s.ceilingPerRunner());
          String vsPlain = mode == baseline ? "" : String.format(Locale.ROOT, ", %.2f× %s",
              st.tasksPerSecond() / base.get(i).tasksPerSecond(), baseline);
          System.out.printf("  %-5s %d runner JVM%s: %5.0f tasks/s (%.2f× one%s%s); per task median %.1f ms, p99 %.1f"
              + " ms%n", mode, st.runners(), st.runners() == 1 ? " " : "s", st.tasksPerSecond(),
              st.tasksPerSecond() / stages.get(0).tasksPerSecond(), ceiling, vsPlain,
              st.latency().medianMicros() / 1000, st.latency().percentileMicros(99) / 1000);
        }
      }
      if (s.deltaMs() > 0) {
        System.out.printf("  (ceiling = runners × %d slots / %d ms: every freed slot refilled at once)%n", s.slots(),
            3 * s.deltaMs());
      }
    }
  }

  /** For each setting, 1..maxRunners runner JVMs of this mode beside its core node, measured through HTTP. */
  private static Map<Setting, List<Stage>> stages(Bus mode, Path ca, String cluster, String seed, Path dir,
      int httpPort, List<Setting> settings, int chats, int maxRunners, List<PocoProcess> nodes) throws Exception {
    Map<Setting, List<Stage>> results = new HashMap<>();
    Vertx vertx = Vertx.vertx();
    try {
      WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(httpPort).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(chats));
      for (Setting s : settings) {
        List<PocoProcess> runners = new ArrayList<>();
        List<Stage> stages = new ArrayList<>();
        for (int n = 1; n <= maxRunners; n++) {
          runners.add(startRunner(mode, ca, cluster, seed, dir, s, s.key() + n));
          nodes.add(runners.get(runners.size() - 1));
          awaitRunners(web, runners.size(), s.key());
          Stage st = stage(web, s.key() + n, n, chats, s.tasks());
          System.out.printf("  %s, %s, %d runner JVM(s): %.0f tasks/s%n", mode,
              s.key().equals("i") ? "instant" : "waiting", n, st.tasksPerSecond());
          stages.add(st);
        }
        runners.forEach(PocoProcess::stop);
        results.put(s, stages);
      }
    } finally {
      vertx.close().await();
    }
    return results;
  }

  /** A PoCo node: {@code poco start --cluster} for plain, {@link TlsNode} (credentials from {@code ca}) for TLS. */
  private static PocoProcess startNode(Bus mode, Path ca, String cluster, Path home, String name, String roles,
      Map<String, String> env) throws IOException {
    if (mode == Bus.PLAIN) return ClusterNode.start(home, roles, env);
    return TlsNode.start(home, roles, env, BenchTls.issue(ca, cluster, name));
  }

  private static Map<String, String> env(String cluster, Path dir, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString()));
    env.putAll(extra);
    return env;
  }

  private static PocoProcess startRunner(Bus mode, Path ca, String cluster, String seed, Path dir, Setting s,
      String id) throws IOException {
    return startNode(mode, ca, cluster, dir.resolve(id + "-" + mode), id, "agent-runner", env(cluster, dir, Map.of(
        "POCO_CLUSTER_MEMBERS", seed,
        "POCO_CLUSTER_PORT", String.valueOf(Ports.free()), "POCO_RUNNER_ID", id,
        "POCO_RUNNER_MAX_TASKS", String.valueOf(s.slots()), "POCO_STUB_DELTA_MS", String.valueOf(s.deltaMs()))));
  }

  /** Until /health lists {@code count} live runners of this setting. */
  private static void awaitRunners(WebClient web, int count, String prefix) throws InterruptedException {
    long end = System.currentTimeMillis() + 30_000;
    Set<String> seen = Set.of();
    while (System.currentTimeMillis() < end) {
      JsonArray runners = web.get("/health").send().await().bodyAsJsonObject().getJsonArray("runners", new JsonArray());
      seen = new HashSet<>();
      for (Object r : runners) {
        String id = ((JsonObject) r).getString("runner_id");
        if (id.startsWith(prefix)) seen.add(id);
      }
      if (seen.size() == count) return;
      Thread.sleep(100);
    }
    throw new IllegalStateException("runners seen: " + seen + ", expected " + count);
  }

  /** A warm-up round, then the measured one; every round on fresh chats, so new projects spread over all runners. */
  private static Stage stage(WebClient web, String key, int runners, int chats, int tasks) {
    run(web, key + "-warm", chats, Math.max(chats * 2, tasks / 4));
    long[] samples = new long[tasks];
    double tps = run(web, key, chats, tasks, samples);
    return new Stage(runners, tps, new Stats(samples));
  }

  private static double run(WebClient web, String prefix, int chats, int total) {
    return run(web, prefix, chats, total, new long[total]);
  }

  /** {@code chats} closed loops, each sending its next prompt once its previous task completed. */
  private static double run(WebClient web, String prefix, int chats, int total, long[] samples) {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    List<Future<Void>> loops = new ArrayList<>();
    for (int c = 0; c < chats; c++) loops.add(loop(web, prefix + "-" + c, next, total, samples));
    Future.all(loops).await();
    return total / ((System.nanoTime() - t0) / 1e9);
  }

  private static Future<Void> loop(WebClient web, String chat, AtomicInteger next, int total, long[] samples) {
    int i = next.getAndIncrement();
    if (i >= total) return Future.succeededFuture();
    long t0 = System.nanoTime();
    return DemoTask.run(web, chat, i).compose(v -> {
      samples[i] = System.nanoTime() - t0;
      return loop(web, chat, next, total, samples);
    });
  }

  /** How the bench's members run the bus: plain TCP, or mutual TLS with the cluster's CA (issue 13). */
  enum Bus {
    PLAIN, TLS;

    String local() { return LOCAL_ECHO + "." + name().toLowerCase(Locale.ROOT); }

    String remote() { return REMOTE_ECHO + "." + name().toLowerCase(Locale.ROOT); }

    @Override
    public String toString() { return this == PLAIN ? "plain" : "TLS"; }
  }

  /**
   * Request/reply from this JVM, a member of the cluster, to an echo consumer in this JVM and to one in an
   * {@link EchoNode} child JVM, for each {@link Bus} mode at once (a member and an echo node per mode), in
   * alternating blocks so all see the same machine load. Per mode: [0] local, [1] remote.
   */
  private static Map<Bus, Stats[]> roundTrip(String cluster, String seed, Path dir, int n) throws Exception {
    Path ca = dir.resolve("tls");
    BenchTls.init(ca, cluster);
    Map<Bus, Process> echoes = new EnumMap<>(Bus.class);
    Map<Bus, Vertx> members = new EnumMap<>(Bus.class);
    try {
      for (Bus b : Bus.values()) {
        echoes.put(b, spawnEcho(cluster, seed, dir, b, b == Bus.TLS ? BenchTls.issue(ca, cluster, "echo") : null));
      }
      for (Process echo : echoes.values()) awaitLine(echo, EchoNode.READY, 60);
      for (Bus b : Bus.values()) {
        Vertx vertx = BenchCluster.join(cluster, seed, b == Bus.TLS ? BenchTls.issue(ca, cluster, "bench") : null);
        members.put(b, vertx);
        vertx.eventBus().consumer(b.local(), m -> m.reply(m.body())).completion().await();
        awaitRoute(vertx, b.remote());
      }
      DeliveryOptions opts = new DeliveryOptions().setSendTimeout(5_000);
      JsonObject body = new JsonObject().put("ping", 1);
      int block = Math.max(1, n / 4);
      Map<Bus, Stats[]> stats = new EnumMap<>(Bus.class);
      Map<Bus, long[][]> samples = new EnumMap<>(Bus.class);
      for (Bus b : Bus.values()) {
        for (String address : List.of(b.local(), b.remote())) {
          ping(members.get(b), address, body, opts, new long[5_000], 0, 5_000);
        }
        samples.put(b, new long[][] {new long[n], new long[n]});
      }
      for (int from = 0; from < n; from += block) {
        int to = Math.min(n, from + block);
        for (Bus b : Bus.values()) {
          ping(members.get(b), b.local(), body, opts, samples.get(b)[0], from, to);
          ping(members.get(b), b.remote(), body, opts, samples.get(b)[1], from, to);
        }
      }
      samples.forEach((b, s) -> stats.put(b, new Stats[] {new Stats(s[0]), new Stats(s[1])}));
      return stats;
    } finally {
      for (Vertx vertx : members.values()) vertx.close().await();
      for (Process echo : echoes.values()) {
        echo.getOutputStream().close(); // the echo node leaves when its stdin closes
        if (!echo.waitFor(15, TimeUnit.SECONDS)) echo.destroyForcibly();
      }
    }
  }

  private static void ping(Vertx vertx, String address, JsonObject body, DeliveryOptions opts, long[] out, int from,
      int to) {
    for (int i = from; i < to; i++) {
      long t0 = System.nanoTime();
      vertx.eventBus().request(address, body, opts).await();
      out[i] = System.nanoTime() - t0;
    }
  }

  /** A new member sees others' consumers about a second after joining (VERTX.md §3, pitfall 8). */
  private static void awaitRoute(Vertx vertx, String address) throws InterruptedException {
    long end = System.currentTimeMillis() + 30_000;
    while (true) {
      try {
        vertx.eventBus().request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(1_000)).await();
        return;
      } catch (RuntimeException e) {
        if (System.currentTimeMillis() > end) throw new IllegalStateException(address + " never answered", e);
        Thread.sleep(100);
      }
    }
  }

  private static Process spawnEcho(String cluster, String seed, Path dir, Bus bus, Path credentials)
      throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC", // as PoCo's child nodes run in the tests
        "-cp", System.getProperty("java.class.path"), EchoNode.class.getName(), cluster, seed, bus.remote()));
    if (credentials != null) cmd.add(credentials.toString());
    String log = "echo-" + bus.name().toLowerCase(Locale.ROOT) + ".log";
    return new ProcessBuilder(cmd).redirectError(dir.resolve(log).toFile()).start();
  }

  private static void awaitLine(Process p, String line, int seconds) throws Exception {
    CompletableFuture<Boolean> seen = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) if (l.contains(line)) seen.complete(true);
      } catch (IOException e) {
        // the process ended
      }
      seen.complete(false);
    }, "echo-output");
    reader.setDaemon(true);
    reader.start();
    if (!seen.get(seconds, TimeUnit.SECONDS)) throw new IllegalStateException("the echo node exited: " + p.exitValue());
  }
}
