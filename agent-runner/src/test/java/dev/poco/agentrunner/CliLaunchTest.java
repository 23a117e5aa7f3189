package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CliLaunchTest {
  static final Path DIR = Path.of("/repo");

  static TurnRequest request(String session, JsonObject settings, String prompt) {
    return new TurnRequest("t1", "p1", prompt, DIR, session, settings);
  }

  @Test
  @DisplayName("capo: --rpc, --session and --model; HOME and K=V env from config; a missing command names its setting")
  void capo() {
    Settings s = new Settings(new JsonObject().put("POCO_CAPO_COMMAND", "/opt/capo").put("POCO_CAPO_MODEL", "m1")
        .put("POCO_CAPO_HOME", "/h").put("POCO_CAPO_ENV", "A=1, B=x=y,broken"));
    CapoLaunch launch = new CapoLaunch(s);
    ProcessSpec spec = launch.rpc(DIR, "01SESSION", launch.defaultModel());
    assertThat(spec.command()).containsExactly("/opt/capo", "--rpc", "--session", "01SESSION", "--model", "m1");
    assertThat(spec.cwd()).isEqualTo(DIR);
    assertThat(spec.env()).isEqualTo(Map.of("HOME", "/h", "A", "1", "B", "x=y"));
    assertThat(launch.rpc(DIR, null, null).command()).containsExactly("/opt/capo", "--rpc");
    assertThat(launch.notReady("command not found: /opt/capo")).startsWith("capo not found: set POCO_CAPO_COMMAND");
  }

  @Test
  @DisplayName("cursor: print-mode flags, --resume, workspace overrides, and the prompt last after --")
  void cursor() {
    CursorLaunch launch = new CursorLaunch(new Settings(new JsonObject().put("POCO_CURSOR_MODEL", "auto")));
    assertThat(launch.turn(request(null, null, "-x hi")).command()).containsExactly("cursor-agent", "-p",
        "--output-format", "stream-json", "--stream-partial-output", "--workspace", "/repo", "--", "-x hi");
    JsonObject ws = new JsonObject().put("model", "gpt-5").put("mode", "plan").put("sandbox", "enabled");
    assertThat(launch.turn(request("chat-1", ws, "hi")).command()).containsSequence("--resume", "chat-1")
        .containsSequence("--model", "gpt-5").containsSequence("--mode", "plan").containsSequence("--sandbox", "enabled")
        .endsWith("--", "hi").doesNotContain("--force");
    assertThat(launch.wouldAsk(request(null, ws, "hi"))).isFalse();
    JsonObject force = new JsonObject().put("mode", "force");
    assertThat(launch.turn(request(null, force, "hi")).command()).contains("--force").doesNotContain("--mode");
    assertThat(launch.wouldAsk(request(null, force, "hi"))).isFalse();
    assertThat(launch.wouldAsk(request(null, null, "hi"))).isTrue();
  }
}
