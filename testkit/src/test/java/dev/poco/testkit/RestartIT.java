package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("A crash loses nothing that was stored")
class RestartIT {
  @TempDir Path home;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  @Test
  @DisplayName("kill -9 with a finished, a running and a queued task: after a restart they are intact, interrupted and run")
  void killAndRestart() {
    int port = Ports.free();
    Map<String, String> env = Map.of("POCO_AGENT_BACKEND", "stub", "POCO_STUB_SLOW_SECONDS", "120",
        "POCO_WORKDIR_ROOTS", home.toString());
    ChildPoco first = ChildPoco.start(home, port, env);
    String finished, running, queued, waiting;
    try (Http http = new Http(vertx, port)) {
      Demo demo = new Demo(http);
      finished = demo.run("c-restart", "Reply with exactly: FINISHED");
      assertThat(demo.awaitDone(finished, 10).getString("status")).isEqualTo("completed");
      running = demo.run("c-restart", "SLOW work");
      queued = demo.run("c-restart", "Reply with exactly: QUEUED");
      waiting = demo.run("c-confirm", "confirm: Reply with exactly: LATER");
      assertThat(demo.awaitStatus(running, "running", 5_000).getString("status")).isEqualTo("running");
      assertThat(demo.task(queued).getString("status")).isEqualTo("queued");
      assertThat(demo.awaitStatus(waiting, "waiting_confirmation", 5_000).getString("status"))
          .isEqualTo("waiting_confirmation");
    }
    first.kill();

    ChildPoco second = ChildPoco.start(home, port, env);
    try (Http http = new Http(vertx, port)) {
      Demo demo = new Demo(http);
      JsonObject f = demo.task(finished);
      assertThat(f.getString("status")).isEqualTo("completed");
      assertThat(f.getString("result")).isEqualTo("FINISHED");

      JsonObject r = demo.awaitDone(running, 15);
      assertThat(r.getString("status")).isEqualTo("interrupted");
      assertThat(r.getString("error")).contains("restarted");

      JsonObject q = demo.awaitDone(queued, 15);
      assertThat(q.getString("status")).isEqualTo("completed");
      assertThat(q.getString("result")).isEqualTo("QUEUED");

      // A confirmation needs no runner: it still waits, and approving it after the restart runs it.
      assertThat(demo.task(waiting).getString("status")).isEqualTo("waiting_confirmation");
      assertThat(demo.approve(waiting).status()).isEqualTo(200);
      assertThat(demo.awaitDone(waiting, 10).getString("result")).isEqualTo("LATER");
    } finally {
      second.stop();
    }
  }
}
