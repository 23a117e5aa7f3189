package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
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

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("The coco backend (ACP) through the whole system, against the fake ACP agent")
class AcpFakeIT {
  @TempDir static Path home;
  static Path fake;
  static Path agentHome;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    fake = FakeAcpAgent.install(home.resolve("bin"));
    agentHome = home.resolve("agent-home");
    poco = EmbeddedPoco.start(home, config(fake, agentHome));
    demo = new Demo(poco.http);
  }

  static Map<String, String> config(Path fake, Path agentHome) {
    return Map.of(ConfigKeys.AGENT_BACKEND, "coco", "POCO_COCO_COMMAND", fake.toString(),
        "POCO_COCO_HOME", agentHome.toString(), "POCO_COCO_ENV", "FAKE_ACP_SECRET=s3cret,LANG=C",
        "POCO_ACP_AGENTS", "myagent=" + fake + " --acp", "POCO_MYAGENT_HOME", agentHome.toString());
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("a prompt streams the agent's text and completes with it, with a session id and usage")
  void reply() {
    JsonObject t = demo.awaitDone(demo.run("acp-reply", "Reply with exactly: ACP_OK"), 20);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("ACP_OK");
    assertThat(t.getString("output")).isEqualTo("ACP_OK");
    assertThat(t.getString("backend")).isEqualTo("coco");
    assertThat(t.getString("session_id")).startsWith("sess_");
    assertThat(t.getJsonObject("usage").getInteger("output_tokens")).isEqualTo(3);
  }

  @Test
  @DisplayName("a permission request waits on the card; approve runs the tool once")
  void approveOnce() {
    String id = demo.run("acp-allow", "ASK_TOOL:touch-a");
    JsonObject waiting = demo.awaitStatus(id, "waiting_confirmation", 20_000);
    assertThat(waiting.getString("status")).isEqualTo("waiting_confirmation");
    JsonObject approval = waiting.getJsonObject("approval");
    assertThat(approval.getString("title")).isEqualTo("Run touch-a");
    assertThat(approval.getString("kind")).isEqualTo("command");
    assertThat(approval.getString("detail")).isEqualTo("touch-a");
    assertThat(approval.getJsonArray("options").stream().map(String::valueOf).toList()).contains("approve", "approve_session", "reject");
    assertThat(demo.approve(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 20);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("RAN touch-a");
    assertThat(done.getString("output")).contains("Run touch-a (completed)");
    assertThat(chosen()).contains("allow");

    String again = demo.run("acp-allow", "ASK_TOOL:touch-b");
    assertThat(demo.awaitStatus(again, "waiting_confirmation", 20_000).getString("status"))
        .as("allow once does not cover the next call").isEqualTo("waiting_confirmation");
    demo.approve(again);
    assertThat(demo.awaitDone(again, 20).getString("result")).isEqualTo("RAN touch-b");
  }

  @Test
  @DisplayName("approve for session (card intent) picks allow_always; the session then runs tools without asking")
  void approveSession() {
    String id = demo.run("acp-session-allow", "ASK_TOOL:make");
    demo.awaitStatus(id, "waiting_confirmation", 20_000);
    Http.Result r = demo.cardAction("group", "acp-session-allow", "task.approve_session",
        new JsonObject().put("task_id", id), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 20).getString("result")).isEqualTo("RAN make");
    assertThat(chosen()).contains("session_level_allow");
    JsonObject next = demo.awaitDone(demo.run("acp-session-allow", "ASK_TOOL:make-again"), 20);
    assertThat(next.getString("result")).isEqualTo("RAN make-again");
  }

  @Test
  @DisplayName("reject picks reject_once: the tool fails and the turn still completes")
  void reject() {
    String id = demo.run("acp-reject", "ASK_TOOL:rm-rf");
    demo.awaitStatus(id, "waiting_confirmation", 20_000);
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 20);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("REJECTED rm-rf");
    assertThat(done.getString("output")).contains("Run rm-rf (failed)");
    assertThat(chosen()).contains("reject");
  }

  @Test
  @DisplayName("$/cancel_request withdraws the pending permission request; the turn goes on")
  void withdrawn() {
    String id = demo.run("acp-withdraw", "WITHDRAW");
    assertThat(demo.awaitStatus(id, "waiting_confirmation", 10_000).getString("status"))
        .isEqualTo("waiting_confirmation");
    JsonObject resumed = demo.awaitStatus(id, "running", 10_000);
    assertThat(resumed.getString("status")).as("the card leaves Approve/Reject once the question is withdrawn")
        .isEqualTo("running");
    assertThat(resumed.getJsonObject("approval")).isNull();
    JsonObject done = demo.awaitDone(id, 20);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("WITHDRAWN cancelled");
    assertThat(done.getString("output")).contains("coco withdrew its permission request");
  }

  @Test
  @DisplayName("Stop sends session/cancel: the SLOW turn ends cancelled and the next queued prompt runs")
  void stop() {
    String slow = demo.run("acp-stop", "SLOW");
    String next = demo.run("acp-stop", "Reply with exactly: NEXT");
    assertThat(demo.awaitStatus(slow, "running", 20_000).getString("status")).isEqualTo("running");
    waitForOutput(slow);
    assertThat(demo.cardAction("group", "acp-stop", "task.stop", null, null).status()).isEqualTo(200);
    assertThat(demo.awaitDone(slow, 10).getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 20);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("NEXT");
    assertThat(methods()).contains("session/cancel");
  }

  @Test
  @DisplayName("an agent that ignores session/cancel is killed; the task is cancelled and the next prompt loads the session")
  void stuck() {
    JsonObject first = demo.awaitDone(demo.run("acp-stuck", "Reply with exactly: FIRST"), 20);
    String stuck = demo.run("acp-stuck", "STUCK");
    waitForOutput(stuck);
    assertThat(demo.cardAction("group", "acp-stuck", "task.stop", null, null).status()).isEqualTo(200);
    assertThat(demo.awaitDone(stuck, 15).getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(demo.run("acp-stuck", "HISTORY"), 20);
    assertThat(after.getString("session_id")).isEqualTo(first.getString("session_id"));
    assertThat(after.getString("result")).isEqualTo("HISTORY 1 Reply with exactly: FIRST");
  }

  @Test
  @DisplayName("a refusal fails the task; a JSON-RPC error on the prompt fails it with the agent's message")
  void refusalAndRpcError() {
    JsonObject refused = demo.awaitDone(demo.run("acp-refuse", "REFUSE"), 20);
    assertThat(refused.getString("status")).isEqualTo("failed");
    assertThat(refused.getString("error")).isEqualTo("coco refused to answer");
    JsonObject broke = demo.awaitDone(demo.run("acp-refuse", "FAIL_RPC"), 20);
    assertThat(broke.getString("status")).isEqualTo("failed");
    assertThat(broke.getString("error")).isEqualTo("coco: context deadline exceeded");
  }

  @Test
  @DisplayName("follow-up prompts reuse the session in the same agent process")
  void sessionReused() {
    JsonObject first = demo.awaitDone(demo.run("acp-follow", "Reply with exactly: ONE"), 20);
    JsonObject second = demo.awaitDone(demo.run("acp-follow", "HISTORY"), 20);
    assertThat(second.getString("session_id")).isEqualTo(first.getString("session_id"));
    assertThat(second.getString("result")).isEqualTo("HISTORY 1 Reply with exactly: ONE");
  }

  @Test
  @DisplayName("a line that is not JSON is skipped; the turn completes")
  void malformed() {
    JsonObject t = demo.awaitDone(demo.run("acp-malformed", "MALFORMED Reply with exactly: STILL_OK"), 20);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("STILL_OK");
  }

  @Test
  @DisplayName("fs/* requests get -32601: PoCo declared no fs capability")
  void fsRefused() {
    JsonObject t = demo.awaitDone(demo.run("acp-fs", "FS_READ"), 20);
    assertThat(t.getString("result")).isEqualTo("FS_READ error -32601");
  }

  @Test
  @DisplayName("a crash fails the turn with the agent's stderr; the next prompt loads the session in a new process")
  void crash() {
    JsonObject before = demo.awaitDone(demo.run("acp-crash", "Reply with exactly: FIRST"), 20);
    JsonObject t = demo.awaitDone(demo.run("acp-crash", "CRASH"), 20);
    assertThat(t.getString("status")).isEqualTo("failed");
    assertThat(t.getString("error")).contains("exit 3").contains("fake-acp: crashing as asked");
    JsonObject after = demo.awaitDone(demo.run("acp-crash", "HISTORY"), 20);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("session_id")).isEqualTo(before.getString("session_id"));
    assertThat(after.getString("result")).isEqualTo("HISTORY 1 Reply with exactly: FIRST");
    assertThat(after.getString("output")).isEqualTo(after.getString("result"));
  }

  @Test
  @DisplayName("an agent added by POCO_ACP_AGENTS works with no code")
  void extraAgent() {
    demo.run("acp-extra", "Reply with exactly: BIND");
    Http.Result applied = demo.cardAction("group", "acp-extra", "agent.apply", null,
        new JsonObject().put("backend", "myagent"));
    assertThat(applied.status()).isEqualTo(200);
    JsonObject t = demo.awaitDone(demo.run("acp-extra", "Reply with exactly: MINE"), 20);
    assertThat(t.getString("backend")).isEqualTo("myagent");
    assertThat(t.getString("result")).isEqualTo("MINE");
  }

  @Test
  @DisplayName("after a PoCo restart the next prompt loads the saved session; its replayed history is not output")
  void restart(@TempDir Path other) {
    Path agent = other.resolve("agent-home");
    Map<String, String> cfg = config(FakeAcpAgent.install(other.resolve("bin")), agent);
    String sessionId;
    try (EmbeddedPoco first = EmbeddedPoco.start(other, cfg)) {
      JsonObject t = new Demo(first.http).awaitDone(new Demo(first.http).run("acp-restart", "Reply with exactly: BEFORE"), 20);
      assertThat(t.getString("result")).isEqualTo("BEFORE");
      sessionId = t.getString("session_id");
    }
    try (EmbeddedPoco second = EmbeddedPoco.start(other, cfg)) {
      Demo d = new Demo(second.http);
      JsonObject t = d.awaitDone(d.run("acp-restart", "Reply with exactly: AFTER"), 20);
      assertThat(t.getString("status")).isEqualTo("completed");
      assertThat(t.getString("session_id")).isEqualTo(sessionId);
      assertThat(t.getString("output")).as("history replayed by session/load is not streamed").isEqualTo("AFTER");
      JsonObject h = d.awaitDone(d.run("acp-restart", "HISTORY"), 20);
      assertThat(h.getString("result")).isEqualTo("HISTORY 2 Reply with exactly: AFTER");
    }
    List<JsonObject> loads = FakeAcpAgent.log(agent).stream()
        .filter(e -> "session/load".equals(e.getJsonObject("in", new JsonObject()).getString("method"))).toList();
    assertThat(loads).hasSize(1);
    assertThat(loads.get(0).getJsonObject("in").getJsonObject("params").getString("sessionId")).isEqualTo(sessionId);
  }

  @Test
  @DisplayName("a saved session the agent no longer has: a new session is started and the card says so")
  void lostSession(@TempDir Path other) throws Exception {
    Path agent = other.resolve("agent-home");
    Map<String, String> cfg = config(FakeAcpAgent.install(other.resolve("bin")), agent);
    String sessionId;
    try (EmbeddedPoco first = EmbeddedPoco.start(other, cfg)) {
      Demo d = new Demo(first.http);
      sessionId = d.awaitDone(d.run("acp-lost", "Reply with exactly: GONE"), 20).getString("session_id");
    }
    try (var files = java.nio.file.Files.list(agent.resolve(".fake-acp/sessions"))) {
      for (Path f : files.toList()) java.nio.file.Files.delete(f);
    }
    try (EmbeddedPoco second = EmbeddedPoco.start(other, cfg)) {
      Demo d = new Demo(second.http);
      JsonObject t = d.awaitDone(d.run("acp-lost", "Reply with exactly: FRESH"), 20);
      assertThat(t.getString("status")).isEqualTo("completed");
      assertThat(t.getString("result")).isEqualTo("FRESH");
      assertThat(t.getString("output")).contains("started a new session");
      assertThat(t.getString("session_id")).isNotEqualTo(sessionId).startsWith("sess_");
    }
  }

  @Test
  @DisplayName("a missing CLI fails the task at once, saying which setting to fix")
  void missingCli(@TempDir Path other) {
    try (EmbeddedPoco p = EmbeddedPoco.start(other, Map.of(ConfigKeys.AGENT_BACKEND, "coco",
        "POCO_COCO_COMMAND", other.resolve("no/traecli") + " acp serve"))) {
      Demo d = new Demo(p.http);
      String expected = other.resolve("no/traecli") + " not found: set POCO_COCO_COMMAND";
      JsonObject t = d.awaitDone(d.run("acp-missing", "Reply with exactly: NEVER"), 10);
      assertThat(t.getString("status")).isEqualTo("failed");
      assertThat(t.getString("error")).isEqualTo(expected);
      assertThat(p.http.get("/health").raw()).contains(expected);
    }
  }

  private static void waitForOutput(String taskId) {
    long end = System.currentTimeMillis() + 10_000;
    while (demo.task(taskId).getString("output").isEmpty() && System.currentTimeMillis() < end) pause();
  }

  static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static List<String> methods() {
    return FakeAcpAgent.log(agentHome).stream().map(e -> e.getJsonObject("in", new JsonObject()).getString("method"))
        .filter(m -> m != null).toList();
  }

  private static List<String> chosen() {
    return FakeAcpAgent.log(agentHome).stream().filter(e -> e.containsKey("permission"))
        .map(e -> e.getJsonObject("permission").getJsonObject("result").getJsonObject("outcome").getString("optionId"))
        .toList();
  }
}
