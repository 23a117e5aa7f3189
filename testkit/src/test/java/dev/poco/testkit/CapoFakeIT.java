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
@DisplayName("The capo backend through the whole system, driving fake-capo --rpc")
class CapoFakeIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  static Map<String, String> capo(Path home, Map<String, String> more) {
    Map<String, String> cfg = new HashMap<>(Map.of(
        "POCO_AGENT_BACKEND", "capo",
        "POCO_CAPO_COMMAND", Fakes.install(home.resolve("bin"), "fake-capo.mjs").toString(),
        "POCO_CAPO_HOME", home.resolve("capo-home").toString(),
        "POCO_CAPO_ENV", "FAKE_CAPO_TOKEN=tok-123,OTHER=x"));
    cfg.putAll(more);
    return cfg;
  }

  @BeforeAll
  static void up() {
    poco = EmbeddedPoco.start(home, capo(home, Map.of()));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("a prompt streams capo's deltas into the task and completes with the answer")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("c-reply", "Reply with exactly: CAPO_OK"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("CAPO_OK");
    assertThat(t.getString("output")).isEqualTo("CAPO_OK");
    assertThat(t.getString("backend")).isEqualTo("capo");
    assertThat(t.getString("session_id")).hasSize(26);
  }

  @Test
  @DisplayName("the agent picker shows capo ready with its version and approvals; cursor-agent not found, naming its setting")
  void picker() {
    demo.run("c-picker", "Reply with exactly: BIND");
    String body = demo.cardAction("group", "c-picker", "agent.open", null, null).json().getJsonObject("view")
        .getString("body");
    assertThat(body).contains("- **capo** (current): ready, capo 0.7.0 (fake)\n")
        .contains("- cursor_agent: not ready (cursor-agent not found: set POCO_CURSOR_COMMAND");
  }

  @Test
  @DisplayName("POCO_CAPO_ENV reaches the child's environment")
  void env() {
    assertThat(demo.awaitDone(demo.run("c-env", "ENV:FAKE_CAPO_TOKEN"), 15).getString("result"))
        .isEqualTo("env: tok-123");
  }

  @Test
  @DisplayName("a permission request waits on the card; approve runs the tool once")
  void approve() {
    String id = demo.run("c-allow", "ASK_TOOL:ls");
    JsonObject waiting = demo.awaitStatus(id, "waiting_confirmation", 10_000);
    assertThat(waiting.getJsonObject("approval").getString("title")).contains("bash").contains("ls");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 15);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("ran ls");
    assertThat(done.getString("output")).contains("▸ bash: ls").contains("▸ bash done");
  }

  @Test
  @DisplayName("deny answers capo with deny and the turn goes on without the tool")
  void deny() {
    String id = demo.run("c-deny", "ASK_TOOL:rm");
    demo.awaitStatus(id, "waiting_confirmation", 10_000);
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 15);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("denied rm");
    assertThat(done.getString("output")).doesNotContain("▸ bash");
  }

  @Test
  @DisplayName("allow-for-session is remembered by the live process: the next turn is not asked again")
  void approveSession() {
    String chat = "c-session-allow";
    String first = demo.run(chat, "ASK_TOOL:make");
    demo.awaitStatus(first, "waiting_confirmation", 10_000);
    Http.Result r = demo.cardAction("group", chat, "task.approve_session", new JsonObject().put("task_id", first), null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject a = demo.awaitDone(first, 15);
    assertThat(a.getString("result")).isEqualTo("ran make");
    JsonObject b = demo.awaitDone(demo.run(chat, "ASK_TOOL:make"), 15);
    assertThat(b.getString("status")).isEqualTo("completed");
    assertThat(b.getString("result")).isEqualTo("ran make");
    assertThat(b.getString("session_id")).isEqualTo(a.getString("session_id"));
  }

  @Test
  @DisplayName("two permission requests in one turn are asked one after the other, in order")
  void twoInOrder() {
    String id = demo.run("c-two", "ASK_TOOL:first ASK_TOOL:second");
    demo.awaitApproval(id, "first");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    demo.awaitApproval(id, "second");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 15).getString("result")).isEqualTo("ran first, ran second");
  }

  @Test
  @DisplayName("Stop cancels a SLOW turn with cancel_agent, and the next queued prompt runs on the same session")
  void stop() {
    String slow = demo.run("c-stop", "SLOW");
    String next = demo.run("c-stop", "RECALL");
    demo.awaitStatus(slow, "running", 10_000);
    demo.awaitOutput(slow, "tick 2");
    assertThat(demo.cardAction("group", "c-stop", "task.stop", null, null).status()).isEqualTo(200);
    JsonObject stopped = demo.awaitDone(slow, 10);
    assertThat(stopped.getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 15);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("turns before: 1; last: SLOW");
    assertThat(after.getString("session_id")).isEqualTo(stopped.getString("session_id"));
  }

  @Test
  @DisplayName("a line that is not JSON is skipped")
  void malformed() {
    JsonObject t = demo.awaitDone(demo.run("c-malformed", "MALFORMED Reply with exactly: FINE"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("FINE");
  }

  @Test
  @DisplayName("an error event fails the turn with its message; the process lives on")
  void error() {
    JsonObject t = demo.awaitDone(demo.run("c-error", "ERROR"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).contains("overloaded");
    assertThat(t.getString("output")).contains("▸ capo error: simulated model error");
    JsonObject next = demo.awaitDone(demo.run("c-error", "Reply with exactly: STILL_HERE"), 15);
    assertThat(next.getString("result")).isEqualTo("STILL_HERE");
    assertThat(next.getString("session_id")).isEqualTo(t.getString("session_id"));
  }

  @Test
  @DisplayName("a crash mid-turn fails it with capo's stderr; the next prompt resumes the session in a new process")
  void crash() {
    JsonObject first = demo.awaitDone(demo.run("c-crash", "Reply with exactly: BEFORE"), 15);
    JsonObject t = demo.awaitDone(demo.run("c-crash", "CRASH"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).contains("capo exited (code 3)").contains("simulated crash");
    JsonObject next = demo.awaitDone(demo.run("c-crash", "RECALL"), 15);
    assertThat(next.getString("result")).isEqualTo("turns before: 1; last: Reply with exactly: BEFORE");
    assertThat(next.getString("session_id")).isEqualTo(first.getString("session_id"));
  }

  @Test
  @DisplayName("a new working dir gets a new capo process there, with a new session")
  void workdirChange() throws Exception {
    String chat = "c-workdir";
    JsonObject first = demo.awaitDone(demo.run(chat, "Reply with exactly: HERE"), 15);
    Path other = java.nio.file.Files.createDirectories(home.resolve("repos/other"));
    assertThat(demo.cardAction("group", chat, "workdir.manual", null, new JsonObject().put("path", other.toString()))
        .status()).isEqualTo(200);
    JsonObject next = demo.awaitDone(demo.run(chat, "RECALL"), 15);
    assertThat(next.getString("workdir")).isEqualTo(other.toRealPath().toString());
    assertThat(next.getString("result")).isEqualTo("turns before: 0; last: none");
    assertThat(next.getString("session_id")).isNotEqualTo(first.getString("session_id"));
  }

  @Test
  @DisplayName("after a PoCo restart the next prompt resumes the stored session with --session")
  void restart(@TempDir Path own) {
    Map<String, String> cfg = capo(own, Map.of());
    JsonObject first;
    try (EmbeddedPoco one = EmbeddedPoco.start(own, cfg)) {
      first = new Demo(one.http).awaitDone(new Demo(one.http).run("c-restart", "Reply with exactly: FIRST"), 15);
      assertThat(first.getString("status")).isEqualTo("completed");
    }
    try (EmbeddedPoco two = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(two.http);
      JsonObject next = d.awaitDone(d.run("c-restart", "RECALL"), 15);
      assertThat(next.getString("result")).isEqualTo("turns before: 1; last: Reply with exactly: FIRST");
      assertThat(next.getString("session_id")).isEqualTo(first.getString("session_id"));
    }
  }

  @Test
  @DisplayName("a hang past the timeout fails the task as timed out, killing capo")
  void hang(@TempDir Path own) {
    try (EmbeddedPoco p = EmbeddedPoco.start(own, capo(own, Map.of("POCO_CAPO_TIMEOUT_SECONDS", "2")))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("c-hang", "HANG"), 20);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("timed out");
      JsonObject next = d.awaitDone(d.run("c-hang", "Reply with exactly: RECOVERED"), 15);
      assertThat(next.getString("result")).as(next.encode()).isEqualTo("RECOVERED");
    }
  }

  @Test
  @DisplayName("a missing capo fails the prompt at once, naming the setting to fix")
  void missing(@TempDir Path own) {
    Map<String, String> cfg = capo(own, Map.of("POCO_CAPO_COMMAND", own.resolve("no-such-capo").toString()));
    try (EmbeddedPoco p = EmbeddedPoco.start(own, cfg)) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("c-missing", "Reply with exactly: NEVER"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("capo not found: set POCO_CAPO_COMMAND");
    }
  }



}
