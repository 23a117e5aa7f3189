package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
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
@DisplayName("The whole task flow through the real HTTP edge, in one JVM, with the stub agent")
class DemoFlowIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    // Deltas 40 ms apart make each stub task take ~150 ms, long enough to see overlap (or its absence).
    poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.STUB_DELTA_MS, "40", ConfigKeys.STUB_SLOW_SECONDS, "30"));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("/run Reply with exactly: DEMO_OK completes with DEMO_OK")
  void demoOk() {
    Http.Result r = demo.command("c-ok", "/run Reply with exactly: DEMO_OK");
    assertThat(r.status()).isEqualTo(200);
    String id = r.str("task_id");
    assertThat(id).isNotBlank();
    JsonObject t = demo.awaitDone(id, 10);
    assertThat(t.getString("status")).isEqualTo("completed");
    assertThat(t.getString("result")).isEqualTo("DEMO_OK");
    assertThat(t.getString("output")).isEqualTo("DEMO_OK");
    assertThat(t.getString("backend")).isEqualTo("stub");
    assertThat(t.getString("prompt")).isEqualTo("Reply with exactly: DEMO_OK");
    assertThat(t.getString("created_at")).isNotNull();
    assertThat(t.getString("updated_at")).isNotNull();
    assertThat(poco.http.get("/tasks").json().getJsonArray("tasks").stream()
        .map(o -> ((JsonObject) o).getString("task_id"))).contains(id);
  }

  @Test
  @DisplayName("plain text in a chat is a prompt too")
  void plainText() {
    String id = demo.run("c-plain", "Reply with exactly: PLAIN");
    assertThat(demo.awaitDone(id, 10).getString("result")).isEqualTo("PLAIN");
  }

  @Test
  @DisplayName("a confirm: task waits, then completes after approve")
  void confirmApprove() {
    String id = demo.run("c-confirm-ok", "/run confirm: Reply with exactly: APPROVED");
    JsonObject waiting = demo.awaitStatus(id, "waiting_confirmation", 5_000);
    assertThat(waiting.getString("status")).isEqualTo("waiting_confirmation");
    assertThat(waiting.getString("output")).isEmpty();
    Http.Result ok = demo.approve(id);
    assertThat(ok.status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 10);
    assertThat(done.getString("status")).isEqualTo("completed");
    assertThat(done.getString("result")).isEqualTo("APPROVED");
    assertThat(demo.approve(id).status()).as("approving a finished task").isEqualTo(409);
  }

  @Test
  @DisplayName("a confirm: task is cancelled after reject, and the agent never runs")
  void confirmReject() {
    String id = demo.run("c-confirm-no", "/run confirm: Reply with exactly: NEVER");
    demo.awaitStatus(id, "waiting_confirmation", 5_000);
    assertThat(demo.reject(id).status()).isEqualTo(200);
    JsonObject done = demo.awaitDone(id, 10);
    assertThat(done.getString("status")).isEqualTo("cancelled");
    assertThat(done.getString("result")).isNull();
    assertThat(done.getString("output")).isEmpty();
  }

  @Test
  @DisplayName("/approve and /reject work as text commands")
  void textApprove() {
    String id = demo.run("c-confirm-text", "/run confirm: Reply with exactly: BY_TEXT");
    demo.awaitStatus(id, "waiting_confirmation", 5_000);
    assertThat(demo.command("c-confirm-text", "/approve " + id).status()).isEqualTo(200);
    assertThat(demo.awaitDone(id, 10).getString("result")).isEqualTo("BY_TEXT");
    Http.Result status = demo.command("c-confirm-text", "/status " + id);
    assertThat(status.json().getJsonObject("view").getString("title")).startsWith("[Done] Task:");
  }

  @Test
  @DisplayName("three prompts to one chat run one after another while another chat runs in parallel")
  void queueing() {
    // A1 holds its project at a confirm: checkpoint, so the order below does not depend on how fast the stub is.
    String a1 = demo.run("c-queue-a", "/run confirm: Reply with exactly: A1");
    demo.awaitStatus(a1, "waiting_confirmation", 5_000);
    String b1 = demo.run("c-queue-b", "Reply with exactly: B1");
    String a2 = demo.run("c-queue-a", "Reply with exactly: A2");
    String a3 = demo.run("c-queue-a", "Reply with exactly: A3");
    JsonObject b = demo.awaitDone(b1, 10);
    assertThat(b.getString("result")).as("chat B runs while chat A waits").isEqualTo("B1");
    assertThat(demo.task(a2).getString("status")).isEqualTo("queued");
    assertThat(demo.task(a3).getString("status")).isEqualTo("queued");
    assertThat(demo.command("c-queue-a", "/approve " + a1).status()).isEqualTo(200);
    List<JsonObject> a = List.of(demo.awaitDone(a1, 10), demo.awaitDone(a2, 10), demo.awaitDone(a3, 10));
    for (int i = 0; i < 3; i++) {
      assertThat(a.get(i).getString("status")).isEqualTo("completed");
      assertThat(a.get(i).getString("result")).isEqualTo("A" + (i + 1));
    }
    for (int i = 1; i < 3; i++) {
      assertThat(time(a.get(i), "started_at")).as("A%d starts after A%d finished", i + 1, i)
          .isAfterOrEqualTo(time(a.get(i - 1), "finished_at"));
    }
    assertThat(time(b, "finished_at")).as("chat B finished while chat A's first task waited")
        .isBefore(time(a.get(0), "finished_at"));
  }

  @Test
  @DisplayName("Stop cancels a SLOW task and the next queued one starts")
  void stop() {
    String slow = demo.run("c-stop", "/run SLOW task");
    String next = demo.run("c-stop", "Reply with exactly: NEXT");
    demo.awaitStatus(slow, "running", 5_000);
    Http.Result r = demo.cardAction("group", "c-stop", "task.stop", null, null);
    assertThat(r.status()).isEqualTo(200);
    JsonObject stopped = demo.awaitDone(slow, 5);
    assertThat(stopped.getString("status")).isEqualTo("cancelled");
    JsonObject after = demo.awaitDone(next, 10);
    assertThat(after.getString("status")).isEqualTo("completed");
    assertThat(after.getString("result")).isEqualTo("NEXT");
  }

  @Test
  @DisplayName("Stop on a queued task's card stops that task only; the running one goes on until it is the one named")
  void stopQueuedByTaskId() {
    String a = demo.run("c-stop-named", "/run SLOW task");
    demo.awaitStatus(a, "running", 5_000);
    String b = demo.run("c-stop-named", "Reply with exactly: NEVER");
    assertThat(demo.task(b).getString("status")).isEqualTo("queued");

    Http.Result r = demo.cardAction("group", "c-stop-named", "task.stop", new JsonObject().put("task_id", b), null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.str("task_id")).isEqualTo(b);
    assertThat(r.str("toast")).isEqualTo("Stopped");
    assertThat(r.json().getJsonObject("view").getString("title")).startsWith("[Cancelled]");
    assertThat(demo.task(b).getString("status")).isEqualTo("cancelled");
    assertThat(demo.task(a).getString("status")).as("the running task was not the one named").isEqualTo("running");

    Http.Result stopA = demo.command("c-stop-named", "/stop " + a);
    assertThat(stopA.status()).isEqualTo(200);
    assertThat(demo.awaitDone(a, 5).getString("status")).isEqualTo("cancelled");
    String c = demo.run("c-stop-named", "Reply with exactly: AFTER");
    assertThat(demo.awaitDone(c, 10).getString("result")).isEqualTo("AFTER");
    JsonObject never = demo.task(b);
    assertThat(never.getString("status")).isEqualTo("cancelled");
    assertThat(never.getString("output")).doesNotContain("NEVER");
  }

  @Test
  @DisplayName("/steer adds a message to the running turn; with nothing running it queues a task")
  void steer() {
    String slow = demo.run("c-steer", "/run SLOW task");
    demo.awaitStatus(slow, "running", 5_000);
    Http.Result steered = demo.command("c-steer", "/steer also fix the tests");
    assertThat(steered.status()).isEqualTo(200);
    assertThat(steered.str("task_id")).isEqualTo(slow);
    assertThat(steered.str("toast")).isEqualTo("Sent to the running turn");
    assertThat(demo.task(slow).getString("output")).contains("steered: also fix the tests");
    demo.cardAction("group", "c-steer", "task.stop", null, null);
    assertThat(demo.awaitDone(slow, 5).getString("status")).isEqualTo("cancelled");

    Http.Result idle = demo.command("c-steer", "/steer Reply with exactly: QUEUED_INSTEAD");
    assertThat(idle.str("toast")).contains("queued as a task");
    assertThat(demo.awaitDone(idle.str("task_id"), 10).getString("result")).isEqualTo("QUEUED_INSTEAD");
  }

  @Test
  @DisplayName("follow-up prompts in one chat continue the same agent session")
  void session() {
    JsonObject first = demo.awaitDone(demo.run("c-session", "Reply with exactly: ONE"), 10);
    JsonObject second = demo.awaitDone(demo.run("c-session", "Reply with exactly: TWO"), 10);
    assertThat(first.getString("session_id")).isNotBlank();
    assertThat(second.getString("session_id")).isEqualTo(first.getString("session_id"));
    JsonObject other = demo.awaitDone(demo.run("c-session-other", "Reply with exactly: X"), 10);
    assertThat(other.getString("session_id")).isNotEqualTo(first.getString("session_id"));
  }

  @Test
  @DisplayName("a working dir outside the roots is refused; one inside is used by the next task")
  void workdirRoots() throws Exception {
    Path inside = Files.createDirectories(home.resolve("repos/api"));
    Path link = home.resolve("sneaky");
    Files.createSymbolicLink(link, Path.of("/etc"));
    String chat = "c-dir";
    demo.run(chat, "Reply with exactly: BIND"); // binds the demo chat to its project

    Http.Result outside = demo.cardAction("group", chat, "workdir.manual", null, new JsonObject().put("path", "/etc"));
    assertThat(outside.status()).isEqualTo(400);
    assertThat(outside.str("error")).contains("/etc").contains("outside");
    Http.Result viaLink = demo.cardAction("group", chat, "workdir.manual", null,
        new JsonObject().put("path", link.toString()));
    assertThat(viaLink.status()).as("a symlink is followed before the check").isEqualTo(400);

    Http.Result ok = demo.cardAction("group", chat, "workdir.manual", null,
        new JsonObject().put("path", inside.toString()));
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.json().getJsonObject("view").getString("kind")).isEqualTo("workspace");
    JsonObject t = demo.awaitDone(demo.run(chat, "Reply with exactly: IN_DIR"), 10);
    assertThat(t.getString("workdir")).isEqualTo(inside.toRealPath().toString());
    assertThat(t.getString("result")).isEqualTo("IN_DIR");

    Http.Result browse = demo.cardAction("group", chat, "workdir.open", null, null);
    assertThat(browse.status()).isEqualTo(200);
    assertThat(browse.json().getJsonObject("view").getString("kind")).isEqualTo("workdir");
  }

  @Test
  @DisplayName("DM cards: home, create a project, manage, delete with everything it owns")
  void projects() {
    Http.Result home = poco.http.get("/demo/cards/dm/projects");
    assertThat(home.status()).isEqualTo(200);
    assertThat(home.json().getJsonObject("view").getString("kind")).isEqualTo("home");

    Http.Result created = demo.cardAction("dm", null, "project.create", null,
        new JsonObject().put("name", "PoCo").put("backend", "stub"));
    assertThat(created.status()).isEqualTo(200);
    JsonObject view = created.json().getJsonObject("view");
    assertThat(view.getString("kind")).isEqualTo("project_config");
    String projectId = view.getJsonObject("refs").getString("project_id");
    String chat = "demo-poco";
    String taskId = demo.run(chat, "Reply with exactly: IN_PROJECT");
    JsonObject t = demo.awaitDone(taskId, 10);
    assertThat(t.getString("project_id")).isEqualTo(projectId);

    Http.Result dup = demo.cardAction("dm", null, "project.create", null,
        new JsonObject().put("name", "PoCo").put("backend", "stub"));
    assertThat(dup.status()).isEqualTo(409);
    Http.Result noName = demo.cardAction("dm", null, "project.create", null, new JsonObject().put("name", " "));
    assertThat(noName.status()).isEqualTo(400);

    Http.Result manage = demo.cardAction("dm", null, "project.manage", null, null);
    assertThat(manage.json().getJsonObject("view").getString("body")).contains("PoCo");
    Http.Result del = demo.cardAction("dm", null, "project.delete.confirm",
        new JsonObject().put("project_id", projectId), null);
    assertThat(del.status()).isEqualTo(200);
    assertThat(poco.http.get("/tasks/" + taskId).status()).as("the project's tasks went with it").isEqualTo(404);
    assertThat(demo.cardAction("dm", null, "project.open", new JsonObject().put("project_id", projectId), null)
        .status()).isEqualTo(404);
  }

  @Test
  @DisplayName("the agent picker lists the backends with readiness and applies a choice")
  void agentPicker() {
    demo.run("c-agent", "Reply with exactly: BIND");
    Http.Result open = demo.cardAction("group", "c-agent", "agent.open", null, null);
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.json().getJsonObject("view").getString("body")).contains("stub").contains("ready");
    Http.Result bad = demo.cardAction("group", "c-agent", "agent.apply", null, new JsonObject().put("backend", "nope"));
    assertThat(bad.status()).isEqualTo(400);
    Http.Result good = demo.cardAction("group", "c-agent", "agent.apply", null, new JsonObject().put("backend", "stub"));
    assertThat(good.status()).isEqualTo(200);
  }

  private static Instant time(JsonObject task, String key) { return Instant.parse(task.getString(key)); }
}
