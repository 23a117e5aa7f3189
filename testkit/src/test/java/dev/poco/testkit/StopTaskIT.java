package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("Stop on a queued task's card: that task is cancelled for good, also across a restart")
class StopTaskIT {
  @TempDir Path home;

  @Test
  @DisplayName("A SLOW running, B queued, Stop names B: B cancelled, A runs on; after a restart B stays cancelled and"
      + " never runs while the chat's next prompt does")
  void stoppedQueuedTaskStaysStopped() {
    Map<String, String> config = Map.of(ConfigKeys.STUB_SLOW_SECONDS, "60");
    String a;
    String b;
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config)) {
      Demo demo = new Demo(poco.http);
      a = demo.run("c-stop-restart", "/run SLOW task");
      demo.awaitStatus(a, "running", 5_000);
      b = demo.run("c-stop-restart", "Reply with exactly: NEVER");
      Http.Result stopped = demo.cardAction("group", "c-stop-restart", "task.stop", new JsonObject().put("task_id", b),
          null);
      assertThat(stopped.status()).isEqualTo(200);
      assertThat(demo.task(b).getString("status")).isEqualTo("cancelled");
      assertThat(demo.task(a).getString("status")).isEqualTo("running");
    }
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config)) {
      Demo demo = new Demo(poco.http);
      String c = demo.run("c-stop-restart", "Reply with exactly: AFTER RESTART");
      assertThat(demo.awaitDone(c, 40).getString("result")).isEqualTo("AFTER RESTART");
      JsonObject never = demo.task(b);
      assertThat(never.getString("status")).isEqualTo("cancelled");
      assertThat(never.getString("result")).isNull();
      assertThat(never.getString("started_at")).as("B never started").isNull();
      assertThat(demo.task(a).getString("status")).isNotEqualTo("running");
    }
  }
}
