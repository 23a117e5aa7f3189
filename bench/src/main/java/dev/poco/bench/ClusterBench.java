package dev.poco.bench;

import dev.poco.launcher.BenchTls;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * PoCo as a cluster of JVMs on this machine, each node started as a user starts it ({@code poco start --foreground
 * --cluster --only ...}): a core node (store, orchestrator, HTTP edge) and runner nodes. One cluster per mode, all up
 * at once, each step taken in every cluster in turn so all see the same machine load; printed side by side in one
 * table:
 * <ul>
 *   <li>what membership costs (issue 13): spawn → up of the core node and of later runner nodes, how long /health
 *       keeps listing a runner after SIGKILL (its sockets close) and after SIGSTOP (only heartbeats tell), and the RSS
 *       of the core node and the runners after joining and after load;
 *   <li>the event-bus round trip inside one JVM and across JVMs (median, p99), both modes' clusters up at once and
 *       pinged in alternating blocks, so both see the same machine load;
 *   <li>stub-task throughput through HTTP with 1, 2, then 3 runner JVMs, in two settings: the instant stub (CPU
 *       only: on a small machine more JVMs compete for the same cores) and a stub that waits ~51 ms per task with few
 *       slots per runner (as an agent waits on its model: runner capacity, not CPU, is the limit; the ceiling in the
 *       row is what the slots allow).
 * </ul>
 *
 * <p>Modes: {@code plain} (no credentials: loopback plain mode) and {@code tls}, a trusted cluster made with the real
 * CLI: {@code poco cluster init} in the core node's home, {@code poco cluster add-node <runner> --roles agent-runner}
 * there, and each runner started with {@code --join <bundle>}, so JGroups runs over TLS with the cluster's CA, the
 * bus over mutual TLS, and routing is guarded, as {@code poco start} runs them. {@code -Dbench.cluster.bus=plain} or
 * {@code =tls} runs one mode only.
 *
 * <p>Run: {@code bench/run.sh cluster}. Figures only; nothing is asserted.
 */
public final class ClusterBench {
  private static final String LOCAL_ECHO = "bench.echo.local";
  private static final String REMOTE_ECHO = "bench.echo.remote";
  private static final String CORE_ROLES = "store,orchestrator,demo-api";

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
    int kills = Integer.getInteger("bench.cluster.kills", 3);
    int waitDelta = Integer.getInteger("bench.cluster.wait.delta.ms", 17);
    List<Setting> settings = List.of(
        new Setting("i", "instant stub", 32, 0, Integer.getInteger("bench.cluster.tasks.instant", 4_000)),
        new Setting("w", "waiting stub", 4, waitDelta, Integer.getInteger("bench.cluster.tasks.wait", 1_000)));
    List<Bus> modes = Stream.of(System.getProperty("bench.cluster.bus", "plain,tls").split(","))
        .map(m -> Bus.valueOf(m.trim().toUpperCase(Locale.ROOT))).toList();
    System.out.printf("PoCo cluster bench: %d cores, java %s; modes %s; %d pings, %d SIGKILLs and 1 SIGSTOP per mode,"
        + " %d chats (closed loops)%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        modes, pings, kills, chats);

    Path dir = Files.createTempDirectory("poco-cluster-bench");
    SideBySide<Bus> table = new SideBySide<>(modes);
    List<PocoProcess> nodes = new ArrayList<>();
    List<ModeCluster> clusters = new ArrayList<>();
    try {
      roundTrip(modes, dir, pings, table);
      // both modes' clusters up at once, their steps alternating, so both see the same machine load
      for (Bus mode : modes) clusters.add(ModeCluster.start(mode, dir, chats, nodes, table));
      membership(clusters, kills, table);
      for (Setting s : settings) stages(clusters, s, chats, maxRunners, table);
      for (ModeCluster c : clusters) {
        table.put("RSS core node after load (MB)", c.mode, ClusterMembership.rssMb(c.core.pid()), "%.0f");
      }
    } finally {
      clusters.forEach(ModeCluster::close);
      nodes.forEach(n -> { if (n.alive()) n.kill(); });
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }

    System.out.println();
    System.out.println("PoCo cluster, " + modes.stream().map(Bus::toString).collect(Collectors.joining(" and "))
        + (modes.size() > 1 ? " side by side" : "") + " (TLS: JGroups over TLS, bus over mutual TLS, guarded routing;"
        + " credentials from 'poco cluster init' and 'add-node', runners started with --join):");
    table.print();
    System.out.printf("  (instant stub: POCO_STUB_DELTA_MS=0, 32 slots per runner, %d tasks; waiting stub:"
        + " POCO_STUB_DELTA_MS=%d, %d ms per task, 4 slots per runner, %d tasks; ceiling = runners × 4 slots / %d ms;"
        + " per task = POST /demo/command → completed, median/p99)%n", settings.get(0).tasks(), waitDelta,
        3 * waitDelta, settings.get(1).tasks(), 3 * waitDelta);
  }

  /** One mode's cluster: its core node (credentials made by the real CLI for tls), a client of its HTTP edge. */
  private static final class ModeCluster {
    final Bus mode;
    final Path dir;
    final String cluster = "bench-" + UUID.randomUUID();
    final String seed = "127.0.0.1:" + Ports.free();
    final List<PocoProcess> nodes;
    final Vertx vertx = Vertx.vertx();
    ClusterSetup setup;
    PocoProcess core;
    WebClient web;

    private ModeCluster(Bus mode, Path dir, List<PocoProcess> nodes) {
      this.mode = mode;
      this.dir = dir;
      this.nodes = nodes;
    }

    static ModeCluster start(Bus mode, Path dir, int chats, List<PocoProcess> nodes, SideBySide<Bus> table) {
      ModeCluster c = new ModeCluster(mode, dir, nodes);
      int httpPort = Ports.free();
      Path home = dir.resolve("core-" + mode);
      Map<String, String> env = env(c.cluster, dir, Map.of("POCO_CLUSTER_PORT", c.seed.split(":")[1],
          "POCO_HTTP_PORT", String.valueOf(httpPort)));
      if (mode == Bus.TLS) c.setup = ClusterSetup.init(home, env, "core", CORE_ROLES);
      long t0 = System.nanoTime();
      c.core = PocoNode.start(home, CORE_ROLES, env, null);
      nodes.add(c.core);
      long up = (System.nanoTime() - t0) / 1_000_000;
      double rss = ClusterMembership.rssMb(c.core.pid());
      System.out.printf("%s: core node up in %d ms, RSS %.0f MB%n", mode, up, rss);
      table.put("join: core node, spawn → up (ms)", mode, up, "%.0f");
      table.put("RSS core node after join (MB)", mode, rss, "%.0f");
      c.web = WebClient.create(c.vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(httpPort)
          .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(chats));
      return c;
    }

    /** For tls, runner {@code id}'s bundle from 'poco cluster add-node' on the core's home; null for plain. */
    Path bundle(String id) { return setup == null ? null : setup.addRunner(id); }

    /**
     * A runner node with {@code slots} and the stub's delta; with {@code bundle} (tls) it joins with it, and its id
     * is its certificate's node name, as a trusted cluster requires.
     */
    PocoProcess startRunner(Path bundle, String id, int slots, int deltaMs) {
      PocoProcess r = PocoNode.start(dir.resolve(id + "-" + mode), "agent-runner", env(cluster, dir, Map.of(
          "POCO_CLUSTER_MEMBERS", seed,
          "POCO_CLUSTER_PORT", String.valueOf(Ports.free()), "POCO_RUNNER_ID", id,
          "POCO_RUNNER_MAX_TASKS", String.valueOf(slots), "POCO_STUB_DELTA_MS", String.valueOf(deltaMs))), bundle);
      nodes.add(r);
      return r;
    }

    void close() {
      try {
        vertx.close().await();
      } catch (Exception e) {
        // leaving anyway
      }
      if (core != null && core.alive()) core.stop();
    }
  }

  /** Runners m1… joining, then SIGKILLed, then one SIGSTOPped, each step taken in every cluster in turn. */
  private static void membership(List<ModeCluster> clusters, int kills, SideBySide<Bus> table) throws Exception {
    Map<Bus, ClusterMembership> ms = new EnumMap<>(Bus.class);
    for (ModeCluster c : clusters) {
      Map<String, Path> bundles = new HashMap<>(); // issued before the clock starts: the CA machine's step
      for (int i = 1; i <= kills + 1; i++) bundles.put("m" + i, c.bundle("m" + i));
      ms.put(c.mode, new ClusterMembership(c.mode.toString(), c.web, id -> c.startRunner(bundles.get(id), id, 4, 0)));
    }
    for (int i = 1; i <= kills + 1; i++) for (ClusterMembership m : ms.values()) m.join();
    for (int i = 1; i <= kills; i++) for (ClusterMembership m : ms.values()) m.kill(i);
    for (ClusterMembership m : ms.values()) m.stop(kills + 1);
    ms.forEach((mode, cm) -> {
      ClusterMembership.Figures m = cm.figures();
      table.put("join: later (runner) nodes, spawn → up, median of " + m.upMs().size() + " (ms)", mode,
          ClusterMembership.median(m.upMs()), "%.0f");
      table.put("SIGKILLed runner gone from /health, median of " + kills + " (ms)", mode,
          ClusterMembership.median(m.killedMs()), "%.0f");
      table.put("SIGSTOPped runner gone from /health (ms)", mode, m.stoppedMs(), "%.0f");
      table.put("RSS runner after join, median of " + m.rssMb().size() + " (MB)", mode,
          ClusterMembership.median(m.rssMb()), "%.0f");
    });
  }

  /** 1..maxRunners runner JVMs beside each cluster's core, measured through HTTP, the clusters taking turns. */
  private static void stages(List<ModeCluster> clusters, Setting s, int chats, int maxRunners, SideBySide<Bus> table)
      throws Exception {
    Map<Bus, List<PocoProcess>> runners = new EnumMap<>(Bus.class);
    for (int n = 1; n <= maxRunners; n++) {
      String id = s.key() + n;
      for (ModeCluster c : clusters) {
        List<PocoProcess> rs = runners.computeIfAbsent(c.mode, k -> new ArrayList<>());
        rs.add(c.startRunner(c.bundle(id), id, s.slots(), s.deltaMs()));
        awaitRunners(c.web, rs.size(), s.key());
        Stage st = stage(c.web, id, n, chats, s.tasks());
        System.out.printf("  %s, %s, %d runner JVM(s): %.0f tasks/s%n", c.mode, s.label(), n, st.tasksPerSecond());
        String ceiling = s.deltaMs() == 0 ? "" : String.format(Locale.ROOT, ", ceiling %.0f",
            n * s.ceilingPerRunner());
        String runnersText = n + " runner" + (n == 1 ? "" : "s");
        table.put(s.label() + ", " + runnersText + " (tasks/s" + ceiling + ")", c.mode, st.tasksPerSecond(), "%.0f");
        table.put(s.label() + ", " + runnersText + ", per task median/p99 (ms)", c.mode,
            st.latency().medianMicros() / 1000,
            String.format(Locale.ROOT, "%%.1f/%.1f", st.latency().percentileMicros(99) / 1000));
      }
    }
    runners.forEach((mode, rs) -> {
      List<Double> rss = rs.stream().map(r -> ClusterMembership.rssMb(r.pid())).toList();
      table.put("RSS runner after the " + s.label() + " load, median of " + rss.size() + " (MB)", mode,
          ClusterMembership.median(rss), "%.0f");
      rs.forEach(PocoProcess::stop);
    });
  }

  private static Map<String, String> env(String cluster, Path dir, Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString()));
    env.putAll(extra);
    return env;
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
   * Request/reply from this JVM to an echo consumer in this JVM and to one in an {@link EchoNode} child JVM, per mode
   * in a cluster of its own (the echo node its seed; with tls, JGroups and the bus over TLS with a throw-away CA), all
   * modes' clusters up at once and pinged in alternating blocks, so all see the same machine load.
   */
  private static void roundTrip(List<Bus> modes, Path dir, int n, SideBySide<Bus> table) throws Exception {
    Map<Bus, Process> echoes = new EnumMap<>(Bus.class);
    Map<Bus, Vertx> members = new EnumMap<>(Bus.class);
    Map<Bus, String> clusters = new EnumMap<>(Bus.class);
    Map<Bus, String> seeds = new EnumMap<>(Bus.class);
    Path ca = dir.resolve("echo-ca");
    try {
      for (Bus b : modes) {
        clusters.put(b, "echo-" + UUID.randomUUID());
        seeds.put(b, "127.0.0.1:" + Ports.free());
        Path credentials = null;
        if (b == Bus.TLS) {
          BenchTls.init(ca, clusters.get(b));
          credentials = BenchTls.issue(ca, clusters.get(b), "echo");
        }
        echoes.put(b, spawnEcho(clusters.get(b), seeds.get(b), dir, b, credentials));
      }
      for (Process echo : echoes.values()) awaitLine(echo, EchoNode.READY, 60);
      for (Bus b : modes) {
        Vertx vertx = BenchCluster.join(clusters.get(b), seeds.get(b), Ports.free(),
            b == Bus.TLS ? BenchTls.issue(ca, clusters.get(b), "bench") : null);
        members.put(b, vertx);
        vertx.eventBus().consumer(b.local(), m -> m.reply(m.body())).completion().await();
        awaitRoute(vertx, b.remote());
      }
      DeliveryOptions opts = new DeliveryOptions().setSendTimeout(5_000);
      JsonObject body = new JsonObject().put("ping", 1);
      int block = Math.max(1, n / 4);
      Map<Bus, long[][]> samples = new EnumMap<>(Bus.class);
      for (Bus b : modes) {
        for (String address : List.of(b.local(), b.remote())) {
          ping(members.get(b), address, body, opts, new long[5_000], 0, 5_000); // warm-up
        }
        samples.put(b, new long[][] {new long[n], new long[n]});
      }
      for (int from = 0; from < n; from += block) {
        int to = Math.min(n, from + block);
        for (Bus b : modes) {
          ping(members.get(b), b.local(), body, opts, samples.get(b)[0], from, to);
          ping(members.get(b), b.remote(), body, opts, samples.get(b)[1], from, to);
        }
      }
      samples.forEach((b, s) -> {
        Stats local = new Stats(s[0]);
        Stats remote = new Stats(s[1]);
        System.out.printf("%s: bus round trip in one JVM %.1f µs, across JVMs %.1f µs (medians)%n", b,
            local.medianMicros(), remote.medianMicros());
        table.put("bus round trip across JVMs, median (µs)", b, remote.medianMicros(), "%.1f");
        table.put("bus round trip across JVMs, p99 (µs)", b, remote.percentileMicros(99), "%.1f");
        table.put("bus round trip inside one JVM, median (µs)", b, local.medianMicros(), "%.1f");
        table.put("bus round trip inside one JVM, p99 (µs)", b, local.percentileMicros(99), "%.1f");
      });
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
