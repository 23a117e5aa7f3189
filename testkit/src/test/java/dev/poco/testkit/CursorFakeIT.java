package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("The cursor_agent backend through the whole system, driving fake-cursor.mjs")
class CursorFakeIT {
  static final String NOTE = "▸ cursor-agent has no approval channel: it runs with its own permission settings";

  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  static Map<String, String> cursor(Path home, Map<String, String> more) {
    Map<String, String> cfg = new HashMap<>(Map.of(
        "POCO_AGENT_BACKEND", "cursor_agent",
        "POCO_CURSOR_COMMAND", Fakes.install(home.resolve("bin"), "fake-cursor.mjs").toString(),
        "POCO_CURSOR_HOME", home.resolve("cursor-home").toString(),
        "POCO_CURSOR_ENV", "FAKE_CURSOR_TOKEN=tok-456"));
    cfg.putAll(more);
    return cfg;
  }

  @BeforeAll
  static void up() {
    poco = EmbeddedPoco.start(home, cursor(home, Map.of()));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("a prompt streams partial deltas once (not again as the whole message) and completes; the card notes there are no approvals")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("c-reply", "Reply with exactly: CURSOR_OK_DONE"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("backend")).isEqualTo("cursor_agent");
    assertThat(t.getString("result")).isEqualTo("CURSOR_OK_DONE");
    assertThat(t.getString("output")).contains(NOTE).endsWith("\nCURSOR_OK_DONE");
    assertThat(t.getString("output").indexOf(NOTE)).isEqualTo(t.getString("output").lastIndexOf(NOTE));
    assertThat(t.getString("session_id")).hasSize(36);
  }

  @Test
  @DisplayName("the agent picker shows cursor_agent ready with its version and no approval channel")
  void picker() {
    demo.run("c-picker", "Reply with exactly: BIND");
    String body = demo.cardAction("group", "c-picker", "agent.open", null, null).json().getJsonObject("view")
        .getString("body");
    assertThat(body).contains("- **cursor_agent** (current): ready, 2026.11.01-fake · no approval channel\n");
  }

  @Test
  @DisplayName("tool calls show as activity lines")
  void tools() {
    JsonObject t = demo.awaitDone(demo.run("c-tool", "TOOL Reply with exactly: LOOKED"), 15);
    assertThat(t.getString("result")).isEqualTo("LOOKED");
    assertThat(t.getString("output")).contains("Let me look. \n▸ shell: ls -la").contains("▸ shell done")
        .endsWith("LOOKED");
  }

  @Test
  @DisplayName("the prompt goes after -- so a leading dash is not read as a flag; POCO_CURSOR_ENV reaches the child")
  void argsAndEnv() {
    assertThat(demo.awaitDone(demo.run("c-dash", "-v Reply with exactly: DASH"), 15).getString("result"))
        .isEqualTo("DASH");
    assertThat(demo.awaitDone(demo.run("c-env", "ENV:FAKE_CURSOR_TOKEN"), 15).getString("result"))
        .isEqualTo("env: tok-456");
  }

  @Test
  @DisplayName("the next prompt resumes the chat with --resume and the same session id")
  void resume() {
    JsonObject first = demo.awaitDone(demo.run("c-resume", "Reply with exactly: ONE"), 15);
    JsonObject next = demo.awaitDone(demo.run("c-resume", "RECALL"), 15);
    assertThat(next.getString("result")).isEqualTo("turns before: 1; last: Reply with exactly: ONE");
    assertThat(next.getString("session_id")).isEqualTo(first.getString("session_id"));
  }

  @Test
  @DisplayName("Stop kills a SLOW turn and the next queued prompt runs")
  void stop() {
    String slow = demo.run("c-stop", "SLOW");
    String next = demo.run("c-stop", "Reply with exactly: NEXT");
    demo.awaitStatus(slow, "running", 10_000);
    assertThat(demo.cardAction("group", "c-stop", "task.stop", null, null).status()).isEqualTo(200);
    assertThat(demo.awaitDone(slow, 10).getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 15);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("NEXT");
  }

  @Test
  @DisplayName("the turn ends at the result even when cursor-agent lingers after it")
  void linger() {
    JsonObject t = demo.awaitDone(demo.run("c-linger", "LINGER Reply with exactly: LEFT"), 10);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("LEFT");
  }

  @Test
  @DisplayName("a line that is not JSON is skipped")
  void malformed() {
    JsonObject t = demo.awaitDone(demo.run("c-malformed", "MALFORMED Reply with exactly: FINE"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("FINE");
  }

  @Test
  @DisplayName("a crash with no result fails the task with the exit code and stderr")
  void crash() {
    JsonObject t = demo.awaitDone(demo.run("c-crash", "CRASH"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).isEqualTo("cursor-agent exited (code 3): Error: simulated crash in cursor-agent");
  }

  @Test
  @DisplayName("mode force passes --force, model and mode flags reach the CLI, and there is no approval note")
  void forceMode(@TempDir Path own) {
    Map<String, String> cfg = cursor(own, Map.of("POCO_CURSOR_MODE", "force", "POCO_CURSOR_MODEL", "gpt-x"));
    try (EmbeddedPoco p = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("c-force", "FLAGS"), 15);
      assertThat(t.getString("result")).contains("--force").contains("--model").contains("--workspace")
          .contains("--stream-partial-output").contains("mode=-");
      assertThat(t.getString("output")).doesNotContain("approval channel");
    }
  }

  @Test
  @DisplayName("after a PoCo restart the next prompt resumes the stored chat")
  void restart(@TempDir Path own) {
    Map<String, String> cfg = cursor(own, Map.of());
    JsonObject first;
    try (EmbeddedPoco one = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(one.http);
      first = d.awaitDone(d.run("c-restart", "Reply with exactly: FIRST"), 15);
    }
    try (EmbeddedPoco two = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(two.http);
      JsonObject next = d.awaitDone(d.run("c-restart", "RECALL"), 15);
      assertThat(next.getString("result")).isEqualTo("turns before: 1; last: Reply with exactly: FIRST");
      assertThat(next.getString("session_id")).isEqualTo(first.getString("session_id"));
    }
  }

  @Test
  @DisplayName("a hang past the timeout fails the task as timed out; the next prompt runs")
  void hang(@TempDir Path own) {
    try (EmbeddedPoco p = EmbeddedPoco.start(own, cursor(own, Map.of("POCO_CURSOR_TIMEOUT_SECONDS", "2")))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("c-hang", "HANG"), 20);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("timed out");
      JsonObject next = d.awaitDone(d.run("c-hang", "Reply with exactly: RECOVERED"), 15);
      assertThat(next.getString("result")).as(next.encode()).isEqualTo("RECOVERED");
    }
  }

  @Test
  @DisplayName("a missing cursor-agent fails the prompt at once, naming the setting to fix")
  void missing(@TempDir Path own) {
    Map<String, String> cfg = cursor(own, Map.of("POCO_CURSOR_COMMAND", own.resolve("no-such-agent").toString()));
    try (EmbeddedPoco p = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("c-missing", "Reply with exactly: NEVER"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("cursor-agent not found: set POCO_CURSOR_COMMAND");
    }
  }
}
