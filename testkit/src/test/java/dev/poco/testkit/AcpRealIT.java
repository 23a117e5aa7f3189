package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.AcpResponsesStub;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
@DisplayName("A real ACP agent (codex-acp from npm) through the whole system, offline against a fake Responses API")
class AcpRealIT {
  static final String VERSION = "2.6.0";
  @TempDir static Path home;
  static Path bin;
  static Vertx vertx;
  static AcpResponsesStub model;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() throws IOException {
    bin = NpmTools.bin("@agentclientprotocol/codex-acp", VERSION, "codex-acp");
    vertx = Vertx.vertx();
    model = AcpResponsesStub.start(vertx);
    poco = EmbeddedPoco.start(home, config(home));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() {
    if (poco != null) poco.close();
    if (model != null) model.close();
    if (vertx != null) vertx.close().await();
  }

  /**
   * codex-acp runs `codex app-server` with CODEX_HOME's config.toml (agents.md §1.2: the fake provider,
   * no retries, plugins/apps/analytics off so nothing leaves 127.0.0.1). workspace-write mode routes
   * approvals to the user; its default mode lets an automatic reviewer answer them instead.
   */
  static Map<String, String> config(Path dir) throws IOException {
    Path codexHome = Files.createDirectories(dir.resolve("codex-home"));
    Files.writeString(codexHome.resolve("config.toml"), String.join("\n",
        "model = \"gpt-5.5\"", "model_provider = \"fake\"",
        "[analytics]", "enabled = false",
        "[features]", "plugins = false", "apps = false", "remote_plugin = false",
        "[model_providers.fake]", "name = \"fake\"", "base_url = \"" + model.baseUrl() + "\"",
        "env_key = \"FAKE_OPENAI_API_KEY\"", "wire_api = \"responses\"",
        "request_max_retries = 0", "stream_max_retries = 0", ""));
    return Map.of(ConfigKeys.AGENT_BACKEND, "codex_acp", "POCO_CODEX_ACP_COMMAND", bin.toString(),
        "POCO_CODEX_ACP_HOME", Files.createDirectories(dir.resolve("agent-home")).toString(),
        "POCO_CODEX_ACP_ENV", "CODEX_HOME=" + codexHome + ",FAKE_OPENAI_API_KEY=fake-key,"
            + "INITIAL_AGENT_MODE=workspace-write,NO_BROWSER=1,RUST_LOG=warn");
  }

  @Test
  @DisplayName("a prompt gets the model's reply, streamed, with a Codex thread id as session")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("real-reply", "Reply with exactly: REAL_OK"), 90);
    assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("REAL_OK");
    assertThat(t.getString("backend")).isEqualTo("codex_acp");
    assertThat(t.getString("session_id")).matches("[0-9a-f-]{36}");
  }

  @Test
  @DisplayName("an escalated shell command asks; approve runs it")
  void approve() {
    String id = demo.run("real-allow", "RUN_SHELL:touch allowed.txt");
    JsonObject waiting = demo.awaitStatus(id, "waiting_confirmation", 90_000);
    assertThat(waiting.getString("status")).as(waiting.encode()).isEqualTo("waiting_confirmation");
    assertThat(waiting.getJsonObject("approval").getString("kind")).isEqualTo("command");
    assertThat(waiting.getJsonObject("approval").getString("title")).contains("touch allowed.txt");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 60);
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("SHELL_DONE");
    assertThat(Path.of(done.getString("workdir")).resolve("allowed.txt")).exists();
  }

  @Test
  @DisplayName("approve for session picks Codex's allow_always option: the same command then runs without asking")
  void approveSession() {
    String id = demo.run("real-session", "RUN_SHELL:touch session.txt");
    assertThat(demo.awaitStatus(id, "waiting_confirmation", 90_000).getString("status")).isEqualTo("waiting_confirmation");
    assertThat(demo.cardAction("group", "real-session", "task.approve_session", new JsonObject().put("task_id", id), null)
        .status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 60).getString("result")).isEqualTo("SHELL_DONE");
    JsonObject again = demo.awaitDone(demo.run("real-session", "RUN_SHELL:touch session.txt"), 60);
    assertThat(again.getString("status")).as(again.encode()).isEqualTo("completed");
    assertThat(again.getString("result")).isEqualTo("SHELL_DONE");
  }

  @Test
  @DisplayName("reject answers Codex's reject_once option ('cancel'): the command never runs and Codex ends the turn")
  void reject() {
    String id = demo.run("real-reject", "RUN_SHELL:touch rejected.txt");
    JsonObject waiting = demo.awaitStatus(id, "waiting_confirmation", 90_000);
    assertThat(waiting.getString("status")).as(waiting.encode()).isEqualTo("waiting_confirmation");
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 60);
    // codex-acp's only reject_once option is "cancel", which ends the whole turn cancelled (acp.md).
    assertThat(done.getString("status")).as(done.encode()).isEqualTo("cancelled");
    assertThat(Path.of(done.getString("workdir")).resolve("rejected.txt")).doesNotExist();
    JsonObject next = demo.awaitDone(demo.run("real-reject", "Reply with exactly: AFTER_REJECT"), 60);
    assertThat(next.getString("result")).isEqualTo("AFTER_REJECT");
  }

  @Test
  @DisplayName("Stop cancels a slow turn with session/cancel and the next queued prompt runs")
  void cancel() {
    String slow = demo.run("real-stop", "SLOW");
    String next = demo.run("real-stop", "Reply with exactly: NEXT");
    long end = System.currentTimeMillis() + 90_000;
    while (demo.task(slow).getString("output").isEmpty() && System.currentTimeMillis() < end) AcpFakeIT.pause();
    assertThat(demo.cardAction("group", "real-stop", "task.stop", null, null).status()).isEqualTo(200);
    JsonObject stopped = demo.awaitDone(slow, 20);
    assertThat(stopped.getString("status")).as(stopped.encode()).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 60);
    assertThat(after.getString("status")).as(after.encode()).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("NEXT");
  }

  @Test
  @DisplayName("after a PoCo restart the saved session continues (codex-acp advertises session/resume, so no replay):"
      + " the model sees the history, the card only the new answer")
  void restart(@TempDir Path other) throws IOException {
    Map<String, String> cfg = config(other);
    String sessionId;
    try (EmbeddedPoco first = EmbeddedPoco.start(other, cfg)) {
      Demo d = new Demo(first.http);
      JsonObject t = d.awaitDone(d.run("real-restart", "Reply with exactly: BEFORE_RESTART"), 90);
      assertThat(t.getString("result")).as(t.encode()).isEqualTo("BEFORE_RESTART");
      sessionId = t.getString("session_id");
    }
    try (EmbeddedPoco second = EmbeddedPoco.start(other, cfg)) {
      Demo d = new Demo(second.http);
      JsonObject t = d.awaitDone(d.run("real-restart", "Reply with exactly: AFTER_RESTART"), 90);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("session_id")).isEqualTo(sessionId);
      assertThat(t.getString("output")).isEqualTo("AFTER_RESTART");
    }
    JsonObject last = model.requests().get(model.requests().size() - 1);
    assertThat(last.getJsonArray("input").encode()).contains("BEFORE_RESTART").contains("AFTER_RESTART");
  }
}
