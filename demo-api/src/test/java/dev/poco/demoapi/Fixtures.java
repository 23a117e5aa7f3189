package dev.poco.demoapi;

import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Canned contract records the fake orchestrator answers with. */
final class Fixtures {
  private Fixtures() {}

  static Task task(String taskId, TaskStatus status) {
    return new Task.Builder().taskId(taskId).projectId("p1").prompt("Reply with exactly: DEMO_OK").status(status)
        .backend("stub").origin(new ReplyTarget("demo", "demo", null), "demo_user")
        .result(status == TaskStatus.COMPLETED ? "DEMO_OK" : null).createdAt(1_700_000_000_000L)
        .updatedAt(1_700_000_001_000L).build();
  }

  static View taskView(String taskId, TaskStatus status) {
    return new View(ViewKinds.TASK, "[" + status.label() + "] Task: DEMO_OK", status.wire(), "", null, null, null,
        1, 1, new JsonObject().put("task_id", taskId));
  }

  static View homeView() {
    return new View(ViewKinds.HOME, "PoCo Projects", null, "No projects yet", null, null,
        List.of(new View.Action("New", "primary", false,
            new JsonObject().put("intent_key", "project.new").put("request_id", "r1"))),
        1, 1, null);
  }
}
