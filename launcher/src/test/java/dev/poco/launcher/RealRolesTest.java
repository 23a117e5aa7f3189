package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import java.nio.file.Path;
import java.util.Map;
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
}
