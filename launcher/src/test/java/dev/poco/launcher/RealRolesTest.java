package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real poco start with the real roles. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RealRolesTest {
  @TempDir Path home;

  @AfterEach
  void stop() throws Exception {
    PidFile pid = new PidFile(home.resolve("poco.pid"));
    if (pid.live().isPresent()) Processes.stop(pid.live().get(), java.time.Duration.ofSeconds(5));
  }

  @Test
  @DisplayName("poco start runs the real system; status is healthy; shutdown stops it")
  void realStart() throws Exception {
    Map<String, String> env = Map.of(ConfigKeys.HOME, home.toString(),
        ConfigKeys.HTTP_PORT, Integer.toString(ProcessLifecycleTest.freePort()),
        ConfigKeys.STATE_BACKEND, "memory", ConfigKeys.AGENT_BACKEND, "stub");

    Clis.Result start = Clis.pocoWith(Main.class.getName(), env, "", "start");
    assertThat(start.code()).as(start.all()).isZero();
    assertThat(start.out()).contains("PoCo started (pid ");
    Clis.Result status = Clis.pocoWith(Main.class.getName(), env, "", "status");
    assertThat(status.code()).as(status.all()).isZero();
    assertThat(status.out()).contains("agent stub (ready)");
    assertThat(status.out()).contains("  node: embedded, every role in one JVM, up ").containsPattern("    - local  .*stub✓");
    assertThat(status.out()).contains("PoCo is running");
    assertThat(Clis.pocoWith(Main.class.getName(), env, "", "shutdown").out()).contains("PoCo stopped");
  }

  /**
   * The real roles split over two clustered nodes in this JVM, joined as {@code poco start --cluster} joins, with the
   * event bus over mutual TLS: every message between the core and the runner crosses TLS. (The testkit cluster ITs
   * start nodes with {@code poco start}, which runs the bus plain until it loads credentials: issue 13's CLI step.)
   */
  @Test
  @DisplayName("the real roles on a core node and a runner node whose bus runs over mutual TLS: a stub task completes")
  void realRolesOverTls() throws Exception {
    TestCluster.Ca ca = TestCluster.Ca.create("real-roles");
    String name = "real-roles-" + System.nanoTime();
    int http = ProcessLifecycleTest.freePort();
    TestCluster.Node core = null;
    TestCluster.Node runner = null;
    try {
      core = TestCluster.join(home.resolve("core"), name, List.of(),
          ca.credentials("core", Set.of("store", "orchestrator", "edge")));
      runner = TestCluster.join(home.resolve("runner"), name, List.of(core.member()),
          ca.credentials("runner-1", Set.of("runner")));
      Poco.deploy(runner.vertx(), config(Map.of(ConfigKeys.RUNNER_ID, "runner-1")), Set.of(Poco.AGENT_RUNNER)).await();
      Poco.deploy(core.vertx(), config(Map.of(ConfigKeys.HTTP_PORT, Integer.toString(http))),
          Set.of(Poco.STORE, Poco.ORCHESTRATOR, Poco.DEMO_API)).await();

      JsonObject task = awaitTask("http://127.0.0.1:" + http);
      // the core has no runner role: a completed task ran on the runner node, reached over the TLS bus
      assertThat(task.getString("status")).as(task.encode()).isEqualTo("completed");
    } finally {
      if (runner != null) runner.close();
      if (core != null) core.close();
    }
  }

  private JsonObject config(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(Map.of(ConfigKeys.HOME, home.toString(), ConfigKeys.STATE_BACKEND, "memory",
        ConfigKeys.AGENT_BACKEND, "stub", ConfigKeys.WORKDIR_ROOTS, home.toString()));
    env.putAll(extra);
    return PocoConfig.load(env);
  }

  /** Prompts through the demo edge until a runner took it (the runner's heartbeat reaches the core within ~1 s). */
  private static JsonObject awaitTask(String edge) throws Exception {
    HttpClient web = HttpClient.newHttpClient();
    String prompt = new JsonObject().put("chat_id", "tls").put("text", "Reply with exactly: over TLS").encode();
    long end = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
    while (true) {
      HttpResponse<String> r = web.send(HttpRequest.newBuilder(URI.create(edge + "/demo/command"))
          .POST(HttpRequest.BodyPublishers.ofString(prompt)).header("Content-Type", "application/json").build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        String id = new JsonObject(r.body()).getString("task_id");
        JsonObject t = new JsonObject(web.send(HttpRequest.newBuilder(URI.create(edge + "/tasks/" + id + "?wait=30"))
            .build(), HttpResponse.BodyHandlers.ofString()).body());
        if (!"completed".equals(t.getString("status")) && System.nanoTime() < end) {
          Thread.sleep(500);
          continue;
        }
        return t;
      }
      if (System.nanoTime() > end) throw new AssertionError("HTTP " + r.statusCode() + ": " + r.body());
      Thread.sleep(500);
    }
  }
}
