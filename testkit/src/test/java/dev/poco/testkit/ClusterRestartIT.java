package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.orchestrator.StoreClient;
import dev.poco.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("The orchestrator node restarts while a runner node works")
class ClusterRestartIT {
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "restart-" + UUID.randomUUID();
  final List<ClusterNode> nodes = new ArrayList<>();
  ClusterCredentialsKit trust; // made on the core node's first start: every node runs with credentials

  @AfterEach
  void close() {
    nodes.forEach(n -> { if (n.alive()) n.kill(); });
    nodes.forEach(n -> System.out.println("==== node\n" + n.output()));
    vertx.close().await();
  }

  @Test
  @DisplayName("kill -9 and restart of the store + orchestrator + edge node: the runner's task still completes and"
      + " its final state is stored")
  void orchestratorRestart() {
    int base = freeBlock(1);
    int http = Ports.free();
    Map<String, String> core = coreEnv(base, http);
    // The restarted core node, a first node without seed members, finds the runner through the members it
    // recorded before the kill ($POCO_HOME/cluster-members); the runner's port is nowhere near its own.
    Map<String, String> runner = runnerEnv(base, 15);
    ClusterNode a = start("store,orchestrator,demo-api", core);
    start("agent-runner", runner);
    String task;
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, java.util.Set.of("r1"));
      task = demo.run("c1", "SLOW Reply with exactly: SURVIVED");
      onRunner(demo, task);
    }
    a.kill();
    long t0 = System.nanoTime();
    start("store,orchestrator,demo-api", core);
    System.out.printf("core node back in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      JsonObject t = ClusterIT.awaitDone(demo, task, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("result")).isEqualTo("SURVIVED");
      assertThat(t.getString("runner_id")).isEqualTo("r1");
      String next = demo.run("c1", "Reply with exactly: NEXT");
      assertThat(demo.awaitDone(next, 20).getString("result")).isEqualTo("NEXT");
      // Clustered nodes run with Micrometer too: the edge serves its node's registry, which holds the
      // orchestrator's task meters (same node here) and the clustered event bus's own series.
      Http.Result metrics = h.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.raw()).contains("poco_tasks{").contains("poco_tasks_ended_total{state=\"completed\"}")
          .contains("vertx_eventbus_").contains("vertx_eventbus_handlers{address=\"poco.orchestrator.inbound\"");
    }
  }

  /**
   * Waits until the runner holds the task, not just until the orchestrator marked it running: the start
   * request leaves after that mark and, on a fresh connection to the runner's node, arrives ~0.1 s later.
   * A kill in between leaves a task no runner ever got, which a restart rightly ends as interrupted.
   */
  private static void onRunner(Demo demo, String task) {
    assertThat(ClusterIT.running(demo, task).getString("runner_id")).isEqualTo("r1");
    demo.awaitOutput(task, "sleeping"); // the stub's first activity, streamed from the runner
  }

  @Test
  @DisplayName("a task that finishes while the orchestrator node is down: its outcome reaches the restarted node")
  void finishedWhileDown() {
    int base = freeBlock(1);
    int http = Ports.free();
    Map<String, String> core = coreEnv(base, http);
    Map<String, String> runner = runnerEnv(base, 2);
    ClusterNode a = start("store,orchestrator,demo-api", core);
    start("agent-runner", runner);
    String task;
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, java.util.Set.of("r1"));
      task = demo.run("c1", "SLOW Reply with exactly: WHILE DOWN");
      onRunner(demo, task);
    }
    a.kill();
    ClusterIT.sleepMs(4_000); // the stub answers 2 s after it started, with nobody serving the orchestrator
    start("store,orchestrator,demo-api", core);
    try (Http h = new Http(vertx, http)) {
      JsonObject t = ClusterIT.awaitDone(new Demo(h), task, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("result")).isEqualTo("WHILE DOWN");
    }
  }

  @Test
  @DisplayName("a task stored as running that never reached its runner (the orchestrator died in between): after the"
      + " restart it is queued again and runs, instead of ending interrupted")
  void neverReachedRunner() {
    int base = freeBlock(1);
    int http = Ports.free();
    Map<String, String> core = coreEnv(base, http);
    Map<String, String> runner = runnerEnv(base, 30);
    ClusterNode a = start("store,orchestrator,demo-api", core);
    start("agent-runner", runner);
    JsonObject first;
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, java.util.Set.of("r1"));
      first = demo.awaitDone(demo.run("c1", "Reply with exactly: FIRST"), 20);
      assertThat(first.getString("status")).isEqualTo("completed");
    }
    a.kill();
    // What the orchestrator had stored when it died: the task marked running on r1, the start never sent.
    long now = System.currentTimeMillis();
    String lost = "t_never_" + UUID.randomUUID().toString().substring(0, 8);
    Task running = Task.fromJson(first).toBuilder().taskId(lost).prompt("Reply with exactly: REACHED")
        .status(TaskStatus.RUNNING).runnerId("r1").output("").result(null).error(null).usage(null).diff(null)
        .sessionId(null).cardMessageId(null).createdAt(now).updatedAt(now).startedAt(now).finishedAt(0).build();
    writeToStore(dir.resolve("core").resolve("poco.db"), running);
    start("store,orchestrator,demo-api", core);
    try (Http h = new Http(vertx, http)) {
      JsonObject t = ClusterIT.awaitDone(new Demo(h), lost, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("result")).isEqualTo("REACHED");
      assertThat(t.getString("runner_id")).isEqualTo("r1");
      assertThat(t.getString("output")).startsWith("PoCo restarted before runner r1 took this task, so it was queued"
          + " again.");
    }
  }

  /** Stores {@code task} through a store verticle of this JVM on the (now unowned) SQLite file. */
  private static void writeToStore(Path db, Task task) {
    assertThat(db).exists();
    Vertx local = Vertx.vertx();
    try {
      local.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(new JsonObject()
          .put(ConfigKeys.STATE_DB_PATH, db.toString()))).await();
      new StoreClient(local.eventBus()).saveTask(task).await();
    } finally {
      local.close().await();
    }
  }

  /** The core node: the first of its cluster, at port {@code base}, its HTTP edge on {@code http}. */
  private Map<String, String> coreEnv(int base, int http) {
    return Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub", "POCO_WORKDIR_ROOTS", dir.toString(),
        "POCO_CLUSTER_PORT", String.valueOf(base), "POCO_HTTP_PORT", String.valueOf(http));
  }

  /** Runner r1 on a port of its own, joining through the core node; the stub sleeps {@code slowSeconds} on SLOW. */
  private Map<String, String> runnerEnv(int base, int slowSeconds) {
    return Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub", "POCO_WORKDIR_ROOTS", dir.toString(),
        "POCO_CLUSTER_PORT", String.valueOf(Ports.free()), "POCO_CLUSTER_MEMBERS", "127.0.0.1:" + base,
        "POCO_RUNNER_ID", "r1", "POCO_STUB_SLOW_SECONDS", String.valueOf(slowSeconds));
  }

  private ClusterNode start(String roles, Map<String, String> env) {
    String name = roles.startsWith("agent") ? "runner" : "core";
    Path home = dir.resolve(name + "-" + nodes.size());
    String[] join = {};
    if (name.equals("core")) {
      env = withHome(env);
      if (trust == null) trust = ClusterCredentialsKit.init(dir.resolve("core"), "core", env);
    } else {
      join = trust.joinArgs(home, "r1", roles); // the runner's id is its certificate's name
    }
    ClusterNode n = ClusterNode.start(home, roles, env, join);
    nodes.add(n);
    return n;
  }

  /** The core node keeps its home (and so its SQLite file) across the restart. */
  private Map<String, String> withHome(Map<String, String> env) {
    Map<String, String> out = new java.util.HashMap<>(env);
    out.put("POCO_HOME", dir.resolve("core").toString());
    return out;
  }

  /** {@code n} consecutive free loopback ports. */
  static int freeBlock(int n) {
    for (int attempt = 0; attempt < 100; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
      if (allFree(base, n)) return base;
    }
    throw new IllegalStateException("no block of " + n + " free ports");
  }

  private static boolean allFree(int base, int n) {
    for (int p = base; p < base + n; p++) {
      try (ServerSocket s = new ServerSocket(p, 1, InetAddress.getByName("127.0.0.1"))) {
        s.setReuseAddress(true);
      } catch (IOException e) {
        return false;
      }
    }
    return true;
  }
}
