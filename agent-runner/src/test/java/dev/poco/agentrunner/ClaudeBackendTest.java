package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.BackendInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ClaudeBackendTest {
  private ProcessSupervisor supervisor;

  @BeforeEach
  void setUp(Vertx vertx) { supervisor = new ProcessSupervisor(vertx, 300); }

  @AfterEach
  void tearDown() { supervisor.close().await(); }

  @Test
  void configMapsTheChildEnvAndHidesTheKey() {
    ClaudeConfig cfg = ClaudeConfig.from(new Settings(new JsonObject()
        .put("POCO_CLAUDE_HOME", "/h").put("POCO_CLAUDE_BASE_URL", "http://127.0.0.1:1")
        .put("POCO_CLAUDE_API_KEY", "sk-secret-value").put("POCO_CLAUDE_ENV", "A=1, DISABLE_TELEMETRY=1")));
    assertThat(cfg.command()).isEqualTo("claude");
    assertThat(cfg.permissionMode()).isEqualTo("default");
    assertThat(cfg.env()).containsEntry("HOME", "/h").containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:1")
        .containsEntry("ANTHROPIC_API_KEY", "sk-secret-value").containsEntry("A", "1")
        .containsEntry("DISABLE_TELEMETRY", "1");
    assertThat(cfg.toString()).doesNotContain("sk-secret-value");
    assertThatThrownBy(() -> ClaudeConfig.from(new Settings(new JsonObject().put("POCO_CLAUDE_ENV", "oops"))))
        .hasMessageContaining("K=V");
  }

  @Test
  void probeReadsTheVersion(Vertx vertx, @TempDir Path dir) throws Exception {
    Path fake = dir.resolve("claude");
    Files.writeString(fake, "#!/bin/sh\necho '2.1.197 (Claude Code)'\n");
    assertThat(fake.toFile().setExecutable(true)).isTrue();
    BackendInfo info = backend(vertx, fake.toString()).probe().await();
    assertThat(info.ready()).isTrue();
    assertThat(info.version()).isEqualTo("2.1.197 (Claude Code)");
    assertThat(info.approvals()).isTrue();
    assertThat(info.settings()).extracting(BackendInfo.SettingSpec::key)
        .containsExactly("model", "permission_mode", "timeout_seconds");
  }

  @Test
  void probeSaysHowToFixAMissingCommand(Vertx vertx, @TempDir Path dir) {
    BackendInfo info = backend(vertx, dir.resolve("nope").toString()).probe().await();
    assertThat(info.ready()).isFalse();
    assertThat(info.detail()).isEqualTo("claude not found: set POCO_CLAUDE_COMMAND");
  }

  @Test
  void shortInputPrefersTheCommandOrPath() {
    assertThat(ClaudeTurn.shortInput(new JsonObject().put("command", "touch ok.txt").put("description", "x")))
        .isEqualTo("touch ok.txt");
    assertThat(ClaudeTurn.shortInput(new JsonObject().put("file_path", "/r/a.txt").put("content", "x")))
        .isEqualTo("/r/a.txt");
    assertThat(ClaudeTurn.shortInput(new JsonObject().put("other", "x".repeat(300)))).hasSize(120);
  }

  private ClaudeBackend backend(Vertx vertx, String command) {
    return new ClaudeBackend(vertx, new Settings(new JsonObject().put("POCO_CLAUDE_COMMAND", command)), supervisor);
  }
}
