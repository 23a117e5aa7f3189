package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("`poco status` against an edge beyond loopback shows the full report with the configured token")
class StatusTokenIT {
  private static final String TOKEN = "status-token-0123456789abcdef0123";
  @TempDir Path home;

  @AfterEach
  void close() { PocoCli.killServer(home); }

  @Test
  @DisplayName("edge on 0.0.0.0 with POCO_HTTP_TOKEN: status prints mode and runners, never the token")
  void fullReport() {
    Map<String, String> env = Map.of("POCO_HTTP_PORT", String.valueOf(Ports.free()), "POCO_HTTP_HOST", "0.0.0.0",
        "POCO_HTTP_TOKEN", TOKEN, "POCO_AGENT_BACKEND", "stub", "POCO_WORKDIR_ROOTS", home.toString());
    PocoCli.Result start = PocoCli.run(home, env, Duration.ofSeconds(60), "start");
    assertThat(start.code()).as(start.output()).isZero();
    PocoCli.Result status = PocoCli.run(home, env, Duration.ofSeconds(30), "status");
    assertThat(status.code()).as(status.output()).isZero();
    assertThat(status.output()).contains("mode local").contains("1 runner").doesNotContain(TOKEN);
    assertThat(start.output()).doesNotContain(TOKEN);
  }
}
