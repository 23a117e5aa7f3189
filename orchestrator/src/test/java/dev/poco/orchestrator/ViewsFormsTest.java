package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.FsListing;
import dev.poco.contract.Intents;
import dev.poco.contract.Project;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Forms with field errors, the workspace prompt form, and the task card's Continue and Steer")
class ViewsFormsTest {
  static final List<BackendInfo> BACKENDS = List.of(new BackendInfo("stub", true, "builtin", null, true, null),
      new BackendInfo("codex", false, null, "not installed", true, null));

  static View.Input input(View v, String name) {
    return v.inputs().stream().filter(i -> i.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName("a taken name: the New form again, the typed values kept, the error on the name input")
  void newProjectNameError() {
    View v = ViewLimits.check(Views.newProject(BACKENDS, "stub", "api", "codex", "name",
        "A project named 'api' already exists."));
    assertThat(input(v, "name").error()).isEqualTo("A project named 'api' already exists.");
    assertThat(input(v, "name").value()).isEqualTo("api");
    assertThat(input(v, "backend").value()).isEqualTo("codex");
    assertThat(input(v, "backend").error()).isNull();
    assertThat(v.body()).contains("already exists");
    View b = Views.newProject(BACKENDS, "stub", "api", "nope", "backend", "Unknown agent backend 'nope'.");
    assertThat(input(b, "backend").error()).startsWith("Unknown agent");
    assertThat(input(b, "backend").value()).isEqualTo("stub"); // not an option: the default is chosen
    assertThat(input(b, "name").error()).isNull();
    View fresh = Views.newProject(BACKENDS, "stub", null);
    assertThat(fresh.inputs()).allSatisfy(i -> assertThat(i.error()).isNull());
  }

  @Test
  @DisplayName("a typed path outside the roots: the chooser keeps the typed path and label, the error on the path")
  void workdirPathError() {
    Project p = ViewsPagingTest.project(1, 10, null, null);
    View v = ViewLimits.check(Views.workdir(p, new FsListing("/srv", null, List.of("a", "b"), false, List.of("/srv")),
        "r1", null, 1, new Views.Typed("/etc", "sys", "'/etc' is outside the runner's roots.")));
    assertThat(input(v, "path").value()).isEqualTo("/etc");
    assertThat(input(v, "path").error()).contains("outside");
    assertThat(input(v, "label").value()).isEqualTo("sys");
    assertThat(input(v, "label").error()).isNull();
    View none = ViewLimits.check(Views.workdir(p, null, null, null, 1, new Views.Typed("", null, "Type a path first.")));
    assertThat(input(none, "path").error()).isEqualTo("Type a path first.");
  }

  @Test
  @DisplayName("agent settings: the error on the setting it concerns, the chosen value kept")
  void agentSettingError() {
    List<BackendInfo> backends = List.of(new BackendInfo("codex", true, "1", null, true,
        List.of(new BackendInfo.SettingSpec("model", "Model", "gpt-5", List.of("gpt-5", "o3")))));
    View v = ViewLimits.check(Views.agent(ViewsPagingTest.project(1, 10, null, null), backends, "codex", null,
        java.util.Map.of("model", "gpt-9"), java.util.Map.of("model", "'gpt-9' is not a valid Model.")));
    assertThat(input(v, "model").error()).contains("not a valid");
    assertThat(input(v, "model").value()).isEqualTo("gpt-9");
    assertThat(input(v, "backend").error()).isNull();
  }

  @Test
  @DisplayName("the workspace card offers a multi-line prompt and a Run button that submits it")
  void workspacePromptForm() {
    View v = ViewLimits.check(Views.workspace(ViewsPagingTest.project(1, 10, null, null), null));
    assertThat(input(v, "prompt").type()).isEqualTo(View.Input.TEXTAREA);
    View.Action run = v.actions().get(0);
    assertThat(run.intentKey()).isEqualTo(Intents.TASK_SUBMIT);
    assertThat(run.submitsForm()).isTrue();
    assertThat(run.value().getString("project_id")).isEqualTo("p1");
  }

  static Task task(TaskStatus s, String backend, String prompt) {
    return new Task.Builder().taskId("t1").projectId("p1").prompt(prompt).status(s).backend(backend).workdir("/srv")
        .origin(new ReplyTarget("slack", "C1", null), "u").error(s == TaskStatus.FAILED ? "stub failure requested" : null)
        .output("x".repeat(5_000) + "THE END").build();
  }

  static boolean has(View v, String intent) { return v.actions().stream().anyMatch(a -> a.intentKey().equals(intent)); }

  @Test
  @DisplayName("Continue on failed, cancelled and interrupted cards only")
  void continueButton() {
    for (TaskStatus s : TaskStatus.values()) {
      View v = ViewLimits.check(TaskViews.task(task(s, "stub", "fix it"), 1, 0));
      boolean ended = s == TaskStatus.FAILED || s == TaskStatus.CANCELLED || s == TaskStatus.INTERRUPTED;
      assertThat(has(v, Intents.TASK_CONTINUE)).as("%s", s).isEqualTo(ended);
    }
  }

  @Test
  @DisplayName("Steer on a queued card behind a running turn of a steerable backend, not otherwise")
  void steerButton() {
    assertThat(has(TaskViews.task(task(TaskStatus.QUEUED, "codex", "also do y"), 1, 1), Intents.TASK_STEER)).isTrue();
    assertThat(has(TaskViews.task(task(TaskStatus.QUEUED, "stub", "also do y"), 1, 2), Intents.TASK_STEER)).isTrue();
    assertThat(has(TaskViews.task(task(TaskStatus.QUEUED, "claude_code", "also"), 1, 1), Intents.TASK_STEER)).isFalse();
    assertThat(has(TaskViews.task(task(TaskStatus.QUEUED, "codex", "also do y"), 1, 0), Intents.TASK_STEER)).isFalse();
    assertThat(has(TaskViews.task(task(TaskStatus.QUEUED, "codex", "confirm: deploy"), 1, 1), Intents.TASK_STEER))
        .isFalse();
    assertThat(has(TaskViews.task(task(TaskStatus.RUNNING, "codex", "x"), 1, 0), Intents.TASK_STEER)).isFalse();
  }

  @Test
  @DisplayName("a Continue prompt says how the task ended, what was asked and the end of its output")
  void continuePrompt() {
    String p = IntentHandler.continuePrompt(task(TaskStatus.FAILED, "stub", "confirm: refactor the parser"));
    assertThat(p).startsWith("Continue the previous task (failed: stub failure requested).");
    assertThat(p).contains("refactor the parser").doesNotContain("confirm:");
    assertThat(p).contains("THE END").endsWith("Carry on from there.");
    assertThat(p.length()).isLessThan(1_000 + 400);
    assertThat(TaskEngine.isConfirm(p)).isFalse();
    Task empty = task(TaskStatus.CANCELLED, "stub", "go").toBuilder().output(null).build();
    assertThat(IntentHandler.continuePrompt(empty)).contains("(cancelled)").contains("no output");
  }

  @Test
  @DisplayName("task cards keep the limits whatever the output, on every page")
  void taskCardsInLimits() {
    for (TaskStatus s : TaskStatus.values()) {
      Task t = task(s, "codex", "p".repeat(20_000)).toBuilder().result(s == TaskStatus.COMPLETED ? "r".repeat(30_000) : null)
          .error(s.terminal() ? "e".repeat(500) : null).build();
      View first = ViewLimits.check(TaskViews.task(t, 1, 3));
      for (int page = 2; page <= first.pages(); page++) ViewLimits.check(TaskViews.task(t, page, 3));
    }
  }

  @Test
  @DisplayName("the other views keep the limits too: home, help, delete, a config with 40 presets, the agent picker")
  void otherViewsInLimits() {
    java.util.List<dev.poco.contract.DirPreset> presets = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) presets.add(new dev.poco.contract.DirPreset("p1", "preset " + i, "/srv/" + i));
    Project p = ViewsPagingTest.project(1, 64, presets, List.of("/a", "/b"));
    ViewLimits.check(Views.home(300));
    ViewLimits.check(Views.help());
    ViewLimits.check(Views.confirmDelete(p));
    ViewLimits.check(Views.projectConfig(p));
    List<BackendInfo> many = new java.util.ArrayList<>();
    for (String b : ProjectLifecycle.KNOWN_BACKENDS) many.add(new BackendInfo(b, false, null, "x".repeat(200), false, null));
    ViewLimits.check(Views.agent(p, many, "codex", "n".repeat(500)));
    ViewLimits.check(Views.newProject(many, "stub", "n".repeat(64), "stub", "name", "e".repeat(2_000)));
  }
}
