package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeAnthropicApi;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("claude_code with the real Claude Code 2.1.197 CLI against a loopback fake Anthropic API")
class ClaudeRealIT {
  @TempDir static Path home;
  static Vertx apiVertx;
  static FakeAnthropicApi api;
  static Path claude;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    claude = NpmTools.bin("@anthropic-ai/claude-code", "2.1.197", "claude");
    apiVertx = Vertx.vertx();
    api = FakeAnthropicApi.start(apiVertx);
    poco = EmbeddedPoco.start(home, config(home));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() {
    if (poco != null) poco.close();
    if (api != null) api.close();
    if (apiVertx != null) apiVertx.close().await();
  }

  /** agents.md §2.2: a fresh HOME, the fake API, and no traffic anywhere else. */
  static Map<String, String> config(Path home) {
    Path claudeHome = home.resolve("claude-home");
    return Map.of(ConfigKeys.AGENT_BACKEND, "claude_code",
        "POCO_CLAUDE_COMMAND", claude.toString(),
        "POCO_CLAUDE_MODEL", "claude-fake-1",
        "POCO_CLAUDE_HOME", claudeHome.toString(),
        "POCO_CLAUDE_BASE_URL", api.baseUrl(),
        "POCO_CLAUDE_API_KEY", "dummy",
        "POCO_CLAUDE_ENV", "CLAUDE_CONFIG_DIR=" + claudeHome.resolve(".claude")
            + ",CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1,DISABLE_TELEMETRY=1,DISABLE_ERROR_REPORTING=1"
            + ",DISABLE_AUTOUPDATER=1");
  }

  @Test
  @DisplayName("a reply streams into the task")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("real-reply", "Reply with exactly: REAL_OK"), 60);
    assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("REAL_OK");
    assertThat(t.getString("output")).contains("REAL_OK");
    assertThat(t.getString("session_id")).isNotBlank();
    assertThat(t.getJsonObject("usage").getLong("output_tokens")).isNotNull();
  }

  @Test
  @DisplayName("a Bash call approved in PoCo really runs; a rejected one does not")
  void bashApproval() {
    String ok = demo.run("real-bash", "RUN_BASH:touch real-approved.txt");
    JsonObject waiting = demo.awaitStatus(ok, "waiting_confirmation", 60_000);
    assertThat(waiting.getString("status")).as(waiting.encode()).isEqualTo("waiting_confirmation");
    assertThat(waiting.getJsonObject("approval").getString("title")).startsWith("Bash: touch real-approved.txt");
    assertThat(demo.approve(ok).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(ok, 60);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getString("result")).startsWith("tool said:");
    assertThat(Path.of(done.getString("workdir")).resolve("real-approved.txt")).exists();

    String no = demo.run("real-bash", "RUN_BASH:touch real-denied.txt");
    demo.awaitStatus(no, "waiting_confirmation", 60_000);
    assertThat(demo.reject(no).status()).isEqualTo(200);
    JsonObject denied = demo.awaitDone(no, 60);
    assertThat(denied.getString("status")).as(denied.encode()).isEqualTo("completed");
    assertThat(Path.of(denied.getString("workdir")).resolve("real-denied.txt")).doesNotExist();
    List<JsonObject> sent = api.messageRequests();
    assertThat(sent.get(sent.size() - 1).encode()).contains("Rejected by the user in PoCo");
  }

  @Test
  @DisplayName("Stop interrupts a SLOW turn; the queued prompt then runs in the same session")
  void interrupt() {
    String slow = demo.run("real-stop", "SLOW please");
    String next = demo.run("real-stop", "Reply with exactly: AFTER_INTERRUPT");
    long end = System.currentTimeMillis() + 60_000;
    while (!demo.task(slow).getString("output").contains("tick") && System.currentTimeMillis() < end) sleep(50);
    assertThat(demo.cardAction("group", "real-stop", "task.stop", null, null).status()).isEqualTo(200);
    long stopAt = System.currentTimeMillis();
    JsonObject stopped = demo.awaitDone(slow, 30);
    assertThat(stopped.getString("status")).as(stopped.encode()).isEqualTo("cancelled");
    assertThat(System.currentTimeMillis() - stopAt).as("claude honoured the interrupt before the kill").isLessThan(2_500);
    assertThat(stopped.getString("output")).contains("tick");
    JsonObject after = demo.awaitDone(next, 60);
    assertThat(after.getString("status")).as(after.encode()).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("AFTER_INTERRUPT");
    assertThat(after.getString("session_id")).isEqualTo(stopped.getString("session_id"));
  }

  @Test
  @DisplayName("Stop while an approval is pending cancels the turn and the command never runs")
  void stopWhileAsking() {
    String id = demo.run("real-stop-ask", "RUN_BASH:touch never-ran.txt");
    demo.awaitStatus(id, "waiting_confirmation", 60_000);
    assertThat(demo.cardAction("group", "real-stop-ask", "task.stop", null, null).status()).isEqualTo(200);
    long stopAt = System.currentTimeMillis();
    JsonObject stopped = demo.awaitDone(id, 30);
    assertThat(stopped.getString("status")).as(stopped.encode()).isEqualTo("cancelled");
    assertThat(System.currentTimeMillis() - stopAt).as("claude honoured the interrupt before the kill").isLessThan(2_500);
    assertThat(Path.of(stopped.getString("workdir")).resolve("never-ran.txt")).doesNotExist();
  }

  @Test
  @DisplayName("after a PoCo restart the next prompt continues the same Claude session")
  void resumeAfterRestart(@TempDir Path other) throws Exception {
    Files.createDirectories(other);
    String sid;
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other))) {
      Demo d = new Demo(p.http);
      JsonObject first = d.awaitDone(d.run("real-restart", "Reply with exactly: FIRST_REAL"), 60);
      assertThat(first.getString("status")).as(first.encode()).isEqualTo("completed");
      sid = first.getString("session_id");
    }
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other))) {
      Demo d = new Demo(p.http);
      JsonObject second = d.awaitDone(d.run("real-restart", "Reply with exactly: SECOND_REAL"), 60);
      assertThat(second.getString("status")).as(second.encode()).isEqualTo("completed");
      assertThat(second.getString("result")).isEqualTo("SECOND_REAL");
      assertThat(second.getString("session_id")).isEqualTo(sid);
    }
    List<JsonObject> sent = api.messageRequests();
    String last = sent.get(sent.size() - 1).getJsonArray("messages").encode();
    assertThat(last).as("the model saw the turn from before the restart").contains("FIRST_REAL")
        .contains("SECOND_REAL");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
