package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("/metrics shows PoCo's task meters and Vert.x's own, in Prometheus format")
class MetricsIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.STUB_SLOW_SECONDS, "30"));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("completed, running and queued tasks, queue depth per project, event-bus and HTTP series")
  void taskAndVertxSeries() {
    for (int i = 0; i < 3; i++) {
      assertThat(demo.awaitDone(demo.run("m-done", "Reply with exactly: M" + i), 10).getString("status"))
          .isEqualTo("completed");
    }
    String slow = demo.run("m-busy", "/run SLOW task");
    demo.run("m-busy", "Reply with exactly: BEHIND");
    demo.awaitStatus(slow, "running", 5_000);
    String project = demo.task(slow).getString("project_id");

    // The gauges are refreshed on the orchestrator's 1 s tick.
    String text = scrapeUntil(t -> t.contains("poco_tasks{state=\"running\"} 1.0")
        && t.contains("poco_queue_depth{project=\"" + project + "\"} 1.0"));
    assertThat(text).contains("poco_tasks_ended_total{state=\"completed\"} 3.0")
        .contains("poco_tasks{state=\"queued\"} 1.0")
        .contains("poco_tasks_ended_total{state=\"failed\"} 0.0")
        .contains("vertx_eventbus_sent_total")
        .contains("vertx_eventbus_handlers{address=\"poco.orchestrator.inbound\"")
        .contains("vertx_http_server_requests_total")
        // the store's two pools, each on its own meters
        .contains("vertx_pool_in_use{pool_name=\"poco-store-reads\",pool_type=\"sql\"}")
        .contains("vertx_pool_in_use{pool_name=\"poco-store-writes\",pool_type=\"sql\"}");

    demo.cardAction("group", "m-busy", "task.stop", null, null);
  }

  private static String scrapeUntil(Predicate<String> ready) {
    long deadline = System.currentTimeMillis() + 10_000;
    while (true) {
      Http.Result r = poco.http.get("/metrics");
      assertThat(r.status()).isEqualTo(200);
      if (ready.test(r.raw()) || System.currentTimeMillis() > deadline) return r.raw();
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return r.raw();
      }
    }
  }
}
