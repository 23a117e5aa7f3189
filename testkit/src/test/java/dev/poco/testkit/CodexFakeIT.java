package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeCodexCli;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("The codex backend through the whole system, driving the fake codex app-server")
class CodexFakeIT {
  @TempDir static Path tmp;
  static Path fake;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    fake = FakeCodexCli.install(tmp.resolve("bin"));
    poco = EmbeddedPoco.start(tmp.resolve("home"), config(tmp.resolve("codex-home"), Map.of()));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  static Map<String, String> config(Path codexHome, Map<String, String> extra) {
    Map<String, String> c = new HashMap<>(Map.of(ConfigKeys.AGENT_BACKEND, "codex",
        ConfigKeys.backendKey("codex", "command"), fake.toString(), "POCO_CODEX_HOME", codexHome.toString()));
    c.putAll(extra);
    return c;
  }

  @Test
  @DisplayName("a prompt streams its answer, reports usage and a session id")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("cx-reply", "Reply with exactly: CODEX_OK"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("CODEX_OK");
    assertThat(t.getString("output")).isEqualTo("CODEX_OK");
    assertThat(t.getString("backend")).isEqualTo("codex");
    assertThat(t.getString("session_id")).isNotBlank();
    assertThat(t.getJsonObject("usage").getLong("output_tokens")).isEqualTo(1L);
    assertThat(t.getJsonObject("usage").getLong("input_tokens")).isEqualTo(4L);
  }

  @Test
  @DisplayName("two command approvals come one at a time: approve, then approve for the session; both ran")
  void approveTwo() throws Exception {
    String id = demo.run("cx-approve", "APPROVE_CMD:touch a.txt\nAPPROVE_CMD:touch b.txt");
    JsonObject first = demo.awaitApproval(id, "a.txt");
    assertThat(first.getString("kind")).isEqualTo("command");
    assertThat(first.getString("title")).isEqualTo("Run `touch a.txt`?");
    assertThat(first.getString("detail")).contains("touch a.txt").contains("reason: the fake wants to run it");
    assertThat(first.getJsonArray("options").getList()).contains("approve", "approve_session", "reject");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    demo.awaitApproval(id, "b.txt");
    assertThat(demo.cardAction("group", "cx-approve", "task.approve_session", new JsonObject().put("task_id", id), null)
        .status()).isEqualTo(200);
    JsonObject t = demo.awaitDone(id, 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("touch a.txt=accept;touch b.txt=acceptForSession");
    assertThat(t.getString("output")).contains("▸ $ touch a.txt").contains("▸ $ touch b.txt");
    Path dir = Path.of(t.getString("workdir"));
    assertThat(dir.resolve("a.txt")).exists();
    assertThat(dir.resolve("b.txt")).exists();
  }

  @Test
  @DisplayName("a rejected command is declined and does not run; the turn still completes")
  void reject() {
    String id = demo.run("cx-reject", "APPROVE_CMD:touch rejected.txt");
    demo.awaitApproval(id, "rejected.txt");
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject t = demo.awaitDone(id, 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("touch rejected.txt=decline");
    assertThat(t.getString("output")).contains("declined: $ touch rejected.txt");
    assertThat(Path.of(t.getString("workdir")).resolve("rejected.txt")).doesNotExist();
  }

  @Test
  @DisplayName("a file change approval shows the path and the diff from the started item")
  void patch() {
    String id = demo.run("cx-patch", "APPROVE_PATCH:p.txt");
    JsonObject a = demo.awaitApproval(id, "p.txt");
    assertThat(a.getString("kind")).isEqualTo("file_change");
    assertThat(a.getString("detail")).contains("p.txt (add)").contains("hello");
    demo.approve(id);
    JsonObject t = demo.awaitDone(id, 15);
    assertThat(t.getString("result")).isEqualTo("patch accept");
    assertThat(t.getString("output")).contains("▸ edit ").contains("p.txt");
    assertThat(Path.of(t.getString("workdir")).resolve("p.txt")).exists();
    // turn/diff/updated reaches the task and its final card: files changed with +/- counts.
    assertThat(t.getJsonObject("diff").getInteger("added")).isEqualTo(1);
    Http.Result card = demo.command("cx-patch", "/status " + id);
    assertThat(card.json().getJsonObject("view").getJsonArray("fields").encode())
        .contains("1 file changed, +1 −0: p.txt");
  }

  @Test
  @DisplayName("/steer in the chat reaches the running Codex turn (turn/steer) instead of queueing")
  void steer() {
    String slow = demo.run("cx-steer", "SLOW");
    demo.awaitOutput(slow, "..");
    Http.Result steered = demo.command("cx-steer", "/steer also cover the edge case");
    assertThat(steered.str("toast")).isEqualTo("Sent to the running turn");
    assertThat(steered.str("task_id")).isEqualTo(slow);
    assertThat(demo.task(slow).getString("output")).contains("steered: also cover the edge case");
    demo.cardAction("group", "cx-steer", "task.stop", null, null);
    assertThat(demo.awaitDone(slow, 10).getString("status")).isEqualTo("cancelled");
  }

  @Test
  @DisplayName("Stop interrupts a SLOW turn (cancelled) and the next queued prompt runs on the same thread")
  void stop() {
    String slow = demo.run("cx-stop", "SLOW");
    String next = demo.run("cx-stop", "RECALL");
    demo.awaitOutput(slow, "..");
    assertThat(demo.cardAction("group", "cx-stop", "task.stop", null, null).status()).isEqualTo(200);
    JsonObject stopped = demo.awaitDone(slow, 10);
    assertThat(stopped.getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 15);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("RECALL:SLOW");
    assertThat(after.getString("session_id")).isEqualTo(stopped.getString("session_id"));
  }

  @Test
  @DisplayName("follow-up prompts in a chat continue the same codex thread")
  void session() {
    JsonObject first = demo.awaitDone(demo.run("cx-session", "Reply with exactly: ONE"), 15);
    JsonObject second = demo.awaitDone(demo.run("cx-session", "RECALL"), 15);
    assertThat(second.getString("session_id")).isEqualTo(first.getString("session_id"));
    assertThat(second.getString("result")).isEqualTo("RECALL:Reply with exactly: ONE");
  }

  @Test
  @DisplayName("a line that is not JSON is skipped and the turn completes")
  void malformed() {
    JsonObject t = demo.awaitDone(demo.run("cx-malformed", "MALFORMED Reply with exactly: STILL_OK"), 15);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("STILL_OK");
  }

  @Test
  @DisplayName("a crash mid-turn fails the task with codex's stderr; the next prompt resumes in a new process")
  void crash() {
    JsonObject t = demo.awaitDone(demo.run("cx-crash", "CRASH"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).startsWith("codex exited (code 3)").contains("panicked at CRASH marker");
    JsonObject next = demo.awaitDone(demo.run("cx-crash", "RECALL"), 15);
    assertThat(next.getString("status")).isEqualTo("completed");
    assertThat(next.getString("session_id")).isEqualTo(t.getString("session_id"));
  }

  @Test
  @DisplayName("codex exiting with a non-zero code fails the task with that code")
  void nonZeroExit() {
    JsonObject t = demo.awaitDone(demo.run("cx-exit", "EXIT:7"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).isEqualTo("codex exited (code 7)");
  }

  @Test
  @DisplayName("a failed turn reports codex's error; retries are shown as progress")
  void failedTurn() {
    JsonObject t = demo.awaitDone(demo.run("cx-fail", "FAIL_TURN"), 15);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).isEqualTo("fake model failure");
    assertThat(t.getString("output")).contains("▸ retrying: Reconnecting... 1/5");
  }

  @Test
  @DisplayName("an unknown server request is answered with a JSON-RPC error, not left hanging")
  void unknownRequest() {
    JsonObject t = demo.awaitDone(demo.run("cx-unknown", "UNKNOWN_REQUEST"), 15);
    assertThat(t.getString("result")).isEqualTo("UNKNOWN_ANSWERED:-32601");
  }

  @Test
  @DisplayName("after a restart of PoCo the next prompt resumes the same thread in a new codex process")
  void restart() throws Exception {
    Path home = tmp.resolve("restart-home");
    Path codexHome = tmp.resolve("restart-codex-home");
    String sid;
    try (EmbeddedPoco first = EmbeddedPoco.start(home, config(codexHome, Map.of()))) {
      JsonObject t = new Demo(first.http).awaitDone(new Demo(first.http).run("cx-restart", "Reply with exactly: BEFORE"), 15);
      assertThat(t.getString("result")).isEqualTo("BEFORE");
      sid = t.getString("session_id");
    }
    try (EmbeddedPoco second = EmbeddedPoco.start(home, config(codexHome, Map.of()))) {
      Demo d = new Demo(second.http);
      JsonObject t = d.awaitDone(d.run("cx-restart", "RECALL"), 15);
      assertThat(t.getString("status")).isEqualTo("completed");
      assertThat(t.getString("session_id")).isEqualTo(sid);
      assertThat(t.getString("result")).isEqualTo("RECALL:Reply with exactly: BEFORE");
    }
    List<JsonObject> log = Files.readAllLines(codexHome.resolve("fake-codex.log")).stream().map(JsonObject::new).toList();
    assertThat(log).anySatisfy(e -> {
      assertThat(e.getString("event")).isEqualTo("resumed");
      assertThat(e.getString("threadId")).isEqualTo(sid);
    });
    assertThat(log.stream().filter(e -> e.getJsonObject("in") != null
        && "thread/resume".equals(e.getJsonObject("in").getString("method")))
        .map(e -> e.getJsonObject("in").getJsonObject("params").getBoolean("excludeTurns"))).containsOnly(true);
    assertThat(log.stream().map(e -> e.getLong("pid")).distinct().count()).as("two codex processes").isEqualTo(2);
  }

  @Test
  @DisplayName("a turn that hangs past timeout_seconds fails with 'timed out'")
  void timeout() {
    try (EmbeddedPoco p = EmbeddedPoco.start(tmp.resolve("timeout-home"),
        config(tmp.resolve("timeout-codex-home"), Map.of(ConfigKeys.backendKey("codex", "timeout_seconds"), "1")))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cx-hang", "HANG"), 20);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("timed out");
    }
  }

  @Test
  @DisplayName("without a codex command the task fails at once, saying how to fix it")
  void missing() {
    try (EmbeddedPoco p = EmbeddedPoco.start(tmp.resolve("missing-home"), Map.of(ConfigKeys.AGENT_BACKEND, "codex",
        ConfigKeys.backendKey("codex", "command"), tmp.resolve("no/such/codex").toString()))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cx-missing", "Reply with exactly: NO"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).isEqualTo("codex not found: set POCO_CODEX_COMMAND");
    }
  }

  @Test
  @DisplayName("codex failing to start fails the task with its stderr")
  void failStart() {
    try (EmbeddedPoco p = EmbeddedPoco.start(tmp.resolve("failstart-home"),
        config(tmp.resolve("failstart-codex-home"), Map.of("POCO_CODEX_ARGS", "--fail-start")))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cx-failstart", "Reply with exactly: NO"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).startsWith("codex exited (code 2)").contains("refusing to start");
    }
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
