package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
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
@DisplayName("claude_code through the whole system, with the fake claude CLI")
class ClaudeFakeIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  /** The fake CLI from the sources (git keeps its executable bit; a copied resource would lose it). */
  static Path fakeClaude() {
    Path fake = NpmTools.repoRoot().resolve("testkit/src/main/resources/fakes/fake-claude.mjs");
    assertThat(fake.toFile().setExecutable(true)).isTrue();
    return fake;
  }

  static Map<String, String> config(Path home, Map<String, String> more) {
    Map<String, String> c = new HashMap<>(Map.of(ConfigKeys.AGENT_BACKEND, "claude_code",
        "POCO_CLAUDE_COMMAND", fakeClaude().toString(), "POCO_CLAUDE_HOME", home.resolve("claude-home").toString()));
    c.putAll(more);
    return c;
  }

  @BeforeAll
  static void up() {
    poco = EmbeddedPoco.start(home, config(home, Map.of()));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("a prompt streams its reply into the task, with usage, cost and a session id")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("cl-reply", "Reply with exactly: HELLO_CLAUDE"), 20);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("backend")).isEqualTo("claude_code");
    assertThat(t.getString("result")).isEqualTo("HELLO_CLAUDE");
    assertThat(t.getString("output")).isEqualTo("HELLO_CLAUDE");
    assertThat(t.getString("session_id")).isNotBlank();
    JsonObject usage = t.getJsonObject("usage");
    assertThat(usage.getLong("input_tokens")).isEqualTo(10L);
    assertThat(usage.getLong("output_tokens")).isEqualTo(5L);
    assertThat(usage.getDouble("cost_usd")).isEqualTo(0.0012);
  }

  @Test
  @DisplayName("the next prompt continues the session in the same process")
  void sameSession() throws Exception {
    JsonObject one = demo.awaitDone(demo.run("cl-session", "Reply with exactly: ONE"), 20);
    JsonObject two = demo.awaitDone(demo.run("cl-session", "HISTORY"), 20);
    assertThat(two.getString("session_id")).isEqualTo(one.getString("session_id"));
    assertThat(two.getString("result")).isEqualTo("HISTORY: Reply with exactly: ONE");
    long starts = invocations(home).stream().filter(l -> l.contains(one.getString("session_id"))).count();
    assertThat(starts).as("one persistent process: never started again with --resume").isZero();
  }

  @Test
  @DisplayName("an approved tool call runs; a rejected one is denied with PoCo's message")
  void approveAndReject() throws Exception {
    String ok = demo.run("cl-approve", "ASK_TOOL:touch approved.txt");
    JsonObject waiting = demo.awaitStatus(ok, "waiting_confirmation", 10_000);
    assertThat(waiting.getJsonObject("approval").getString("title")).isEqualTo("Bash: touch approved.txt");
    assertThat(waiting.getJsonObject("approval").getString("detail")).contains("touch approved.txt")
        .contains("blocked path");
    assertThat(demo.approve(ok).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(ok, 20);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("ran: touch approved.txt");
    assertThat(done.getString("output")).contains("▸ Bash: touch approved.txt").contains("tool ok");
    assertThat(Path.of(done.getString("workdir")).resolve("approved.txt")).exists();

    String no = demo.run("cl-approve", "ASK_TOOL:touch denied.txt");
    demo.awaitStatus(no, "waiting_confirmation", 10_000);
    assertThat(demo.reject(no).status()).isEqualTo(200);
    JsonObject denied = demo.awaitDone(no, 20);
    assertThat(denied.getString("status")).isEqualTo("completed");
    assertThat(denied.getString("result")).isEqualTo("denied: touch denied.txt");
    assertThat(denied.getString("output")).contains("tool error: Rejected by the user in PoCo");
    assertThat(Path.of(denied.getString("workdir")).resolve("denied.txt")).doesNotExist();
  }

  @Test
  @DisplayName("allow for the session: the same command does not ask again")
  void approveForSession() {
    String first = demo.run("cl-session-rule", "ASK_TOOL:echo session-rule");
    demo.awaitStatus(first, "waiting_confirmation", 10_000);
    Http.Result r = demo.cardAction("group", "cl-session-rule", "task.approve_session",
        new JsonObject().put("task_id", first), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(demo.awaitDone(first, 20).getString("result")).isEqualTo("ran: echo session-rule");
    JsonObject again = demo.awaitDone(demo.run("cl-session-rule", "ASK_TOOL:echo session-rule"), 20);
    assertThat(again.getString("status")).isEqualTo("completed");
    assertThat(again.getString("result")).isEqualTo("ran: echo session-rule");
  }

  @Test
  @DisplayName("two approvals at once are shown one after the other, in order")
  void queuedApprovals() {
    String id = demo.run("cl-two", "ASK_TOOL:touch first.txt|touch second.txt");
    JsonObject one = demo.awaitStatus(id, "waiting_confirmation", 10_000);
    assertThat(one.getJsonObject("approval").getString("title")).isEqualTo("Bash: touch first.txt");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    JsonObject two = awaitTitled(id, "Bash: touch second.txt");
    assertThat(two.getString("status")).isEqualTo("waiting_confirmation");
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 20);
    assertThat(done.getString("result")).isEqualTo("ran: touch first.txt; denied: touch second.txt");
  }

  @Test
  @DisplayName("an approval claude withdraws gives way to the next one")
  void withdrawn() {
    String id = demo.run("cl-withdraw", "WITHDRAW ASK_TOOL:touch taken-back.txt|touch kept.txt");
    JsonObject next = awaitTitled(id, "Bash: touch kept.txt");
    assertThat(next.getString("output")).contains("approval withdrawn by claude");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 20).getString("result")).isEqualTo("denied: touch taken-back.txt; ran: touch kept.txt");
  }

  @Test
  @DisplayName("a session claude cannot find fails once, then the next prompt starts a new session")
  void lostSession() throws Exception {
    JsonObject first = demo.awaitDone(demo.run("cl-lost", "Reply with exactly: KEEP"), 20);
    String sid = first.getString("session_id");
    demo.awaitDone(demo.run("cl-lost", "CRASH to drop the live process"), 20);
    try (var files = Files.list(home.resolve("claude-home/.fake-claude"))) {
      for (Path f : files.filter(f -> f.toString().endsWith(sid + ".json")).toList()) Files.delete(f);
    }
    JsonObject lost = demo.awaitDone(demo.run("cl-lost", "Reply with exactly: NOPE"), 20);
    assertThat(lost.getString("status")).isEqualTo("failed");
    assertThat(lost.getString("error")).contains("No conversation found").contains("new Claude session");
    JsonObject fresh = demo.awaitDone(demo.run("cl-lost", "Reply with exactly: FRESH"), 20);
    assertThat(fresh.getString("status")).isEqualTo("completed");
    assertThat(fresh.getString("result")).isEqualTo("FRESH");
    assertThat(fresh.getString("output")).contains("Claude session not found: new Claude session");
    assertThat(fresh.getString("session_id")).isNotEqualTo(sid);
  }


  @Test
  @DisplayName("Stop interrupts a SLOW turn (cancelled) and the next queued task runs")
  void stop() {
    String slow = demo.run("cl-stop", "SLOW please");
    String next = demo.run("cl-stop", "Reply with exactly: AFTER_STOP");
    long end = System.currentTimeMillis() + 10_000;
    while (!demo.task(slow).getString("output").contains("tick") && System.currentTimeMillis() < end) sleep(20);
    assertThat(demo.cardAction("group", "cl-stop", "task.stop", null, null).status()).isEqualTo(200);
    long stopAt = System.currentTimeMillis();
    JsonObject stopped = demo.awaitDone(slow, 10);
    assertThat(stopped.getString("status")).isEqualTo("cancelled");
    assertThat(stopped.getString("output")).contains("tick");
    assertThat(System.currentTimeMillis() - stopAt).as("interrupt, not the kill grace").isLessThan(2_500);
    JsonObject after = demo.awaitDone(next, 20);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("AFTER_STOP");
    assertThat(after.getString("session_id")).isEqualTo(stopped.getString("session_id"));
  }

  @Test
  @DisplayName("Stop while an approval is pending interrupts the turn; the command never runs")
  void stopWhileAsking() {
    String id = demo.run("cl-stop-ask", "ASK_TOOL:touch never.txt");
    demo.awaitStatus(id, "waiting_confirmation", 10_000);
    assertThat(demo.cardAction("group", "cl-stop-ask", "task.stop", null, null).status()).isEqualTo(200);
    long stopAt = System.currentTimeMillis();
    JsonObject stopped = demo.awaitDone(id, 10);
    assertThat(stopped.getString("status")).isEqualTo("cancelled");
    assertThat(System.currentTimeMillis() - stopAt).as("interrupt, not the kill grace").isLessThan(2_500);
    assertThat(Path.of(stopped.getString("workdir")).resolve("never.txt")).doesNotExist();
    assertThat(demo.awaitDone(demo.run("cl-stop-ask", "Reply with exactly: GOES_ON"), 20).getString("result"))
        .isEqualTo("GOES_ON");
  }

  @Test
  @DisplayName("a new working dir starts a new session and says so")
  void workdirChange() throws Exception {
    String chat = "cl-dir";
    JsonObject first = demo.awaitDone(demo.run(chat, "Reply with exactly: BEFORE"), 20);
    Path other = Files.createDirectories(home.resolve("repos/other"));
    assertThat(demo.cardAction("group", chat, "workdir.manual", null,
        new JsonObject().put("path", other.toString())).status()).isEqualTo(200);
    JsonObject t = demo.awaitDone(demo.run(chat, "HISTORY"), 20);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("workdir")).isEqualTo(other.toRealPath().toString());
    assertThat(t.getString("session_id")).isNotEqualTo(first.getString("session_id"));
    assertThat(t.getString("output")).contains("working dir changed: new Claude session");
    assertThat(t.getString("result")).isEqualTo("HISTORY: ");
  }

  @Test
  @DisplayName("a line that is not JSON is skipped")
  void malformed() {
    JsonObject t = demo.awaitDone(demo.run("cl-malformed", "MALFORMED then Reply with exactly: STILL_FINE"), 20);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("STILL_FINE");
  }

  @Test
  @DisplayName("claude crashing mid-turn fails the task with its exit code and stderr; the next prompt works")
  void crash() {
    JsonObject t = demo.awaitDone(demo.run("cl-crash", "CRASH now"), 20);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).startsWith("claude exited (code 3)").contains("boom (CRASH marker)");
    JsonObject next = demo.awaitDone(demo.run("cl-crash", "Reply with exactly: BACK"), 20);
    assertThat(next.getString("result")).isEqualTo("BACK");
  }

  @Test
  @DisplayName("an API error ends the turn as failed with claude's text")
  void apiError() {
    JsonObject t = demo.awaitDone(demo.run("cl-api-error", "API_ERROR"), 20);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).contains("API Error: 400");
  }

  @Test
  @DisplayName("a turn that hangs past timeout_seconds fails as timed out")
  void hang(@TempDir Path other) {
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other, Map.of("POCO_CLAUDE_TIMEOUT_SECONDS", "1",
        "POCO_RUNNER_CANCEL_GRACE_MS", "1000")))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cl-hang", "HANG"), 20);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).contains("timed out");
    }
  }

  @Test
  @DisplayName("restarting PoCo: the next prompt resumes the stored session with --resume")
  void restart(@TempDir Path other) throws Exception {
    String sid;
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other, Map.of()))) {
      Demo d = new Demo(p.http);
      sid = d.awaitDone(d.run("cl-restart", "Reply with exactly: BEFORE_RESTART"), 20).getString("session_id");
    }
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other, Map.of()))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cl-restart", "HISTORY"), 20);
      assertThat(t.getString("status")).isEqualTo("completed");
      assertThat(t.getString("session_id")).isEqualTo(sid);
      assertThat(t.getString("result")).isEqualTo("HISTORY: Reply with exactly: BEFORE_RESTART");
    }
    assertThat(invocations(other)).last().asString().contains("\"--resume\",\"" + sid + "\"");
  }

  @Test
  @DisplayName("claude missing: not ready, and a prompt fails at once saying how to fix it")
  void missing(@TempDir Path other) {
    try (EmbeddedPoco p = EmbeddedPoco.start(other, config(other,
        Map.of("POCO_CLAUDE_COMMAND", other.resolve("no-such-claude").toString())))) {
      Demo d = new Demo(p.http);
      JsonObject t = d.awaitDone(d.run("cl-missing", "Reply with exactly: NEVER"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).isEqualTo("claude not found: set POCO_CLAUDE_COMMAND");
    }
  }

  static List<String> invocations(Path home) throws Exception {
    Path log = home.resolve("claude-home/.fake-claude/invocations.jsonl");
    return Files.exists(log) ? Files.readAllLines(log) : List.of();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The task once it waits on the approval titled exactly {@code title}. */
  private static JsonObject awaitTitled(String id, String title) {
    return demo.await(id, "approval '" + title + "'",
        t -> t.getJsonObject("approval") != null && title.equals(t.getJsonObject("approval").getString("title")));
  }
}
