package dev.poco.orchestrator;

import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import io.vertx.core.Future;
import java.util.Locale;

/**
 * Chat messages: dedupe, access, then the text commands. In a DM the bot is the control plane
 * (home card); in a project's chat plain text is a prompt.
 */
final class Inbound {
  private final EventMarks events;
  private final Projects projects;
  private final TaskEngine engine;
  private final Access access;
  private final ProjectLifecycle lifecycle;
  private final TaskScope scope;

  Inbound(EventMarks events, Projects projects, TaskEngine engine, Access access, ProjectLifecycle lifecycle,
      TaskScope scope) {
    this.scope = scope;
    this.events = events;
    this.projects = projects;
    this.engine = engine;
    this.access = access;
    this.lifecycle = lifecycle;
  }

  /** Once per platform event id: the demo's ids are fresh per request, so only memory keeps them. */
  Future<Reply> handle(InboundMessage m) {
    // Answers to a slash command are the user's own; a message's answer is a new message in its chat.
    String where = m.slashCommand() ? Placement.EPHEMERAL : Placement.NEW;
    if (m.eventId() == null) return accept(m, null).map(r -> r.placedIfUnset(where));
    return events.once(m.platform() + ":" + m.eventId(), !Platforms.DEMO.equals(m.platform()), mark -> accept(m, mark))
        .map(r -> r.placedIfUnset(where));
  }

  private Future<Reply> accept(InboundMessage m, EventMarks.Mark mark) {
    String text = m.text() == null ? "" : m.text().strip();
    String cmd = command(text);
    String arg = cmd == null ? text : argument(text);
    if ("/pair".equals(cmd)) return access.pair(m.platform(), m.userId(), arg);
    if (!access.allowed(m.platform(), m.userId(), m.trusted())) return Future.succeededFuture(refusal(m));
    if ("/help".equals(cmd)) return Future.succeededFuture(Reply.of(Views.help()));
    if ("/status".equals(cmd) && !arg.isEmpty()) return taskReply(m, arg);
    if ("/approve".equals(cmd)) return answer(m, arg, true);
    if ("/reject".equals(cmd)) return answer(m, arg, false);
    if (cmd != null && !cmd.equals("/run") && !cmd.equals("/status") && !cmd.equals("/stop")
        && !cmd.equals("/steer")) {
      return Future.succeededFuture(Reply.of(View.notice("Unknown command " + cmd, Views.HELP))
          .placed(Placement.EPHEMERAL));
    }
    // A bare slash command (Slack's "/poco") opens the home card, wherever it is typed; only its user sees it.
    if (m.slashCommand() && text.isEmpty()) return Future.succeededFuture(Reply.of(Views.home(projects.all().size())));
    if (Platforms.CHAT_DM.equals(m.chatType())) {
      if (cmd != null) {
        return Future.succeededFuture(Reply.of(View.notice("Use a project group",
            "Tasks run in a project's group chat. Open **New** to create a project and its group.")));
      }
      return Future.succeededFuture(Reply.of(Views.home(projects.all().size())));
    }
    return project(m).compose(p -> {
      if (p == null) {
        return Future.succeededFuture(Reply.of(View.notice("No project here",
            "This chat is not bound to a PoCo project. Create one from a DM with the bot (**New**).")));
      }
      if ("/status".equals(cmd)) return Future.succeededFuture(Reply.of(Views.workspace(p, engine.latest(p.projectId()))));
      if ("/stop".equals(cmd) && !arg.isEmpty()) {
        return scope.task(TaskScope.Caller.of(m), arg).compose(engine::stopTask)
            .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), IntentHandler.stopToast(t))
                .placed(Placement.TOAST))
            .recover(err -> refused(err, "Cannot stop"));
      }
      if ("/stop".equals(cmd)) {
        return engine.stopProject(p.projectId()).map(t -> t == null
            ? Reply.of(View.notice("Nothing to stop", "No task of " + Views.plain(p.name()) + " is running."))
            : new Reply(TaskViews.task(t, 1, 0), t.taskId(), "Stopping").placed(Placement.TOAST));
      }
      if (arg.isEmpty()) {
        return Future.succeededFuture(Reply.of(View.notice("Empty prompt", "Usage: `/run <prompt>`, or just type it.")));
      }
      if ("/steer".equals(cmd)) {
        return engine.steer(p.projectId(), arg).compose(t -> t != null
            ? Future.succeededFuture(new Reply(TaskViews.task(t, 1, 0), t.taskId(), "Sent to the running turn")
                .placed(Placement.TOAST))
            : submit(p, arg, m, mark, "Nothing was running: queued as a task"))
            .recover(err -> submit(p, arg, m, mark, "This agent cannot be steered mid-turn: queued as a task"));
      }
      return submit(p, arg, m, mark, null);
    });
  }

  private Future<Reply> submit(Project p, String prompt, InboundMessage m, EventMarks.Mark mark, String toast) {
    String eventKey = mark == null ? null : mark.claim();
    return engine.submit(p, prompt, m.target(), m.userId(), eventKey)
        // The task's own card comes by render: the reply adds nothing to the chat but the toast.
        .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), toast).placed(Placement.TOAST))
        // another task holds this event (stored by an earlier run of this orchestrator): handled already
        .recover(err -> eventKey != null && Bus.code(err) == Failures.CONFLICT
            ? Future.succeededFuture(EventMarks.duplicate()) : Future.failedFuture(err));
  }

  private Future<Project> project(InboundMessage m) {
    Project p = projects.byChat(m.platform(), m.chatId());
    if (p != null || !Platforms.DEMO.equals(m.platform())) return Future.succeededFuture(p);
    return lifecycle.demoChat(m.chatId(), m.userId());
  }

  /** A task of this chat's project (any reachable project in a DM); another chat's task is not found here. */
  private Future<Reply> taskReply(InboundMessage m, String taskId) {
    return scope.task(TaskScope.Caller.of(m), taskId)
        .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), null))
        .recover(err -> refused(err, "No such task"));
  }

  private Future<Reply> answer(InboundMessage m, String taskId, boolean approve) {
    if (taskId.isEmpty()) {
      return Future.succeededFuture(Reply.of(View.notice("Which task?",
          "Usage: `/" + (approve ? "approve" : "reject") + " <task_id>`")));
    }
    return scope.task(TaskScope.Caller.of(m), taskId)
        .compose(found -> approve ? engine.approve(taskId, false) : engine.reject(taskId))
        .map(t -> new Reply(TaskViews.task(t, 1, 0), t.taskId(), approve ? "Approved" : "Rejected")
            .placed(Placement.TOAST))
        .recover(err -> refused(err, "Cannot " + (approve ? "approve" : "reject")));
  }

  /** A refusal the chat can show, carrying the failure's code; a server fault stays a failure. */
  private static Future<Reply> refused(Throwable err, String title) {
    int code = Bus.code(err);
    if (code >= 500) return Future.failedFuture(err);
    return Future.succeededFuture(Reply.refusal(code, View.notice(title, err.getMessage()), null));
  }

  private Reply refusal(InboundMessage m) {
    String who = m.platform() + ":" + m.userId();
    String body = "Sorry, you are not allowed to use this PoCo. Ask its owner to add `" + who + "` to "
        + ConfigKeys.ALLOWED_USERS + "."
        + (access.pairingPending() ? " If you are the owner, send `/pair <code>` with the code PoCo printed at start." : "");
    return Reply.refusal(Failures.FORBIDDEN, View.notice("Not allowed", body), "Not allowed");
  }

  /** The leading /command in lower case, or null for plain text. */
  static String command(String text) {
    if (!text.startsWith("/")) return null;
    String cmd = text.substring(0, wordEnd(text)).toLowerCase(Locale.ROOT);
    // "/srv/api is broken" is a prompt, not a command.
    return cmd.indexOf('/', 1) >= 0 ? null : cmd;
  }

  /** What follows the leading word, stripped: cut where the word ends as typed (lower-casing "/İ" lengthens it). */
  static String argument(String text) {
    return text.substring(wordEnd(text)).strip();
  }

  private static int wordEnd(String text) {
    int end = 0;
    while (end < text.length() && !Character.isWhitespace(text.charAt(end))) end++;
    return end;
  }
}
