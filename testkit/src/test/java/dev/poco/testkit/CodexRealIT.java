package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeResponsesApi;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("The real codex CLI 0.169.0 through the whole system, offline against a fake Responses API")
class CodexRealIT {
  static Path codex;
  static Vertx vertx;
  @TempDir Path tmp;
  FakeResponsesApi api;
  Path codexHome;
  Path wrapper;

  @BeforeAll
  static void install() {
    codex = NpmTools.bin("@openai/codex", "0.169.0", "codex");
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void closeVertx() { vertx.close().await(); }

  @BeforeEach
  void fresh() throws Exception {
    api = FakeResponsesApi.start(vertx);
    Path home = Files.createDirectories(tmp.resolve("user-home"));
    codexHome = Files.createDirectories(tmp.resolve("codex-home"));
    // The offline recipe of agents.md §1.2; the --disable flags come through POCO_CODEX_ARGS.
    Files.writeString(codexHome.resolve("config.toml"), """
        model = "fake-model"
        model_provider = "fake"

        [analytics]
        enabled = false

        [model_providers.fake]
        name = "fake"
        base_url = "%s"
        env_key = "FAKE_OPENAI_API_KEY"
        wire_api = "responses"
        request_max_retries = 0
        stream_max_retries = 0
        """.formatted(api.baseUrl()));
    // HOME and the provider key are environment, which an in-JVM PoCo cannot set for its child: a wrapper does.
    wrapper = tmp.resolve("bin/codex");
    Files.createDirectories(wrapper.getParent());
    Files.writeString(wrapper, "#!/bin/sh\nexport HOME='" + home + "'\nexport FAKE_OPENAI_API_KEY=sk-fake-test\n"
        + "exec '" + codex + "' \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @AfterEach
  void stopApi() { api.close(); }

  EmbeddedPoco poco() { return poco(Map.of()); }

  EmbeddedPoco poco(Map<String, String> extra) {
    Map<String, String> config = new java.util.HashMap<>(Map.of(ConfigKeys.AGENT_BACKEND, "codex",
        ConfigKeys.backendKey("codex", "command"), wrapper.toString(),
        "POCO_CODEX_HOME", codexHome.toString(),
        "POCO_CODEX_ARGS", "--disable plugins --disable apps --disable remote_plugin -c analytics.enabled=false"));
    config.putAll(extra);
    return EmbeddedPoco.start(tmp.resolve("poco-home"), config);
  }

  @Test
  @DisplayName("a reply streams into the task")
  void reply() {
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("real-reply", "Reply with exactly: REAL_OK"), 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("result")).isEqualTo("REAL_OK");
      assertThat(t.getString("output")).contains("REAL_OK");
      assertThat(t.getString("session_id")).isNotBlank();
      assertThat(t.getJsonObject("usage").getLong("input_tokens")).isEqualTo(10L);
      assertThat(api.requests()).hasSize(1);
    }
  }

  @Test
  @DisplayName("a command approval accepted runs the command; one declined does not")
  void approvals() {
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      String id = d.run("real-approve", "RUN_SHELL:touch real.txt");
      JsonObject a = awaitApproval(d, id);
      assertThat(a.getString("kind")).isEqualTo("command");
      assertThat(a.getString("detail")).contains("touch real.txt");
      assertThat(d.approve(id).status()).isEqualTo(200);
      JsonObject t = d.awaitDone(id, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("result")).startsWith("DONE:");
      assertThat(Path.of(t.getString("workdir")).resolve("real.txt")).exists();

      String no = d.run("real-approve", "RUN_SHELL:touch declined.txt");
      awaitApproval(d, no);
      assertThat(d.reject(no).status()).isEqualTo(200);
      JsonObject t2 = d.awaitDone(no, 60);
      assertThat(t2.getString("status")).as(t2.encode()).isEqualTo("completed");
      assertThat(Path.of(t2.getString("workdir")).resolve("declined.txt")).doesNotExist();
      assertThat(lastOutput(api.requests())).contains("rejected");
    }
  }

  @Test
  @DisplayName("with approval_policy on-request only an escalation asks, showing codex's justification")
  void escalation() {
    try (EmbeddedPoco p = poco(Map.of(ConfigKeys.backendKey("codex", "approval_policy"), "on-request"))) {
      Demo d = new Demo(p.http);
      String id = d.run("real-escalate", "ESCALATE:touch escalated.txt");
      JsonObject a = awaitApproval(d, id);
      assertThat(a.getString("detail")).contains("touch escalated.txt").contains("reason: the test asks for escalation");
      assertThat(d.approve(id).status()).isEqualTo(200);
      JsonObject t = d.awaitDone(id, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(Path.of(t.getString("workdir")).resolve("escalated.txt")).exists();
    }
  }

  @Test
  @DisplayName("a patch (catalog model, so apply_patch exists) asks with the file and its diff, then applies")
  void patch() {
    try (EmbeddedPoco p = poco(Map.of(ConfigKeys.backendKey("codex", "model"), "gpt-5.5"))) {
      Demo d = new Demo(p.http);
      String id = d.run("real-patch", "APPLY_PATCH:patched.txt=hello");
      JsonObject a = awaitApproval(d, id);
      assertThat(a.getString("kind")).isEqualTo("file_change");
      assertThat(a.getString("detail")).contains("patched.txt").contains("hello");
      assertThat(d.approve(id).status()).isEqualTo(200);
      JsonObject t = d.awaitDone(id, 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed");
      assertThat(t.getString("output")).contains("▸ edit ");
      assertThat(Path.of(t.getString("workdir")).resolve("patched.txt")).hasContent("hello");
    }
  }

  @Test
  @DisplayName("a model server error fails the task with codex's message")
  void httpFailure() {
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("real-fail", "FAIL_HTTP"), 60);
      assertThat(t.getString("status")).as(t.encode()).isEqualTo("failed");
      assertThat(t.getString("error")).isNotBlank();
    }
  }

  @Test
  @DisplayName("Stop interrupts a SLOW turn; the next turn sees the aborted one")
  void interrupt() {
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      String slow = d.run("real-slow", "SLOW");
      long end = System.currentTimeMillis() + 60_000;
      while (!d.task(slow).getString("output", "").contains(".") && System.currentTimeMillis() < end) sleep(50);
      assertThat(d.cardAction("group", "real-slow", "task.stop", null, null).status()).isEqualTo(200);
      JsonObject t = d.awaitDone(slow, 20);
      assertThat(t.getString("status")).isEqualTo("cancelled");
      JsonObject next = d.awaitDone(d.run("real-slow", "Reply with exactly: AFTER"), 60);
      assertThat(next.getString("result")).isEqualTo("AFTER");
      assertThat(api.requests().get(api.requests().size() - 1).getJsonArray("input").encode()).contains("turn_aborted");
    }
  }

  @Test
  @DisplayName("after a restart of PoCo the next prompt continues the same codex thread")
  void restart() {
    String sid;
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("real-restart", "Reply with exactly: FIRST"), 60);
      assertThat(t.getString("result")).as(t.encode()).isEqualTo("FIRST");
      sid = t.getString("session_id");
    }
    try (EmbeddedPoco p = poco()) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("real-restart", "Reply with exactly: SECOND"), 60);
      assertThat(t.getString("result")).as(t.encode()).isEqualTo("SECOND");
      assertThat(t.getString("session_id")).isEqualTo(sid);
    }
    List<JsonObject> reqs = api.requests();
    assertThat(reqs).hasSize(2);
    String history = reqs.get(1).getJsonArray("input").encode();
    assertThat(history).contains("Reply with exactly: FIRST").contains("Reply with exactly: SECOND");
    assertThat(reqs.get(1).getString("prompt_cache_key")).isEqualTo(sid);
  }

  static JsonObject awaitApproval(Demo d, String id) {
    long end = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < end) {
      JsonObject t = d.task(id);
      if ("waiting_confirmation".equals(t.getString("status")) && t.getJsonObject("approval") != null) {
        return t.getJsonObject("approval");
      }
      if (t.getString("finished_at") != null) throw new AssertionError("finished without asking: " + t.encode());
      sleep(50);
    }
    throw new AssertionError("no approval: " + d.task(id).encode());
  }

  /** The output of the last function_call_output the model was sent. */
  static String lastOutput(List<JsonObject> requests) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      var input = requests.get(i).getJsonArray("input");
      for (int j = input.size() - 1; j >= 0; j--) {
        JsonObject item = input.getJsonObject(j);
        if ("function_call_output".equals(item.getString("type"))) return String.valueOf(item.getValue("output"));
      }
    }
    return "";
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
