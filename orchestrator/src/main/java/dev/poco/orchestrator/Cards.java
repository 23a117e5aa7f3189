package dev.poco.orchestrator;

import dev.poco.contract.ChatBinding;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import io.vertx.core.json.JsonObject;

/**
 * What the cards show: a task's card in the chat the task came from, a workspace card in each chat bound to the
 * project. {@link CardDesk} decides when and where each render goes. The demo surface has no gateway; it reads state
 * over HTTP.
 */
final class Cards implements TaskListener {
  private final CardDesk desk;

  Cards(CardDesk desk) { this.desk = desk; }

  /**
   * The task's card. A waiting or ended task, and any state change ({@code mustShow}), must be shown; live output
   * may be coalesced. The view is built when the render goes out, from the newest task given.
   */
  void task(Task t, int ahead, boolean mustShow) {
    if (t == null || t.originPlatform() == null || Platforms.DEMO.equals(t.originPlatform())) return;
    boolean must = mustShow || t.status().terminal() || t.status() == TaskStatus.WAITING_CONFIRMATION;
    desk.show(new CardDesk.Card(RenderRequest.taskKey(t.taskId()), t.target(), t.taskId(), t.projectId(),
        t.cardMessageId(), t.status().terminal()), () -> TaskViews.task(t, 1, ahead), must);
  }

  /** The workspace card in every chat of the project; posted there once, patched after. */
  void workspace(Project p, Task latest) {
    for (ChatBinding b : p.bindings()) {
      if (Platforms.DEMO.equals(b.platform())) continue;
      desk.show(new CardDesk.Card(RenderRequest.workspaceKey(b.platform(), b.chatId()),
          new ReplyTarget(b.platform(), b.chatId(), null), null, p.projectId(), b.workspaceMessageId(), false),
          () -> Views.workspace(p, latest), true);
    }
  }

  @Override public void taskChanged(Task t, int ahead) { task(t, ahead, true); }

  @Override public void outputAdded(Task t) { task(t, 0, false); }

  @Override public void workspaceChanged(Project p, Task latest) { workspace(p, latest); }

  void gatewayReady(String platform, String gatewayId) { desk.gatewayReady(platform, gatewayId); }

  void rebind(String key, String messageId, String gatewayId) { desk.rebind(key, messageId, gatewayId); }

  JsonObject stats() { return desk.stats(); }
}
