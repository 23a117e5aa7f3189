package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("PoCo as a cluster of JVMs: one store + orchestrator + edge node, two runner nodes")
class ClusterIT {
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "it-" + UUID.randomUUID();
  final List<ClusterNode> nodes = new ArrayList<>();
  int httpPort;
  String seed;
  ClusterCredentialsKit trust; // every node runs with credentials (poco cluster init / add-node / --join)

  @AfterEach
  void close() {
    nodes.forEach(n -> { if (n.alive()) n.kill(); });
    vertx.close().await();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_STUB_SLOW_SECONDS", "300", "POCO_WORKDIR_ROOTS", dir.toString(),
        "POCO_CLUSTER_PORT", String.valueOf(Ports.free())));
    env.putAll(extra);
    return env;
  }

  private ClusterNode startCore() {
    Map<String, String> coreEnv = env(Map.of("POCO_HTTP_PORT", String.valueOf(httpPort),
        "POCO_CLUSTER_PORT", seed.split(":")[1]));
    trust = ClusterCredentialsKit.init(dir.resolve("a"), "core", coreEnv);
    long t0 = System.nanoTime(); // the node's start, not the CA's making
    ClusterNode a = ClusterNode.start(dir.resolve("a"), "store,orchestrator,demo-api", coreEnv);
    System.out.printf("node A up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    nodes.add(a);
    return a;
  }

  private ClusterNode startRunner(String id) {
    long t0 = System.nanoTime();
    ClusterNode r = ClusterNode.start(dir.resolve(id), "agent-runner",
        env(Map.of("POCO_CLUSTER_MEMBERS", seed, "POCO_RUNNER_ID", id)),
        trust.joinArgs(dir.resolve(id), id, "agent-runner"));
    System.out.printf("runner %s up in %d ms%n", id, (System.nanoTime() - t0) / 1_000_000);
    nodes.add(r);
    return r;
  }

  /** Starts a runner serving only {@code root} and taking at most {@code maxTasks}; returns without waiting. */
  private ClusterNode launchRunner(String id, Path root, int maxTasks) {
    ClusterNode r = ClusterNode.launch(dir.resolve(id), "agent-runner", env(Map.of("POCO_CLUSTER_MEMBERS", seed,
        "POCO_RUNNER_ID", id, "POCO_WORKDIR_ROOTS", root.toString(), "POCO_RUNNER_MAX_TASKS", String.valueOf(maxTasks))),
        trust.joinArgs(dir.resolve(id), id, "agent-runner"));
    nodes.add(r);
    return r;
  }

  private void boot() {
    httpPort = Ports.free();
    seed = "127.0.0.1:" + Ports.free();
    startCore();
  }

  @Test
  @DisplayName("tasks spread over both runners, a project keeps its runner, kill -9 of a runner interrupts only its"
      + " tasks and the next prompt runs on the survivor")
  void spreadPinAndRunnerLoss() {
    boot();
    ClusterNode r1 = startRunner("r1");
    startRunner("r2");
    try (Http http = new Http(vertx, httpPort)) {
      Demo demo = new Demo(http);
      awaitRunners(http, Set.of("r1", "r2"));

      Map<String, String> slow = new LinkedHashMap<>(); // chat -> task
      Map<String, String> runnerOf = new HashMap<>(); // chat -> runner
      for (String chat : List.of("c1", "c2", "c3", "c4")) {
        String id = demo.run(chat, "SLOW work");
        slow.put(chat, id);
        runnerOf.put(chat, running(demo, id).getString("runner_id"));
      }
      assertThat(new HashSet<>(runnerOf.values())).containsExactlyInAnyOrder("r1", "r2");
      assertClusterView(http, 4);

      // Free a slot on c1's runner and fill it from a new chat, then free one on the other runner: that
      // one now has more room, yet c1's next prompt goes where its session lives.
      String home = runnerOf.get("c1");
      String other = home.equals("r1") ? "r2" : "r1";
      String otherChat = chatOn(runnerOf, other);
      stop(demo, "c1", slow.get("c1"));
      String filler = demo.run("c5", "SLOW work");
      assertThat(running(demo, filler).getString("runner_id")).isEqualTo(home);
      runnerOf.put("c5", home);
      slow.put("c5", filler);
      stop(demo, otherChat, slow.get(otherChat));
      String kept = demo.run("c1", "Reply with exactly: KEPT");
      JsonObject k = demo.awaitDone(kept, 20);
      assertThat(k.getString("status")).isEqualTo("completed");
      assertThat(k.getString("result")).isEqualTo("KEPT");
      assertThat(k.getString("runner_id")).isEqualTo(home);

      // kill -9 the runner that holds c1's project and c5's running task
      ClusterNode victim = home.equals("r1") ? r1 : nodes.get(2);
      List<String> lost = new ArrayList<>();
      List<String> survivors = new ArrayList<>();
      for (String chat : List.of("c2", "c3", "c4", "c5")) {
        if (chat.equals(otherChat)) continue; // stopped above
        (runnerOf.get(chat).equals(home) ? lost : survivors).add(chat);
      }
      long t0 = System.nanoTime();
      victim.kill();
      for (String chat : lost) {
        JsonObject t = awaitDone(demo, slow.get(chat), 30);
        assertThat(t.getString("status")).as(chat).isEqualTo("interrupted");
        assertThat(t.getString("error")).contains("Runner " + home);
      }
      System.out.printf("runner %s killed: its tasks interrupted after %d ms%n", home,
          (System.nanoTime() - t0) / 1_000_000);
      for (String chat : survivors) {
        JsonObject t = demo.task(slow.get(chat));
        assertThat(t.getString("status")).as(chat).isEqualTo("running");
        assertThat(t.getString("runner_id")).isEqualTo(other);
      }
      // nothing stored is lost
      assertThat(demo.task(kept).getString("result")).isEqualTo("KEPT");
      assertThat(demo.task(slow.get("c1")).getString("status")).isEqualTo("cancelled");
      assertThat(demo.task(slow.get(otherChat)).getString("status")).isEqualTo("cancelled");

      // the lost runner's project moves to the survivor on its next prompt
      String moved = demo.run("c1", "Reply with exactly: MOVED");
      JsonObject m = demo.awaitDone(moved, 30);
      assertThat(m.getString("status")).isEqualTo("completed");
      assertThat(m.getString("result")).isEqualTo("MOVED");
      assertThat(m.getString("runner_id")).isEqualTo(other);
      for (String chat : survivors) stop(demo, chat, slow.get(chat));
    }
  }

  @Test
  @DisplayName("runners with different roots: a project goes where its working dir is and is browsed there, a dir"
      + " only the other runner has moves it, and kill -9 of a runner interrupts its running task while the"
      + " project's queued one runs on the survivor")
  void workdirPlacementAndQueuedMove() throws Exception {
    boot();
    Path root1 = Files.createDirectories(dir.resolve("disk-r1")).toRealPath();
    Path root2 = Files.createDirectories(dir.resolve("disk-r2")).toRealPath();
    Path proj = Files.createDirectories(root2.resolve("proj"));
    Files.createDirectories(proj.resolve("only-on-r2"));
    Path elsewhere = Files.createDirectories(root1.resolve("elsewhere"));
    long t0 = System.nanoTime();
    // r1 is the freer one: capacity alone would send every project there
    ClusterNode r1 = launchRunner("r1", root1, 8);
    ClusterNode r2 = launchRunner("r2", root2, 2);
    r1.awaitUp(Duration.ofSeconds(40));
    r2.awaitUp(Duration.ofSeconds(40));
    System.out.printf("runners r1, r2 up in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    try (Http http = new Http(vertx, httpPort)) {
      Demo demo = new Demo(http);
      awaitRunners(http, Set.of("r1", "r2"));

      // A new project (not pinned yet) takes a dir only r2 has: r2 resolves it, and r2 lists it.
      Http.Result set = demo.cardAction("group", "p", "workdir.manual", null,
          new JsonObject().put("path", proj.toString()));
      assertThat(set.status()).as(set.raw()).isEqualTo(200);
      Http.Result browse = demo.cardAction("group", "p", "workdir.open", null, null);
      assertThat(browse.status()).as(browse.raw()).isEqualTo(200);
      JsonObject view = browse.json().getJsonObject("view");
      assertThat(view.getJsonObject("refs").getString("runner_id")).isEqualTo("r2");
      assertThat(view.getJsonObject("refs").getString("path")).isEqualTo(proj.toString());
      assertThat(labels(view)).contains("only-on-r2/");
      assertThat(view.getString("body")).contains("on runner r2");

      // Its task lands on r2 although r1 is freer; /tasks/{id} names the runner.
      String slowP = demo.run("p", "SLOW work");
      JsonObject onR2 = running(demo, slowP);
      assertThat(onR2.getString("runner_id")).isEqualTo("r2");
      assertThat(onR2.getString("workdir")).isEqualTo(proj.toString());
      stop(demo, "p", slowP);

      // The user picks a dir only r1 has: pinned r2 is alive but cannot serve it, so the project moves (said).
      Http.Result moveDir = demo.cardAction("group", "p", "workdir.manual", null,
          new JsonObject().put("path", elsewhere.toString()));
      assertThat(moveDir.status()).as(moveDir.raw()).isEqualTo(200);
      JsonObject moved = demo.awaitDone(demo.run("p", "Reply with exactly: MOVED"), 20);
      assertThat(moved.getString("status")).isEqualTo("completed");
      assertThat(moved.getString("result")).isEqualTo("MOVED");
      assertThat(moved.getString("runner_id")).isEqualTo("r1");
      assertThat(moved.getString("output")).contains("Runner r2 held the session")
          .contains("does not serve " + elsewhere).contains("new session on r1");

      // New projects go first to the runner with the fewest pinned projects: p is on r1 now, so z goes to r2.
      JsonObject z = demo.awaitDone(demo.run("z", "Reply with exactly: Z"), 20);
      assertThat(z.getString("runner_id")).as("fewest pinned projects first").isEqualTo("r2");

      // Pins even (one each), so the freer r1 takes the next default-dir project: a slow task, one queued behind.
      String slowQ = demo.run("q", "SLOW work");
      assertThat(running(demo, slowQ).getString("runner_id")).isEqualTo("r1");
      String queued = demo.run("q", "Reply with exactly: AFTER");
      assertThat(demo.task(queued).getString("status")).isEqualTo("queued");

      long k0 = System.nanoTime();
      r1.kill();
      JsonObject lost = awaitDone(demo, slowQ, 30);
      System.out.printf("runner r1 killed: its task interrupted after %d ms%n", (System.nanoTime() - k0) / 1_000_000);
      assertThat(lost.getString("status")).isEqualTo("interrupted");
      assertThat(lost.getString("error")).contains("Runner r1");
      JsonObject after = awaitDone(demo, queued, 30);
      System.out.printf("the queued task finished on the survivor %d ms after the kill%n",
          (System.nanoTime() - k0) / 1_000_000);
      assertThat(after.getString("status")).as(after.encodePrettily()).isEqualTo("completed");
      assertThat(after.getString("result")).isEqualTo("AFTER");
      assertThat(after.getString("runner_id")).isEqualTo("r2");
      assertThat(after.getString("output")).contains("Runner r1 held the session and is gone");

      // p's dir lives only on r1's disk now gone: its next prompt fails at once and says why.
      JsonObject refused = demo.awaitDone(demo.run("p", "Reply with exactly: NOPE"), 10);
      assertThat(refused.getString("status")).isEqualTo("failed");
      assertThat(refused.getString("error"))
          .isEqualTo("No live runner serves " + elsewhere + " (runners: r2: " + root2 + ").");

      // A frozen runner (SIGSTOP: no exit, no heartbeat) is declared dead by its silence: its task is interrupted.
      String frozen = demo.run("q", "SLOW work");
      assertThat(running(demo, frozen).getString("runner_id")).isEqualTo("r2");
      demo.awaitOutput(frozen, "sleeping");
      long f0 = System.nanoTime();
      assertThat(new ProcessBuilder("kill", "-STOP", String.valueOf(r2.pid())).start().waitFor()).isZero();
      JsonObject silent = awaitDone(demo, frozen, 30);
      long silentMs = (System.nanoTime() - f0) / 1_000_000;
      System.out.printf("runner r2 frozen: its task interrupted after %d ms%n", silentMs);
      assertThat(silent.getString("status")).isEqualTo("interrupted");
      assertThat(silent.getString("error")).contains("Runner r2");
      // Within 5 s of its last heartbeat (4 s of silence, checked every second); 1 s more for a loaded machine.
      assertThat(silentMs).isLessThan(6_000);
      r2.kill();
    }
  }

  static List<String> labels(JsonObject view) {
    List<String> out = new ArrayList<>();
    JsonArray actions = view.getJsonArray("actions", new JsonArray());
    for (int i = 0; i < actions.size(); i++) out.add(actions.getJsonObject(i).getString("label"));
    return out;
  }

  /** /health lists the three nodes with their roles, and both runners with their load. */
  private void assertClusterView(Http http, int running) {
    JsonObject h = null;
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) { // heartbeats carry the load a few ms after the tasks started
      h = http.get("/health").json();
      int sum = h.getJsonArray("runners").stream().mapToInt(r -> ((JsonObject) r).getInteger("running", 0)).sum();
      if (sum == running) break;
      sleepMs(100);
    }
    JsonObject view = h.getJsonObject("cluster");
    System.out.println("/health cluster view: " + view.encode());
    assertThat(view.getString("mode")).isEqualTo("cluster");
    assertThat(view.getString("name")).isEqualTo(cluster);
    List<JsonObject> ns = view.getJsonArray("nodes").stream().map(JsonObject.class::cast).toList();
    assertThat(ns).as(view.encodePrettily()).hasSize(3)
        .allSatisfy(n -> assertThat(n.getString("status")).isEqualTo("up"));
    assertThat(ns.stream().map(n -> Set.copyOf(n.getJsonArray("roles").getList())).toList())
        .containsExactlyInAnyOrder(Set.of("store", "orchestrator", "demo-api"), Set.of("agent-runner"),
            Set.of("agent-runner"));
    JsonObject self = ns.stream().filter(n -> n.getBoolean("this")).findFirst().orElseThrow();
    assertThat(self.getJsonArray("roles").getList()).contains("demo-api");
    assertThat(self.getString("node_id")).isEqualTo(view.getString("this_node"));
    List<JsonObject> rs = h.getJsonArray("runners").stream().map(JsonObject.class::cast).toList();
    assertThat(rs).as(h.encodePrettily()).hasSize(2).allSatisfy(r -> {
      assertThat(r.getInteger("running")).isBetween(1, running - 1);
      assertThat(r.getInteger("capacity")).isEqualTo(r.getInteger("max_tasks") - r.getInteger("running"));
      assertThat(r.getString("node_address")).matches("127\\.0\\.0\\.1:\\d+");
      assertThat(r.getJsonArray("roots").getList()).isNotEmpty();
      assertThat(r.getJsonArray("backends").stream().map(JsonObject.class::cast)
          .anyMatch(b -> "stub".equals(b.getString("name")) && b.getBoolean("ready"))).isTrue();
    });
    assertThat(rs.stream().mapToInt(r -> r.getInteger("running")).sum()).isEqualTo(running);
  }

  static String chatOn(Map<String, String> runnerOf, String runner) {
    return runnerOf.entrySet().stream().filter(e -> e.getValue().equals(runner)).map(Map.Entry::getKey)
        .sorted().findFirst().orElseThrow();
  }

  static JsonObject running(Demo demo, String id) {
    JsonObject t = demo.awaitStatus(id, "running", 10_000);
    assertThat(t.getString("status")).as(id).isEqualTo("running");
    return t;
  }

  static void stop(Demo demo, String chat, String id) {
    assertThat(demo.command(chat, "/stop").status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 10).getString("status")).isEqualTo("cancelled");
  }

  /** Long-polls in rounds until terminal: a round may end early while a node is being declared dead. */
  static JsonObject awaitDone(Demo demo, String id, int seconds) {
    long end = System.currentTimeMillis() + seconds * 1000L;
    JsonObject t = demo.task(id);
    while (!terminal(t) && System.currentTimeMillis() < end) t = demo.awaitDone(id, 2);
    return t;
  }

  static boolean terminal(JsonObject t) {
    return Set.of("completed", "failed", "cancelled", "interrupted").contains(t.getString("status"));
  }

  static void awaitRunners(Http http, Set<String> ids) {
    long end = System.currentTimeMillis() + 20_000;
    Set<String> seen = Set.of();
    while (System.currentTimeMillis() < end) {
      Http.Result r = http.get("/health");
      JsonArray runners = r.json() == null ? new JsonArray() : r.json().getJsonArray("runners", new JsonArray());
      Set<String> now = new HashSet<>();
      for (int i = 0; i < runners.size(); i++) now.add(runners.getJsonObject(i).getString("runner_id"));
      seen = now;
      if (now.containsAll(ids)) return;
      sleepMs(100);
    }
    throw new AssertionError("runners seen: " + seen + ", expected " + ids);
  }

  static void sleepMs(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
