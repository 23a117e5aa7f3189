package dev.poco.store;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Tasks: upsert by id, get, and newest-first listing. */
final class TaskRows {
  private TaskRows() {}

  /** Keeps one listing from flooding the bus. */
  static final int MAX_LIMIT = 10_000;

  private static final String COLUMNS = "task_id, project_id, prompt, status, backend, workdir, origin_platform, "
      + "origin_chat_id, origin_user_id, origin_thread_id, card_message_id, output, result, error, usage_json, "
      + "approval_json, runner_id, session_id, created_at, updated_at, started_at, finished_at, diff_json";

  // created_at is left as first written: a task's age does not change on later saves.
  static final String UPSERT = "INSERT INTO tasks (" + COLUMNS + ") VALUES ("
      + String.join(", ", Collections.nCopies(23, "?")) + """
      ) ON CONFLICT (task_id) DO UPDATE SET project_id = excluded.project_id, prompt = excluded.prompt,
        status = excluded.status, backend = excluded.backend, workdir = excluded.workdir,
        origin_platform = excluded.origin_platform, origin_chat_id = excluded.origin_chat_id,
        origin_user_id = excluded.origin_user_id, origin_thread_id = excluded.origin_thread_id,
        card_message_id = excluded.card_message_id, output = excluded.output, result = excluded.result,
        error = excluded.error, usage_json = excluded.usage_json, approval_json = excluded.approval_json,
        runner_id = excluded.runner_id, session_id = excluded.session_id, updated_at = excluded.updated_at,
        started_at = excluded.started_at, finished_at = excluded.finished_at, diff_json = excluded.diff_json""";

  static Write save(Task t, long now) {
    long created = t.createdAt() == 0 ? now : t.createdAt();
    Tuple args = Sql.args(t.taskId(), t.projectId(), t.prompt() == null ? "" : t.prompt(), t.status().wire(),
        t.backend(), t.workdir(), t.originPlatform(), t.originChatId(), t.originUserId(), t.originThreadId(),
        t.cardMessageId(), t.output() == null ? "" : t.output(), t.result(), t.error(), encode(t.usage()),
        encode(t.approval()), t.runnerId(), t.sessionId(), created, t.updatedAt() == 0 ? now : t.updatedAt(),
        t.startedAt(), t.finishedAt(), encode(t.diff()));
    return Write.upsert(UPSERT, args, SqlErrors.projectMustExist(t.projectId()));
  }

  static Future<JsonObject> get(Pool reads, String taskId) {
    return reads.preparedQuery("SELECT " + COLUMNS + " FROM tasks WHERE task_id = ?").execute(Tuple.of(taskId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(Bus.error(Failures.NOT_FOUND, "no task '" + taskId + "'"))
            : Future.succeededFuture(toTask(rows.iterator().next()).toJson()));
  }

  static Future<JsonObject> list(Pool reads, TaskQuery q) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM tasks");
    List<Object> args = new ArrayList<>();
    List<String> where = new ArrayList<>();
    if (q.projectId() != null) {
      where.add("project_id = ?");
      args.add(q.projectId());
    }
    if (!q.statuses().isEmpty()) {
      where.add("status IN (" + String.join(", ", Collections.nCopies(q.statuses().size(), "?")) + ")");
      for (String s : q.statuses()) args.add(Bodies.statusWire(s));
    }
    if (!where.isEmpty()) sql.append(" WHERE ").append(String.join(" AND ", where));
    sql.append(" ORDER BY created_at DESC, rowid DESC LIMIT ?");
    args.add(Math.min(q.limit(), MAX_LIMIT));
    return reads.preparedQuery(sql.toString()).execute(Tuple.wrap(args)).map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) out.add(toTask(r).toJson());
      return new JsonObject().put("tasks", out);
    });
  }

  private static Task toTask(Row r) {
    return new Task(r.getString("task_id"), r.getString("project_id"), r.getString("prompt"),
        TaskStatus.of(r.getString("status")), r.getString("backend"), r.getString("workdir"),
        r.getString("origin_platform"), r.getString("origin_chat_id"), r.getString("origin_user_id"),
        r.getString("origin_thread_id"), r.getString("card_message_id"), r.getString("output"),
        r.getString("result"), r.getString("error"), decode(r.getString("usage_json")),
        decode(r.getString("approval_json")), r.getString("runner_id"), r.getString("session_id"),
        decode(r.getString("diff_json")), r.getLong("created_at"), r.getLong("updated_at"), r.getLong("started_at"), r.getLong("finished_at"));
  }

  private static String encode(JsonObject j) { return j == null ? null : j.encode(); }

  private static JsonObject decode(String s) { return s == null ? null : new JsonObject(s); }
}
