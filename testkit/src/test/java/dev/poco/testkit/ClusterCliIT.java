package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
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

@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("Cluster nodes run in the background like `poco start`: status, restart and shutdown know them")
class ClusterCliIT {
  static final Duration CLI = Duration.ofSeconds(60);
  @TempDir Path dir;
  final Vertx vertx = Vertx.vertx();
  final String cluster = "cli-" + UUID.randomUUID();

  @AfterEach
  void close() {
    for (String home : List.of("core", "runner", "lonely")) PocoCli.killServer(dir.resolve(home));
    vertx.close().await();
  }

  private Map<String, String> env(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of("POCO_CLUSTER_NAME", cluster, "POCO_AGENT_BACKEND", "stub",
        "POCO_WORKDIR_ROOTS", dir.toString()));
    env.putAll(extra);
    return env;
  }

  @Test
  @DisplayName("a core node and a runner node started in the background: each start returns once the node is up,"
      + " a task runs on the runner, status describes each node, restart keeps the runner a runner, shutdown stops"
      + " it; a background node that cannot join fails its start with the reason")
  void backgroundNodes() {
    int http = Ports.free();
    String seed = "127.0.0.1:" + ClusterRestartIT.freeBlock(1);
    Path core = dir.resolve("core");
    Path runner = dir.resolve("runner");
    Map<String, String> coreEnv = env(Map.of("POCO_CLUSTER_PORT", seed.split(":")[1],
        "POCO_HTTP_PORT", String.valueOf(http)));
    Map<String, String> runnerEnv = env(Map.of("POCO_CLUSTER_MEMBERS", seed, "POCO_RUNNER_ID", "bg",
        "POCO_CLUSTER_PORT", String.valueOf(Ports.free())));

    ClusterCredentialsKit trust = ClusterCredentialsKit.init(core, "core", coreEnv);
    PocoCli.Result started = PocoCli.run(core, coreEnv, CLI, "start", "--cluster", "--only",
        "store,orchestrator,demo-api");
    assertThat(started.code()).as(started.output()).isZero();
    assertThat(started.output()).contains("PoCo started (pid", "on http://127.0.0.1:" + http,
        "PoCo node up with [store, orchestrator, demo-api] in cluster '" + cluster + "'", "alone so far");

    PocoCli.Result joined = PocoCli.run(runner, runnerEnv, CLI, "start", "--cluster", "--only", "agent-runner",
        "--join", trust.bundle("bg", "agent-runner").toString());
    assertThat(joined.code()).as(joined.output()).isZero();
    assertThat(joined.output()).contains("Installed the credentials of", "PoCo started (pid", "PoCo node up with [agent-runner]", "via " + seed,
        "2 nodes").doesNotContain("http://");

    try (Http h = new Http(vertx, http)) {
      Demo demo = new Demo(h);
      ClusterIT.awaitRunners(h, Set.of("bg"));
      assertThat(demo.awaitDone(demo.run("c1", "Reply with exactly: BACKGROUND"), 20).getString("runner_id"))
          .isEqualTo("bg");

      PocoCli.Result coreStatus = PocoCli.run(core, coreEnv, CLI, "status");
      assertThat(coreStatus.code()).as(coreStatus.output()).isZero();
      assertThat(coreStatus.output()).contains("cluster " + cluster + " (2 nodes)", "bg @ 127.0.0.1:");
      PocoCli.Result runnerStatus = PocoCli.run(runner, runnerEnv, CLI, "status");
      assertThat(runnerStatus.code()).as(runnerStatus.output()).isZero();
      assertThat(runnerStatus.output()).contains("a cluster node with [agent-runner] and no HTTP edge",
          "PoCo node up with [agent-runner]");

      PocoCli.Result restarted = PocoCli.run(runner, runnerEnv, CLI, "restart");
      assertThat(restarted.code()).as(restarted.output()).isZero();
      assertThat(restarted.output()).contains("PoCo stopped", "PoCo node up with [agent-runner]")
          .doesNotContain("http://");
      ClusterIT.awaitRunners(h, Set.of("bg"));
      assertThat(demo.awaitDone(demo.run("c1", "Reply with exactly: AGAIN"), 20).getString("result"))
          .isEqualTo("AGAIN");

      PocoCli.Result stopped = PocoCli.run(runner, runnerEnv, CLI, "shutdown");
      assertThat(stopped.code()).as(stopped.output()).isZero();
      assertThat(stopped.output()).contains("PoCo stopped");
      assertThat(PocoCli.run(runner, runnerEnv, CLI, "status").output()).contains("PoCo is not running");
    }

    Path lonely = dir.resolve("lonely");
    PocoCli.Result refused = PocoCli.run(lonely, env(Map.of("POCO_CLUSTER_MEMBERS", "127.0.0.1:" + Ports.free(),
        "POCO_CLUSTER_PORT", String.valueOf(Ports.free()))), CLI, "start", "--cluster", "--only", "agent-runner",
        "--join", trust.bundle("lonely", "agent-runner").toString());
    assertThat(refused.code()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("PoCo exited during start (exit code 1)", "no member answered within 5 s",
        "Not starting alone");
  }
}
