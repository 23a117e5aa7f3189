package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterLinesTest {
  private static final String CORE = "5f3a1c2e-0000-4000-8000-000000000001";
  private static final String RUNNER = "9c1e77ab-0000-4000-8000-000000000002";
  private static final String GONE = "77ab0f00-0000-4000-8000-000000000003";

  private static JsonObject node(String id, String roles, int port, long uptimeMs, boolean self) {
    return new JsonObject().put("node_id", id).put("roles", new JsonArray(java.util.List.of(roles.split(","))))
        .put("host", "127.0.0.1").put("cluster_port", port).put("bus_port", 40000 + port).put("uptime_ms", uptimeMs)
        .put("pid", 4000 + port % 100).put("status", "up").put("this", self);
  }

  private static JsonObject backend(String name, String version, boolean ready) {
    return new JsonObject().put("name", name).put("version", version).put("ready", ready);
  }

  @Test
  @DisplayName("poco status shows a cluster as one line per node with its roles, then one line per runner with its load")
  void clusterLines() {
    JsonObject cluster = new JsonObject().put("mode", "cluster").put("name", "poco").put("this_node", CORE)
        .put("nodes", new JsonArray()
            .add(node(CORE, "store,orchestrator,demo-api", 5701, 133_000, true))
            .add(node(RUNNER, "agent-runner", 5702, 3_725_000, false))
            .add(new JsonObject().put("node_id", GONE).put("status", "unreachable")
                .put("detail", "no answer within 500 ms").put("this", false)));
    JsonObject r1 = new JsonObject().put("runner_id", "r1").put("node_id", RUNNER)
        .put("node_address", "127.0.0.1:5702")
        .put("backends", new JsonArray().add(backend("stub", "builtin", true))
            .add(backend("codex", "codex-cli 0.169.0", true)).add(backend("claude_code", null, false)))
        .put("max_tasks", 32).put("capacity", 30).put("running", 2).put("task_ids", new JsonArray().add("a").add("b"))
        .put("roots", new JsonArray().add("/srv")).put("last_seen_ms", 400);
    JsonObject h = new JsonObject().put("status", "ok").put("mode", "demo").put("agent_backend", "stub")
        .put("agent_ready", true).put("runners", new JsonArray().add(r1)).put("cluster", cluster)
        .put("missing", new JsonArray()).put("warnings", new JsonArray());
    HealthClient.Answer a = new HealthClient.Answer(200, h);

    assertThat(HealthReport.summary(a))
        .isEqualTo("Health: ok, mode demo, agent stub (ready), 1 runner, 3 nodes, 1 unreachable");
    assertThat(HealthReport.lines(a)).containsExactly(
        "  mode: demo",
        "  agent: stub (ready)",
        "  cluster poco (3 nodes):",
        "    - 5f3a1c2e 127.0.0.1:5701 (this)  store, orchestrator, demo-api  up 2m 13s  pid 4001",
        "    - 9c1e77ab 127.0.0.1:5702  agent-runner  up 1h 2m  pid 4002",
        "    - 77ab0f00  unreachable (no answer within 500 ms)",
        "  runners:",
        "    - r1 @ 127.0.0.1:5702  stub✓ codex 0.169.0✓ (+1 not ready)  2/32 running  roots /srv  seen 0.4 s ago",
        "  missing: none",
        "  warnings: none");
  }

  @Test
  @DisplayName("an embedded PoCo is one node; a runner from an older orchestrator counts its task ids")
  void embeddedLines() {
    JsonObject cluster = new JsonObject().put("mode", "embedded").put("this_node", "local")
        .put("nodes", new JsonArray().add(new JsonObject().put("node_id", "local").put("status", "up")
            .put("uptime_ms", 5_000).put("pid", 77).put("this", true)));
    JsonObject runner = new JsonObject().put("runner_id", "local")
        .put("backends", new JsonArray().add(backend("stub", "builtin", true))).put("max_tasks", 4)
        .put("task_ids", new JsonArray().add("t1"));
    JsonObject h = new JsonObject().put("status", "ok").put("cluster", cluster).put("runners", new JsonArray().add(runner));
    HealthClient.Answer a = new HealthClient.Answer(200, h);

    assertThat(HealthReport.summary(a)).isEqualTo("Health: ok, 1 runner");
    assertThat(HealthReport.lines(a)).containsExactly(
        "  node: embedded, every role in one JVM, up 5s, pid 77",
        "  runners:",
        "    - local  stub✓  1/4 running");
  }

  @Test
  @DisplayName("durations read at a glance, and a backend's version is the number it printed")
  void units() {
    assertThat(ClusterLines.duration(59_999)).isEqualTo("59s");
    assertThat(ClusterLines.duration(3_600_000)).isEqualTo("1h 0m");
    assertThat(ClusterLines.duration(90_000_000)).isEqualTo("1d 1h");
    assertThat(ClusterLines.versionNumber("codex-cli 0.169.0")).isEqualTo("0.169.0");
    assertThat(ClusterLines.versionNumber("2.1.3 (Claude Code)")).isEqualTo("2.1.3");
    assertThat(ClusterLines.versionNumber("builtin")).isNull();
  }
}
