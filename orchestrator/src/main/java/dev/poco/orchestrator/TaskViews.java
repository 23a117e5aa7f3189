package dev.poco.orchestrator;

import dev.poco.contract.Intents;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The task card: status, agent and dir in the title; output, result page or question in the body. */
final class TaskViews {
  /** Characters per result page: well inside Feishu's card size and Slack's 3,000-char text blocks. */
  static final int PAGE_CHARS = 2_800;
  /** While running, the card shows the tail of the live output. */
  static final int LIVE_TAIL_CHARS = 2_800;

  /**
   * Backends whose runner can add a message to a running turn (agent-runner: Codex turn/steer, and the stub); the
   * others answer a steer with 409, so their queued tasks get no Steer button.
   */
  static final Set<String> STEERABLE_BACKENDS = Set.of("codex", "stub");

  private TaskViews() {}

  /** True when a queued task of {@code backend} could be sent into its project's running turn instead. */
  static boolean steerable(Task t, int ahead) {
    return t.status() == TaskStatus.QUEUED && ahead > 0 && STEERABLE_BACKENDS.contains(t.backend())
        && !TaskEngine.isConfirm(t.prompt());
  }

  static String title(Task t) {
    String dir = t.workdir() == null || t.workdir().isEmpty() ? "no working dir" : t.workdir();
    return "[" + t.status().label() + "] Task: " + snippet(t.prompt(), 48) + " (" + t.backend() + ", " + dir + ")";
  }

  /** @param ahead how many tasks of the project wait before this one (queued tasks only) */
  static View task(Task t, int page, int ahead) {
    String text = bodyText(t);
    int pages = t.status().terminal() ? Math.max(1, (text.length() + PAGE_CHARS - 1) / PAGE_CHARS) : 1;
    int p = Math.max(1, Math.min(page, pages));
    String body = t.status().terminal() && pages > 1
        ? text.substring((p - 1) * PAGE_CHARS, Math.min(text.length(), p * PAGE_CHARS))
        : text;
    if (t.status() == TaskStatus.QUEUED) {
      body = ahead > 0 ? "Queued: " + ahead + (ahead == 1 ? " task" : " tasks") + " ahead of this one." : "Starting…";
    }
    List<View.Field> fields = new ArrayList<>();
    fields.add(new View.Field("Task", t.taskId()));
    if (t.usage() != null && !t.usage().isEmpty()) fields.add(new View.Field("Usage", usage(t.usage())));
    if (t.diff() != null && t.diff().getJsonArray("files") != null && !t.diff().getJsonArray("files").isEmpty()) {
      fields.add(new View.Field("Changes", changes(t.diff())));
    }
    return new View(ViewKinds.TASK, title(t), t.status().wire(), body, fields, null, actions(t, p, pages, ahead), p, pages,
        new JsonObject().put("task_id", t.taskId()).put("project_id", t.projectId())
            .put("output_chars", t.outputChars()).put("user_id", t.originUserId()));
  }

  private static String bodyText(Task t) {
    switch (t.status()) {
      case WAITING_CONFIRMATION: {
        JsonObject a = t.approval() == null ? new JsonObject() : t.approval();
        String head = a.getString("title", "Confirm before the agent goes on");
        String detail = a.getString("detail", "");
        String text = "**" + head + "**" + (detail.isEmpty() ? "" : "\n\n" + detail);
        return text.length() > PAGE_CHARS ? text.substring(0, PAGE_CHARS - 1) + "…" : text;
      }
      case RUNNING: {
        String out = t.output() == null ? "" : t.output();
        if (out.isEmpty()) return "Working…";
        return out.length() > LIVE_TAIL_CHARS ? "…" + out.substring(out.length() - LIVE_TAIL_CHARS) : out;
      }
      case COMPLETED:
        return t.result() != null && !t.result().isEmpty() ? t.result() : orEmpty(t.output(), "(no output)");
      default: {
        String why = t.error() == null ? t.status().label() : t.error();
        String out = t.result() != null ? t.result() : orEmpty(t.output(), "");
        return "**" + why + "**" + (out.isEmpty() ? "" : "\n\n" + out);
      }
    }
  }

  private static List<View.Action> actions(Task t, int page, int pages, int ahead) {
    List<View.Action> out = new ArrayList<>();
    String id = t.taskId();
    switch (t.status()) {
      case WAITING_CONFIRMATION -> {
        out.add(Actions.primary("Approve", Intents.TASK_APPROVE, "task_id", id));
        JsonArray options = t.approval() == null ? null : t.approval().getJsonArray("options");
        if (options != null && options.contains("approve_session")) {
          out.add(Actions.button("Approve for session", Intents.TASK_APPROVE_SESSION, "task_id", id));
        }
        out.add(Actions.danger("Reject", Intents.TASK_REJECT, "task_id", id));
      }
      case RUNNING -> out.add(Actions.danger("Stop", Intents.TASK_STOP, "task_id", id));
      case QUEUED -> {
        // Steer: send this prompt into the running turn now instead of waiting for it to end.
        if (steerable(t, ahead)) out.add(Actions.button("Steer", Intents.TASK_STEER, "task_id", id));
        out.add(Actions.danger("Stop", Intents.TASK_STOP, "task_id", id));
      }
      default -> {
        if (t.status() == TaskStatus.FAILED || t.status() == TaskStatus.CANCELLED
            || t.status() == TaskStatus.INTERRUPTED) {
          out.add(Actions.primary("Continue", Intents.TASK_CONTINUE, "task_id", id));
        }
        if (page > 1) out.add(Actions.button("‹ Page " + (page - 1), Intents.TASK_PAGE, "task_id", id, "page", page - 1));
        if (page < pages) out.add(Actions.button("Page " + (page + 1) + " ›", Intents.TASK_PAGE, "task_id", id, "page", page + 1));
      }
    }
    out.add(Actions.button("Working Dir", Intents.WORKDIR_OPEN, "project_id", t.projectId(),
        Actions.SURFACE, Actions.SURFACE_TASK));
    out.add(Actions.button("Agent", Intents.AGENT_OPEN, "project_id", t.projectId(), Actions.SURFACE, Actions.SURFACE_TASK));
    return out;
  }

  private static String usage(JsonObject u) {
    StringBuilder sb = new StringBuilder();
    if (u.containsKey("input_tokens")) sb.append(u.getValue("input_tokens")).append(" in");
    if (u.containsKey("output_tokens")) sb.append(sb.length() > 0 ? " / " : "").append(u.getValue("output_tokens")).append(" out");
    if (u.containsKey("cost_usd")) sb.append(sb.length() > 0 ? " · $" : "$").append(u.getValue("cost_usd"));
    return sb.length() == 0 ? u.encode() : sb.toString();
  }

  /** "2 files changed, +12 −3: src/app.py, README.md" (at most five names). */
  static String changes(JsonObject diff) {
    JsonArray files = diff.getJsonArray("files");
    StringBuilder sb = new StringBuilder().append(files.size()).append(files.size() == 1 ? " file" : " files")
        .append(" changed, +").append(diff.getInteger("added", 0)).append(" −").append(diff.getInteger("removed", 0));
    for (int i = 0; i < files.size() && i < 5; i++) {
      sb.append(i == 0 ? ": " : ", ").append(files.getJsonObject(i).getString("path"));
    }
    if (files.size() > 5) sb.append(", …");
    return sb.toString();
  }

  static String snippet(String s, int max) {
    if (s == null) return "";
    String one = s.replaceAll("\\s+", " ").trim();
    return one.length() <= max ? one : one.substring(0, max - 1) + "…";
  }

  private static String orEmpty(String s, String def) { return s == null || s.isEmpty() ? def : s; }
}
