package dev.poco.store;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Tasks: upsert by id, get, newest-first listing, and the full output in pieces. A row stays small (summaries of the
 * prompt and result, the output's last characters), so a listing reads little: the whole prompt sits in
 * task_prompts, the live output tail and the bounded result in task_texts, the whole output in task_output, and only
 * a single task's read touches them.
 */
final class TaskRows {
  private TaskRows() {}

  /** Keeps one listing from flooding the bus. */
  static final int MAX_LIMIT = 10_000;

  private static final String COLUMNS = "task_id, project_id, prompt, status, backend, workdir, origin_platform, "
      + "origin_chat_id, origin_user_id, origin_thread_id, card_message_id, output, result, error, usage_json, "
      + "approval_json, runner_id, session_id, created_at, updated_at, started_at, finished_at, diff_json, "
      + "prompt_chars, output_chars, output_dropped";

  // created_at is left as first written: a task's age does not change on later saves.
  static final String UPSERT = "INSERT INTO tasks (" + COLUMNS + ") VALUES ("
      + String.join(", ", Collections.nCopies(26, "?")) + """
      ) ON CONFLICT (task_id) DO UPDATE SET project_id = excluded.project_id, prompt = excluded.prompt,
        status = excluded.status, backend = excluded.backend, workdir = excluded.workdir,
        origin_platform = excluded.origin_platform, origin_chat_id = excluded.origin_chat_id,
        origin_user_id = excluded.origin_user_id, origin_thread_id = excluded.origin_thread_id,
        card_message_id = COALESCE(excluded.card_message_id, tasks.card_message_id), output = excluded.output, result = excluded.result,
        error = excluded.error, usage_json = excluded.usage_json, approval_json = excluded.approval_json,
        runner_id = excluded.runner_id, session_id = excluded.session_id, updated_at = excluded.updated_at,
        started_at = excluded.started_at, finished_at = excluded.finished_at, diff_json = excluded.diff_json,
        prompt_chars = excluded.prompt_chars, output_chars = excluded.output_chars,
        output_dropped = excluded.output_dropped""";

  /** The whole prompt, written once: later saves carry only its summary. */
  static final String PROMPT_INSERT = "INSERT INTO task_prompts (task_id, prompt) VALUES (?, ?) "
      + "ON CONFLICT (task_id) DO NOTHING";

  static final String TEXTS_UPSERT = "INSERT INTO task_texts (task_id, output_tail, result) VALUES (?, ?, ?) "
      + "ON CONFLICT (task_id) DO UPDATE SET output_tail = excluded.output_tail, result = excluded.result";

  static final String OUTPUT_UPSERT = "INSERT INTO task_output (task_id, start_offset, end_offset, text) "
      + "VALUES (?, ?, ?, ?) ON CONFLICT (task_id, start_offset) DO UPDATE SET end_offset = excluded.end_offset, "
      + "text = excluded.text";

  static Write save(Task t, long now) {
    long created = t.createdAt() == 0 ? now : t.createdAt();
    String prompt = t.prompt() == null ? "" : t.prompt();
    String output = TaskText.tail(t.output() == null ? "" : t.output(), TaskText.TAIL_CHARS);
    String result = TaskText.capped(t.result(), TaskText.RESULT_MAX_CHARS);
    Tuple args = Sql.args(t.taskId(), t.projectId(), TaskText.summary(prompt), t.status().wire(),
        t.backend(), t.workdir(), t.originPlatform(), t.originChatId(), t.originUserId(), t.originThreadId(),
        t.cardMessageId(), TaskText.tail(output, TaskText.LIST_OUTPUT_CHARS), TaskText.summary(result), t.error(),
        encode(t.usage()), encode(t.approval()), t.runnerId(), t.sessionId(), created,
        t.updatedAt() == 0 ? now : t.updatedAt(), t.startedAt(), t.finishedAt(), encode(t.diff()),
        Math.max(t.promptChars(), prompt.length()), Math.max(t.outputChars(), output.length()), t.outputDropped());
    boolean small = output.length() <= TaskText.LIST_OUTPUT_CHARS
        && (result == null || result.length() <= TaskText.SUMMARY_MAX_CHARS);
    if (small && prompt.length() <= TaskText.SUMMARY_MAX_CHARS) {
      // The row holds it all, and one statement batches with its neighbours. A task's output and result only grow,
      // so no longer texts row from an earlier save can be left behind.
      return Write.upsert(UPSERT, args, SqlErrors.projectMustExist(t.projectId()));
    }
    return new Write.Unit(conn -> conn.preparedQuery(UPSERT).execute(args)
        .compose(r -> small ? Future.succeededFuture()
            : conn.preparedQuery(TEXTS_UPSERT).execute(Tuple.of(t.taskId(), output, result)).mapEmpty())
        .compose(r -> prompt.length() <= TaskText.SUMMARY_MAX_CHARS ? Future.succeededFuture()
            : conn.preparedQuery(PROMPT_INSERT).execute(Tuple.of(t.taskId(), prompt)).mapEmpty())
        .map(r -> new JsonObject()), SqlErrors.projectMustExist(t.projectId()));
  }

  /**
   * A task's first save together with the mark of the platform event that created it: both or neither, so a
   * redelivered event finds its task or nothing at all. A key marked without this task means the event was handled
   * already (CONFLICT, nothing written); with this task stored it was our own earlier attempt that got no answer.
   */
  static Write saveMarking(Task t, String eventKey, long now) {
    Write save = save(t, now);
    return new Write.Unit(conn -> conn.preparedQuery("INSERT OR IGNORE INTO processed_events (key, seen_at) VALUES (?, ?)")
        .execute(Tuple.of(eventKey, now))
        .compose(marked -> marked.rowCount() > 0 ? Future.succeededFuture(true)
            : conn.preparedQuery("SELECT 1 FROM tasks WHERE task_id = ?").execute(Tuple.of(t.taskId()))
                .map(rows -> rows.size() > 0))
        .compose(ours -> ours ? apply(conn, save) : Future.failedFuture(Bus.error(Failures.CONFLICT,
            "event '" + eventKey + "' was already handled; task " + t.taskId() + " was not stored"))),
        save.errors());
  }

  private static Future<JsonObject> apply(SqlConnection conn, Write w) {
    if (w instanceof Write.Stmt s) return conn.preparedQuery(s.sql()).execute(s.args()).map(r -> new JsonObject());
    return ((Write.Unit) w).work().apply(conn);
  }

  static Write appendOutput(String taskId, long offset, String text) {
    if (offset < 0) throw new IllegalArgumentException("'offset' must not be negative");
    if (text.length() > TaskText.CHUNK_CHARS) {
      throw new IllegalArgumentException("'text' is " + text.length() + " characters, more than one piece ("
          + TaskText.CHUNK_CHARS + ")");
    }
    return Write.upsert(OUTPUT_UPSERT, Tuple.of(taskId, offset, offset + text.length(), text),
        err -> SqlErrors.foreignKey(err) ? Bus.error(Failures.NOT_FOUND, "no task '" + taskId + "'") : err);
  }

  /** The task with its whole prompt (the row's summary when the prompt was short or stored before V4). */
  static Future<JsonObject> get(Pool reads, String taskId) {
    String sql = "SELECT t.*, p.prompt AS full_prompt, x.output_tail AS output_tail, x.result AS full_result,"
        + " x.task_id AS has_texts FROM tasks t LEFT JOIN task_prompts p ON p.task_id = t.task_id"
        + " LEFT JOIN task_texts x ON x.task_id = t.task_id WHERE t.task_id = ?";
    return reads.preparedQuery(sql).execute(Tuple.of(taskId)).compose(rows -> {
      if (rows.size() == 0) return Future.failedFuture(Bus.error(Failures.NOT_FOUND, "no task '" + taskId + "'"));
      Row r = rows.iterator().next();
      Task.Builder t = toTask(r).toBuilder();
      String full = r.getString("full_prompt");
      if (full != null) t.prompt(full);
      if (r.getString("has_texts") != null) t.output(r.getString("output_tail")).result(r.getString("full_result"));
      return Future.succeededFuture(t.build().toJson());
    });
  }

  /** Summaries only: rows written before V4 may hold whole prompts and outputs, so SQLite cuts them first. */
  static Future<JsonObject> list(Pool reads, TaskQuery q) {
    String columns = COLUMNS.replace("prompt, ", summarySql("prompt") + " AS prompt, ")
        .replace("output, ", "substr(output, -" + TaskText.LIST_OUTPUT_CHARS + ") AS output, ")
        .replace("result, ", summarySql("result") + " AS result, ")
        .replace("prompt_chars, output_chars", "CASE WHEN prompt_chars > 0 THEN prompt_chars ELSE length(prompt) END"
            + " AS prompt_chars, CASE WHEN output_chars > 0 THEN output_chars ELSE length(output) END AS output_chars");
    StringBuilder sql = new StringBuilder("SELECT " + columns + " FROM tasks");
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

  /** TaskText.summary in SQL, so a long text never leaves SQLite whole. */
  private static String summarySql(String col) {
    int head = 600, tail = 200;
    return "CASE WHEN length(" + col + ") > " + TaskText.SUMMARY_MAX_CHARS + " THEN substr(" + col + ", 1, " + head
        + ") || char(10) || '… [' || (length(" + col + ") - " + (head + tail) + ") || ' characters omitted] …' || "
        + "char(10) || substr(" + col + ", -" + tail + ") ELSE " + col + " END";
  }

  /**
   * Up to {@code limit} characters of the stored output from {@code offset}. Output stored before V4 has no pieces:
   * then the row's output column is the whole of it.
   */
  static Future<JsonObject> outputPage(Pool reads, String taskId, long offset, int limit) {
    if (offset < 0) return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, "'offset' must not be negative"));
    int max = Math.max(0, Math.min(limit, TaskText.PAGE_MAX_CHARS));
    return reads.preparedQuery("SELECT end_offset FROM task_output WHERE task_id = ? ORDER BY start_offset DESC LIMIT 1")
        .execute(Tuple.of(taskId)).compose(last -> {
          if (last.size() == 0) return legacyPage(reads, taskId, offset, max);
          long stored = last.iterator().next().getLong(0);
          return reads.preparedQuery("SELECT start_offset, text FROM task_output WHERE task_id = ? AND end_offset > ?"
                  + " AND start_offset < ? ORDER BY start_offset")
              .execute(Tuple.of(taskId, offset, offset + max)).map(rows -> page(rows, offset, max, stored));
        });
  }

  private static JsonObject page(RowSet<Row> rows, long offset, int max, long stored) {
    StringBuilder text = new StringBuilder(Math.min(max, (int) Math.max(0, Math.min(Integer.MAX_VALUE, stored - offset))));
    long cursor = offset;
    for (Row r : rows) {
      long start = r.getLong("start_offset");
      String piece = r.getString("text");
      if (start > cursor) cursor = start; // a piece lost to a crash: the page goes on after the gap
      int from = (int) (cursor - start);
      int to = (int) Math.min(piece.length(), from + (long) (max - text.length()));
      if (from >= to) continue;
      to = TaskText.safeEnd(piece, to);
      text.append(piece, from, to);
      cursor = start + to;
      if (text.length() >= max) break;
    }
    return new JsonObject().put("text", text.toString()).put("offset", offset)
        .put("next_offset", cursor < stored ? cursor : null).put("stored_chars", stored);
  }

  private static Future<JsonObject> legacyPage(Pool reads, String taskId, long offset, int max) {
    return reads.preparedQuery("SELECT output FROM tasks WHERE task_id = ?").execute(Tuple.of(taskId)).compose(rows -> {
      if (rows.size() == 0) return Future.failedFuture(Bus.error(Failures.NOT_FOUND, "no task '" + taskId + "'"));
      String out = rows.iterator().next().getString(0);
      out = out == null ? "" : out;
      int from = (int) Math.min(offset, out.length());
      int to = TaskText.safeEnd(out, (int) Math.min(out.length(), from + (long) max));
      return Future.succeededFuture(new JsonObject().put("text", out.substring(from, to)).put("offset", offset)
          .put("next_offset", to < out.length() ? (Object) (long) to : null).put("stored_chars", out.length()));
    });
  }

  private static Task toTask(Row r) {
    return new Task(r.getString("task_id"), r.getString("project_id"), r.getString("prompt"),
        TaskStatus.of(r.getString("status")), r.getString("backend"), r.getString("workdir"),
        r.getString("origin_platform"), r.getString("origin_chat_id"), r.getString("origin_user_id"),
        r.getString("origin_thread_id"), r.getString("card_message_id"), r.getString("output"),
        r.getString("result"), r.getString("error"), decode(r.getString("usage_json")),
        decode(r.getString("approval_json")), r.getString("runner_id"), r.getString("session_id"),
        decode(r.getString("diff_json")), r.getLong("created_at"), r.getLong("updated_at"), r.getLong("started_at"),
        r.getLong("finished_at"), r.getLong("prompt_chars"), r.getLong("output_chars"), r.getLong("output_dropped"))
        .toBuilder().build();
  }

  private static String encode(JsonObject j) { return j == null ? null : j.encode(); }

  private static JsonObject decode(String s) { return s == null ? null : new JsonObject(s); }
}
