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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends views to the gateways: a task's card to the chat the task came from, a workspace card to
 * each chat bound to the project. The demo surface has no gateway; it reads state over HTTP.
 */
final class Cards {
  private static final Logger log = LoggerFactory.getLogger(Cards.class);
  private final EventBus bus;

  Cards(EventBus bus) { this.bus = bus; }

  /**
   * A card that cannot be built or sent (even for want of memory) is logged and skipped: the state change that
   * asked for it, a task's end above all, must still happen.
   */
  void task(Task t, int ahead, boolean last) {
    if (t == null || t.originPlatform() == null || Platforms.DEMO.equals(t.originPlatform())) return;
    try {
      View view = TaskViews.task(t, 1, ahead);
      send(new RenderRequest(t.target(), t.cardMessageId(), view, t.taskId(), t.projectId(), last, 0,
          RenderRequest.taskKey(t.taskId())));
    } catch (RuntimeException | Error e) {
      log.warn("could not render the card of task {}: {}", t.taskId(), e.toString());
    }
  }

  void workspace(Project p, Task latest) {
    try {
      for (ChatBinding b : p.bindings()) {
        if (Platforms.DEMO.equals(b.platform())) continue;
        send(new RenderRequest(new ReplyTarget(b.platform(), b.chatId(), null), b.workspaceMessageId(),
            Views.workspace(p, latest), null, p.projectId(), true, 0, RenderRequest.workspaceKey(b.platform(), b.chatId())));
      }
    } catch (RuntimeException | Error e) {
      log.warn("could not render the workspace card of {}: {}", p.projectId(), e.toString());
    }
  }

  /** Posts a view as a new message in a chat (e.g. the first workspace card of a new group). */
  void post(ReplyTarget target, View view, String projectId) {
    if (Platforms.DEMO.equals(target.platform())) return;
    send(new RenderRequest(target, null, view, null, projectId, true, 0,
        RenderRequest.workspaceKey(target.platform(), target.chatId())));
  }

  private void send(RenderRequest r) { bus.send(Addresses.gatewayRender(r.target().platform()), r.toJson()); }
}
