package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
@DisplayName("poco cluster remove-node shuts a running node out of its cluster")
class ClusterRevokeIT {
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "revoke-" + UUID.randomUUID();
  final List<ClusterNode> nodes = new ArrayList<>();

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

  @Test
  @DisplayName("runner-b revoked while it runs a task: the task ends interrupted, /health drops runner-b, runner-b"
      + " exits 3 saying it was revoked and cannot start again; new work waits for, then runs on, runner-c")
  void removeNodeWhileRunning() {
    int http = Ports.free();
    int seedPort = ClusterRestartIT.freeBlock(1);
    Path core = dir.resolve("core");
    Map<String, String> coreEnv = env(Map.of("POCO_HTTP_PORT", String.valueOf(http),
        "POCO_CLUSTER_PORT", String.valueOf(seedPort)));
    ClusterCredentialsKit trust = ClusterCredentialsKit.init(core, "core", coreEnv);
    nodes.add(ClusterNode.start(core, "store,orchestrator,demo-api", coreEnv));
    Path runnerB = dir.resolve("runner-b");
    Map<String, String> runnerEnv = env(Map.of("POCO_CLUSTER_MEMBERS", "127.0.0.1:" + seedPort));
    ClusterNode b = ClusterNode.start(runnerB, "agent-runner", runnerEnv,
        trust.joinArgs(runnerB, "runner-b", "agent-runner"));
    nodes.add(b);

    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, Set.of("runner-b"));
      String slow = demo.run("c1", "SLOW work");
      assertThat(ClusterIT.running(demo, slow).getString("runner_id")).isEqualTo("runner-b");
      demo.awaitOutput(slow, "sleeping"); // the runner holds it

      long t0 = System.nanoTime();
      PocoCli.Result removed = trust.removeNode("runner-b");
      long cliMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(removed.code()).as(removed.output()).isZero();
      assertThat(removed.output()).contains("Revoked runner-b");

      // The CA machine's node sees the new crl.pem within a second; a loaded machine may take longer to run the CLI.
      long t1 = System.nanoTime();
      long end = t1 + Duration.ofSeconds(15).toNanos();
      long interruptedMs = -1;
      long goneMs = -1;
      long exitedMs = -1;
      boolean listed = true;
      while (System.nanoTime() < end && (interruptedMs < 0 || listed || exitedMs < 0)) {
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (interruptedMs < 0 && "interrupted".equals(demo.task(slow).getString("status"))) interruptedMs = ms;
        listed = runners(h).contains("runner-b");
        if (goneMs < 0 && !listed) goneMs = ms;
        if (exitedMs < 0 && !b.alive()) exitedMs = ms;
        ClusterIT.sleepMs(50);
      }
      long cliEnd = (t1 - t0) / 1_000_000;
      System.out.printf("remove-node runner-b (the CLI ran %d ms) -> task interrupted after %d ms (%d ms after the CLI"
          + " returned), runner-b first gone from /health after %d ms, its process ended after %d ms%n", cliMs,
          interruptedMs, interruptedMs - cliEnd, goneMs, exitedMs - cliEnd);
      JsonObject lost = demo.task(slow);
      assertThat(lost.getString("status")).as(lost.encode()).isEqualTo("interrupted");
      System.out.println("interrupted task's error: " + lost.getString("error"));
      assertThat(b.awaitExit(Duration.ofSeconds(5))).as(b.output()).isEqualTo(3);
      assertThat(runners(h)).doesNotContain("runner-b");
      assertThat(b.output()).contains("was revoked by the cluster's CA");

      // With no runner left, a new task waits.
      String waiting = demo.run("c2", "Reply with exactly: WAITED");
      ClusterIT.sleepMs(1_000);
      assertThat(demo.task(waiting).getString("status")).isEqualTo("queued");

      // runner-b cannot come back with its revoked certificate.
      ClusterNode again = ClusterNode.launch(runnerB, "agent-runner", runnerEnv);
      nodes.add(again);
      assertThat(again.awaitExit(Duration.ofSeconds(60))).as(again.output()).isEqualTo(3);
      assertThat(again.output()).contains("was revoked").doesNotContain(ClusterNode.UP_LINE);
      System.out.println("runner-b started again: " + ClusterRogueIT.lastLines(again.output(), 2));

      // A new runner takes the waiting task and the next ones.
      Path runnerC = dir.resolve("runner-c");
      nodes.add(ClusterNode.start(runnerC, "agent-runner", env(Map.of("POCO_CLUSTER_MEMBERS", "127.0.0.1:" + seedPort)),
          trust.joinArgs(runnerC, "runner-c", "agent-runner")));
      JsonObject w = ClusterIT.awaitDone(demo, waiting, 30);
      assertThat(w.getString("status")).as(w.encode()).isEqualTo("completed");
      assertThat(w.getString("runner_id")).isEqualTo("runner-c");
      JsonObject next = demo.awaitDone(demo.run("c1", "Reply with exactly: NEXT"), 20);
      assertThat(next.getString("result")).isEqualTo("NEXT");
      assertThat(next.getString("runner_id")).isEqualTo("runner-c");
    }
  }

  private static Set<String> runners(Http h) {
    Http.Result r = h.get("/health");
    JsonArray runners = r.json() == null ? new JsonArray() : r.json().getJsonArray("runners", new JsonArray());
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < runners.size(); i++) ids.add(runners.getJsonObject(i).getString("runner_id"));
    return ids;
  }
}
