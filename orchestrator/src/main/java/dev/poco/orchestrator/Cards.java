package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.View;
import io.vertx.core.eventbus.EventBus;

/**
 * Sends views to the gateways: a task's card to the chat the task came from, a workspace card to
 * each chat bound to the project. The demo surface has no gateway; it reads state over HTTP.
 */
final class Cards {
  private final EventBus bus;

  Cards(EventBus bus) { this.bus = bus; }

  void task(Task t, int ahead, boolean last) {
    if (t == null || t.originPlatform() == null || Platforms.DEMO.equals(t.originPlatform())) return;
    View view = TaskViews.task(t, 1, ahead);
    send(new RenderRequest(t.target(), t.cardMessageId(), view, t.taskId(), t.projectId(), last));
  }

  void workspace(Project p, Task latest) {
    for (ChatBinding b : p.bindings()) {
      if (Platforms.DEMO.equals(b.platform())) continue;
      send(new RenderRequest(new ReplyTarget(b.platform(), b.chatId(), null), b.workspaceMessageId(),
          Views.workspace(p, latest), null, p.projectId(), true));
    }
  }

  /** Posts a view as a new message in a chat (e.g. the first workspace card of a new group). */
  void post(ReplyTarget target, View view, String projectId) {
    if (Platforms.DEMO.equals(target.platform())) return;
    send(new RenderRequest(target, null, view, null, projectId, true));
  }

  private void send(RenderRequest r) { bus.send(Addresses.gatewayRender(r.target().platform()), r.toJson()); }
}
