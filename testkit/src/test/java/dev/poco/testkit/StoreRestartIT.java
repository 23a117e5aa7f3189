package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store node dies (kill -9) and comes back on the same SQLite file while tasks run and prompts arrive; the
 * orchestrator node rides it out with retried store calls. Prints how long requests stalled.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("The store node restarts under load; exactly one store serves a cluster")
class StoreRestartIT {
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "store-" + UUID.randomUUID();
  final List<ClusterNode> nodes = new ArrayList<>();
  ClusterCredentialsKit trust; // the first node started makes the cluster's CA: every node runs with credentials

  @AfterEach
  void close() {
    nodes.forEach(n -> { if (n.alive()) n.kill(); });
    nodes.forEach(n -> System.out.println("==== node\n" + tail(n.output(), 60)));
    vertx.close().await();
  }

  /** An acknowledged prompt: the HTTP reply carried its task id. */
  record Acked(String chat, String taskId, String answer, long submitMs) {}

  @Test
  @DisplayName("kill -9 of the store node while tasks run and prompts arrive: after its restart every acknowledged"
      + " task ends completed with its answer, nothing acknowledged is lost, the orchestrator never restarts; a"
      + " second store node refuses to start")
  void storeRestart() {
    int base = ClusterRestartIT.freeBlock(2);
    int http = Ports.free();
    Map<String, String> store = Map.of("POCO_CLUSTER_NAME", cluster, "POCO_CLUSTER_PORT", String.valueOf(base),
        "POCO_HOME", dir.resolve("s").toString());
    Map<String, String> core = Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString(), "POCO_CLUSTER_PORT", String.valueOf(base + 1),
        "POCO_CLUSTER_MEMBERS", "127.0.0.1:" + base, "POCO_HTTP_PORT", String.valueOf(http),
        "POCO_RUNNER_ID", "r1", "POCO_STUB_SLOW_SECONDS", "3");
    ClusterNode s = start("s", "store", store);
    ClusterNode c = start("c", "orchestrator,demo-api,agent-runner", core);
    long corePid = c.pid();

    List<Acked> acked = new ArrayList<>();
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, Set.of("r1"));
      for (String chat : List.of("q1", "q2", "q3", "w1", "w2", "w3")) { // projects exist before the store dies
        acked.add(submit(demo, chat, "Reply with exactly: WARM " + chat));
      }
      for (Acked a : acked) assertThat(demo.awaitDone(a.taskId, 20).getString("status")).isEqualTo("completed");
      // slow tasks: running when the store dies, finishing while it is away or just back
      for (String chat : List.of("w1", "w2", "w3")) {
        Acked a = submit(demo, chat, "SLOW Reply with exactly: SLOW " + chat);
        acked.add(a);
        ClusterIT.running(demo, a.taskId);
      }
    }

    // prompts keep arriving from another thread the whole time
    AtomicBoolean submitting = new AtomicBoolean(true);
    List<Acked> flow = java.util.Collections.synchronizedList(new ArrayList<>());
    Map<String, Integer> refused = new ConcurrentHashMap<>();
    AtomicLong maxStall = new AtomicLong();
    Thread submitter = new Thread(() -> {
      try (Http h = new Http(vertx, http)) {
        Demo demo = new Demo(h);
        for (int i = 0; submitting.get(); i++) {
          String chat = "q" + (1 + i % 3);
          String answer = "Q" + i;
          long t0 = System.nanoTime();
          Http.Result r = demo.command(chat, "Reply with exactly: " + answer);
          long ms = (System.nanoTime() - t0) / 1_000_000;
          maxStall.accumulateAndGet(ms, Math::max);
          if (r.status() == 200 && r.str("task_id") != null) flow.add(new Acked(chat, r.str("task_id"), answer, ms));
          else refused.merge(r.status() + " " + r.raw(), 1, Integer::sum);
          ClusterIT.sleepMs(50);
        }
      }
    }, "submitter");
    submitter.start();
    ClusterIT.sleepMs(1_000);

    s.kill();
    long killedAt = System.nanoTime();
    s = start("s", "store", store);
    long backMs = (System.nanoTime() - killedAt) / 1_000_000;
    ClusterIT.sleepMs(2_000);
    submitting.set(false);
    join(submitter);
    acked.addAll(flow);

    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      for (Acked a : acked) {
        JsonObject t = ClusterIT.awaitDone(demo, a.taskId, 60);
        assertThat(t.getString("status")).as(a + " " + t.encode()).isEqualTo("completed");
        assertThat(t.getString("result")).as(a.toString()).isEqualTo(a.answer);
      }
    }
    assertThat(c.alive()).as("the orchestrator node never restarted").isTrue();
    assertThat(c.pid()).isEqualTo(corePid);
    long slow = flow.stream().filter(a -> a.submitMs > 1_000).count();
    System.out.printf("store node killed and back (joined, serving) in %d ms; %d prompts acknowledged meanwhile,"
        + " slowest acknowledgement %d ms, %d took over 1 s; not acknowledged: %s%n", backMs, flow.size(),
        maxStall.get(), slow, refused);
    System.out.println(grep(c.output(), "store unavailable|store's node"));

    // What was acknowledged is in the file: crash the store once more and read every task back from SQLite.
    s.kill();
    start("s", "store", store);
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      for (Acked a : acked) {
        JsonObject t = demo.task(a.taskId); // terminal tasks are read from the store
        assertThat(t.getString("status")).as(a.toString()).isEqualTo("completed");
        assertThat(t.getString("result")).isEqualTo(a.answer);
      }
      String after = demo.run("q1", "Reply with exactly: AFTER");
      assertThat(demo.awaitDone(after, 20).getString("result")).isEqualTo("AFTER");
    }

    // Exactly one store: a second store node (its own file) refuses to join as an owner.
    Map<String, String> second = new HashMap<>(store);
    second.put("POCO_HOME", dir.resolve("s2").toString());
    second.put("POCO_CLUSTER_PORT", String.valueOf(base + 2));
    second.put("POCO_CLUSTER_MEMBERS", "127.0.0.1:" + base + ",127.0.0.1:" + (base + 1));
    ClusterNode s2 = ClusterNode.launch(dir.resolve("s2"), "store", second,
        trust.joinArgs(dir.resolve("s2"), "s2", "store"));
    nodes.add(s2);
    assertThat(s2.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(s2.output()).contains("another store already serves this cluster")
        .contains(dir.resolve("s").resolve("poco.db").toString());
    System.out.println("second store refused: " + grep(s2.output(), "another store"));
  }

  @Test
  @DisplayName("a Stop in flight to a runner node that froze and then died is answered as soon as the node leaves,"
      + " well inside the 5 s runner timeout")
  void requestToADeadRunnerFailsFast() throws Exception {
    int base = ClusterRestartIT.freeBlock(2);
    int http = Ports.free();
    ClusterNode a = start("a", "store,orchestrator,demo-api", Map.of("POCO_CLUSTER_NAME", cluster,
        "POCO_AGENT_BACKEND", "stub", "POCO_WORKDIR_ROOTS", dir.toString(), "POCO_CLUSTER_PORT",
        String.valueOf(base), "POCO_HTTP_PORT", String.valueOf(http)));
    ClusterNode r = start("r", "agent-runner", Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString(), "POCO_CLUSTER_PORT", String.valueOf(base + 1),
        "POCO_CLUSTER_MEMBERS", "127.0.0.1:" + base, "POCO_RUNNER_ID", "r1", "POCO_STUB_SLOW_SECONDS", "300"));
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, Set.of("r1"));
      String task = demo.run("c1", "SLOW work");
      ClusterIT.running(demo, task);

      signal(r, "STOP"); // frozen: the Stop reaches its socket and nobody answers
      long t0 = System.nanoTime();
      Thread killer = new Thread(() -> {
        ClusterIT.sleepMs(300);
        r.kill();
      });
      killer.start();
      Http.Result stop = demo.command("c1", "/stop");
      long ms = (System.nanoTime() - t0) / 1_000_000;
      join(killer);
      JsonObject t = ClusterIT.awaitDone(demo, task, 20);
      System.out.printf("Stop sent to a frozen runner node, killed 300 ms later: answered in %d ms (%d), task %s%n",
          ms, stop.status(), t.getString("status"));
      assertThat(stop.status()).isEqualTo(200);
      assertThat(ms).as("answered before the 5 s runner timeout").isLessThan(4_000);
      assertThat(t.getString("status")).isIn("cancelled", "interrupted");
      assertThat(a.alive()).isTrue();
    }
  }

  private ClusterNode start(String name, String roles, Map<String, String> env) {
    long t0 = System.nanoTime();
    Path home = dir.resolve(name + "-" + nodes.size());
    Path pocoHome = env.containsKey("POCO_HOME") ? Path.of(env.get("POCO_HOME")) : home;
    String node = env.getOrDefault("POCO_RUNNER_ID", name); // a runner's id is its certificate's name
    String[] join = {};
    if (trust == null) trust = ClusterCredentialsKit.init(pocoHome, node, env);
    else join = trust.joinArgs(pocoHome, node, roles);
    ClusterNode n = ClusterNode.start(home, roles, env, join);
    System.out.printf("node %s (%s) up in %d ms%n", name, roles, (System.nanoTime() - t0) / 1_000_000);
    nodes.add(n);
    return n;
  }

  private static Acked submit(Demo demo, String chat, String prompt) {
    long t0 = System.nanoTime();
    String id = demo.run(chat, prompt);
    return new Acked(chat, id, prompt.substring(prompt.indexOf(": ") + 2), (System.nanoTime() - t0) / 1_000_000);
  }

  private static void signal(PocoProcess p, String sig) throws Exception {
    int rc = new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).start().waitFor();
    assertThat(rc).as("kill -" + sig).isZero();
  }

  private static void join(Thread t) {
    try {
      t.join(120_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String grep(String text, String regex) {
    StringBuilder out = new StringBuilder();
    java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
    for (String line : text.split("\n")) if (p.matcher(line).find()) out.append(line).append('\n');
    return out.toString();
  }

  private static String tail(String text, int lines) {
    String[] all = text.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
  }
}
