package dev.poco.orchestrator;

import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.Failures;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import io.vertx.core.Future;

/**
 * Which projects a request may act on: in a project's chat, that project only; in a DM, every project
 * for the owner (and the projects a user created for anyone else allowed). A task or project out of
 * reach is "not found", exactly like one that does not exist, so a chat learns nothing about others.
 */
final class TaskScope {
  /** Who asks, and from which chat. */
  record Caller(String platform, String chatId, String chatType, String userId, boolean trusted) {
    static Caller of(InboundMessage m) { return new Caller(m.platform(), m.chatId(), m.chatType(), m.userId(), m.trusted()); }

    static Caller of(CardIntent in) {
      return new Caller(in.platform(), in.chatId(), in.chatType(), in.userId(), in.trusted());
    }

    boolean dm() { return Platforms.CHAT_DM.equals(chatType); }
  }

  private final Projects projects;
  private final Access access;
  private final TaskEngine engine;

  TaskScope(Projects projects, Access access, TaskEngine engine) {
    this.projects = projects;
    this.access = access;
    this.engine = engine;
  }

  boolean reaches(Caller c, String projectId) {
    if (projectId == null) return false;
    if (c.dm()) {
      if (access.manager(c.platform(), c.userId(), c.trusted())) return projects.get(projectId) != null;
      Project p = projects.get(projectId);
      return p != null && c.platform().equals(p.ownerPlatform()) && c.userId().equals(p.ownerUserId());
    }
    Project bound = c.chatId() == null ? null : projects.byChat(c.platform(), c.chatId());
    return bound != null && bound.projectId().equals(projectId);
  }

  /** The task, if {@code c} may act on it; else a 404 that reads the same whether it exists elsewhere or not. */
  Future<Task> task(Caller c, String taskId) {
    return engine.get(taskId)
        .recover(err -> Future.failedFuture(Bus.code(err) == Failures.NOT_FOUND ? taskNotFound(c, taskId) : err))
        .compose(t -> reaches(c, t.projectId()) ? Future.succeededFuture(t) : Future.failedFuture(taskNotFound(c, taskId)));
  }

  /** The project, if {@code c} may act on it. */
  Future<Project> project(Caller c, String projectId) {
    Project p = projects.get(projectId);
    return p != null && reaches(c, projectId) ? Future.succeededFuture(p)
        : Future.failedFuture(Bus.error(Failures.NOT_FOUND, "Project " + projectId + " was not found"
            + (c.dm() ? "." : " in this chat.")));
  }

  private static Throwable taskNotFound(Caller c, String taskId) {
    return Bus.error(Failures.NOT_FOUND, "Task " + taskId + " was not found" + (c.dm() ? "." : " in this project."));
  }
}
