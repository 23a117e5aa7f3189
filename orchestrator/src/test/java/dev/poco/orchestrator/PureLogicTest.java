package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.TaskEvent;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Orchestrator pieces without I/O")
class PureLogicTest {

  private static TaskEvent ev(long seq) { return new TaskEvent("t", "r", seq, TaskEvent.DELTA, "x" + seq, null); }

  @Test
  @DisplayName("events pass in seq order exactly once, early ones wait for the gap")
  void seqGate() {
    SeqGate g = new SeqGate();
    List<Long> out = new ArrayList<>();
    for (long s : new long[] {1, 3, 2, 2, 5, 4, 1}) g.accept(ev(s)).forEach(e -> out.add(e.seq()));
    assertThat(out).containsExactly(1L, 2L, 3L, 4L, 5L);
    SeqGate resumed = SeqGate.resumed();
    assertThat(resumed.accept(ev(7))).hasSize(1);
    assertThat(resumed.accept(ev(7))).isEmpty();
    assertThat(resumed.accept(ev(8))).hasSize(1);
  }

  @Test
  @DisplayName("the outcome never waits for a gap: it releases the held events and itself, in order")
  void seqGateOutcome() {
    SeqGate g = new SeqGate();
    List<Long> out = new ArrayList<>();
    for (long s : new long[] {1, 4}) g.accept(ev(s)).forEach(e -> out.add(e.seq()));
    TaskEvent finished = new TaskEvent("t", "r", 6, TaskEvent.FINISHED, null, new JsonObject().put("status", "completed"));
    g.accept(finished).forEach(e -> out.add(e.seq()));
    assertThat(out).containsExactly(1L, 4L, 6L);
    assertThat(g.accept(finished)).isEmpty(); // a repeat of the outcome
    assertThat(g.accept(ev(5))).isEmpty();
  }

  @Test
  @DisplayName("a leading /word is a command, a path is a prompt")
  void commands() {
    assertThat(Inbound.command("/run hello")).isEqualTo("/run");
    assertThat(Inbound.command("/HELP")).isEqualTo("/help");
    assertThat(Inbound.command("/srv/api is broken")).isNull();
    assertThat(Inbound.command("fix the bug")).isNull();
  }

  @Test
  @DisplayName("confirm: is recognised in any case and stripped before the agent sees the prompt")
  void confirm() {
    assertThat(TaskEngine.isConfirm("  Confirm: deploy")).isTrue();
    assertThat(TaskEngine.stripConfirm("confirm: Reply with exactly: OK")).isEqualTo("Reply with exactly: OK");
    assertThat(TaskEngine.isConfirm("please confirm: this")).isFalse();
  }

  private static Task task(TaskStatus s, String result) {
    return new Task.Builder().taskId("t_1").projectId("p_1").prompt("Fix the flaky test in the payment module now")
        .status(s).backend("codex").workdir("/srv/api").origin(new ReplyTarget("feishu", "oc_1", null), "ou_1")
        .result(result).build();
  }

  @Test
  @DisplayName("the task card title leads with the bracketed status, then the prompt, agent and dir")
  void title() {
    assertThat(TaskViews.title(task(TaskStatus.RUNNING, null)))
        .isEqualTo("[Running] Task: Fix the flaky test in the payment module now (codex, /srv/api)");
  }

  @Test
  @DisplayName("long results are paginated, not cut, with page buttons")
  void pages() {
    String result = "a".repeat(TaskViews.PAGE_CHARS) + "b".repeat(TaskViews.PAGE_CHARS) + "c";
    View p1 = TaskViews.task(task(TaskStatus.COMPLETED, result), 1, 0);
    View p3 = TaskViews.task(task(TaskStatus.COMPLETED, result), 3, 0);
    assertThat(p1.pages()).isEqualTo(3);
    assertThat(p1.body()).isEqualTo("a".repeat(TaskViews.PAGE_CHARS));
    assertThat(p3.body()).isEqualTo("c");
    assertThat(p1.actions()).extracting(View.Action::intentKey).contains("task.page");
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= 3; i++) all.append(TaskViews.task(task(TaskStatus.COMPLETED, result), i, 0).body());
    assertThat(all.toString()).isEqualTo(result);
  }

  @Test
  @DisplayName("a finished card names the files the turn changed with +/- counts")
  void changes() {
    JsonObject diff = new JsonObject().put("added", 12).put("removed", 3).put("files", new JsonArray()
        .add(new JsonObject().put("path", "src/app.py")).add(new JsonObject().put("path", "README.md")));
    Task t = task(TaskStatus.COMPLETED, "done").toBuilder().diff(diff).build();
    assertThat(TaskViews.task(t, 1, 0).fields()).extracting(View.Field::value)
        .contains("2 files changed, +12 −3: src/app.py, README.md");
  }

  @Test
  @DisplayName("a waiting task shows the question and Approve / Reject, with Approve for session when offered")
  void waiting() {
    JsonObject ask = new JsonObject().put("kind", "command").put("title", "Run `rm -rf build`?")
        .put("detail", "cwd /srv/api").put("options", new JsonArray().add("approve").add("approve_session").add("reject"));
    Task t = task(TaskStatus.WAITING_CONFIRMATION, null).toBuilder().approval(ask).build();
    View v = TaskViews.task(t, 1, 0);
    assertThat(v.body()).contains("rm -rf build").contains("cwd /srv/api");
    assertThat(v.actions()).extracting(View.Action::intentKey)
        .contains("task.approve", "task.approve_session", "task.reject");
    assertThat(v.actions().get(0).requestId()).isNotBlank();
    assertThat(v.actions().get(0).value().getString("task_id")).isEqualTo("t_1");
  }

  @Test
  @DisplayName("after a restart, runners have 5 s to claim their tasks in one JVM, and in a cluster long enough to"
      + " notice the killed node and merge: 20 s by default, 40 s with compose's 15 s heartbeat")
  void recoveryGrace() {
    assertThat(OrchestratorVerticle.recoveryGraceMs(false, new dev.poco.runtime.Settings(new JsonObject())))
        .isEqualTo(5_000);
    assertThat(OrchestratorVerticle.recoveryGraceMs(true, new dev.poco.runtime.Settings(new JsonObject())))
        .isEqualTo(20_000);
    assertThat(OrchestratorVerticle.recoveryGraceMs(true, new dev.poco.runtime.Settings(
        new JsonObject().put("POCO_CLUSTER_HEARTBEAT_SECONDS", "15")))).isEqualTo(40_000);
  }
}
