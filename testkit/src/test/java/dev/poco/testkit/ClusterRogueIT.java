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

@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("A trusted cluster keeps out nodes it did not issue credentials to")
class ClusterRogueIT {
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "rogue-" + UUID.randomUUID();
  final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    nodes.forEach(n -> { if (n.alive()) n.kill(); });
    vertx.close().await();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString(), "POCO_CLUSTER_PORT", String.valueOf(Ports.free())));
    env.putAll(extra);
    return env;
  }

  @Test
  @DisplayName("a node without credentials, and one with another CA's, each posing as the real runner and as a"
      + " store: neither joins (exit non-zero, says why), no task runs on them, tasks submitted meanwhile complete on"
      + " the real runner, and the core's log says whom it refused")
  void roguesStayOut() throws Exception {
    int http = Ports.free();
    int seedPort = ClusterRestartIT.freeBlock(1);
    String seed = "127.0.0.1:" + seedPort;
    Path core = dir.resolve("core");
    Map<String, String> coreEnv = env(Map.of("POCO_HTTP_PORT", String.valueOf(http),
        "POCO_CLUSTER_PORT", String.valueOf(seedPort)));
    ClusterCredentialsKit trust = ClusterCredentialsKit.init(core, "core", coreEnv);
    ClusterNode coreNode = ClusterNode.start(core, "store,orchestrator,demo-api", coreEnv);
    nodes.add(coreNode);
    Path runnerHome = dir.resolve("runner-b");
    long t0 = System.nanoTime();
    nodes.add(ClusterNode.start(runnerHome, "agent-runner", env(Map.of("POCO_CLUSTER_MEMBERS", seed)),
        trust.joinArgs(runnerHome, "runner-b", "agent-runner")));
    System.out.printf("runner-b joined (bundle installed) in %d ms%n", (System.nanoTime() - t0) / 1_000_000);

    // Another cluster's CA, whose node is also called runner-b: a valid-looking certificate we never issued.
    Path foreign = dir.resolve("foreign");
    ClusterCredentialsKit.init(foreign, "runner-b", env(Map.of()));

    List<String> submitted = new ArrayList<>();
    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, Set.of("runner-b"));
      submitted.add(completesOnRunnerB(demo, "before", "BEFORE"));

      record Rogue(String what, Path home, String roles) {}
      List<Rogue> rogues = List.of(new Rogue("plain runner", dir.resolve("plain-runner"), "agent-runner"),
          new Rogue("plain store", dir.resolve("plain-store"), "store"),
          new Rogue("foreign-CA runner", foreign, "agent-runner"),
          new Rogue("foreign-CA store", foreign, "store"));
      int i = 0;
      for (Rogue r : rogues) {
        // posing as the real runner: its id, the cluster's name and seed
        ClusterNode rogue = ClusterNode.launch(r.home, r.roles, env(Map.of("POCO_CLUSTER_MEMBERS", seed,
            "POCO_RUNNER_ID", "runner-b")));
        nodes.add(rogue);
        // the cluster keeps working while it tries
        while (rogue.alive()) {
          submitted.add(completesOnRunnerB(demo, "during-" + i, "DURING " + i));
          i++;
          ClusterIT.sleepMs(200);
        }
        int code = rogue.awaitExit(Duration.ofSeconds(60));
        String said = lastLines(rogue.output(), 3);
        System.out.printf("%s: exit %d: %s%n", r.what, code, said);
        assertThat(code).as(r.what + ":\n" + rogue.output()).isNotZero();
        assertThat(rogue.output()).as(r.what).doesNotContain(ClusterNode.UP_LINE).contains("no member answered");
        Files.move(r.home.resolve("node.log"), r.home.resolve("node-" + r.roles + ".log"));
      }
      submitted.add(completesOnRunnerB(demo, "after", "AFTER"));

      // Every task this cluster holds is one we submitted, and ran on the real runner.
      JsonArray tasks = h.get("/tasks?limit=1000").json().getJsonArray("tasks");
      List<String> ids = new ArrayList<>();
      for (int k = 0; k < tasks.size(); k++) {
        JsonObject t = tasks.getJsonObject(k);
        ids.add(t.getString("task_id"));
        assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
        assertThat(t.getString("runner_id")).as(t.encode()).isEqualTo("runner-b");
      }
      assertThat(ids).containsExactlyInAnyOrderElementsOf(submitted);
      System.out.printf("%d tasks, all completed on runner-b, %d of them while rogues tried to join%n",
          submitted.size(), i);
    }

    String refused = grep(coreNode.output(), "refused"); // its console: WARN and up

    System.out.println("core log, refusals:\n" + refused);
    assertThat(refused).contains("cluster membership: refused")
        .contains("it does not speak TLS") // the plain nodes
        // the foreign CA's node checks the core's certificate first (TLS 1.3) and refuses it before sending its
        // own: its alert reaches the core, or (one time in ten) it hangs up with the core's flight unread
        .contains("a node of another cluster");
  }

  /** Submits a prompt and waits for it: it completes, with its answer, on runner-b. */
  private static String completesOnRunnerB(Demo demo, String chat, String answer) {
    String id = demo.run(chat, "Reply with exactly: " + answer);
    JsonObject t = demo.awaitDone(id, 20);
    assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo(answer);
    assertThat(t.getString("runner_id")).isEqualTo("runner-b");
    return id;
  }

  static String grep(String text, String needle) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n")) if (line.contains(needle)) out.append(line).append('\n');
    return out.toString();
  }

  static String lastLines(String text, int n) {
    String[] all = text.strip().split("\n");
    return String.join(" | ", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - n), all.length));
  }
}
