package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The runner's id")
class RunnerConfigTest {
  @Test
  @DisplayName("embedded it is 'local'; clustered it defaults to the host name, safe for bus addresses")
  void defaultId() {
    Settings none = new Settings(new JsonObject());
    assertThat(RunnerConfig.from(none).runnerId()).isEqualTo("local");
    String clustered = RunnerConfig.from(none, true).runnerId();
    assertThat(clustered).isNotEqualTo("local").matches("[a-z0-9._-]+").isEqualTo(RunnerConfig.hostId());
  }

  @Test
  @DisplayName("POCO_RUNNER_ID wins in both modes")
  void explicitId() {
    Settings s = new Settings(new JsonObject().put("POCO_RUNNER_ID", "gpu-box-1"));
    assertThat(RunnerConfig.from(s).runnerId()).isEqualTo("gpu-box-1");
    assertThat(RunnerConfig.from(s, true).runnerId()).isEqualTo("gpu-box-1");
  }
}
