package dev.poco.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema as a list of steps tracked by {@code PRAGMA user_version}: step {@code i} takes a database from
 * version {@code i} to {@code i + 1}. Append new steps; never edit one that has shipped.
 */
final class Migrations {
  private Migrations() {}

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** Projects, their chats and sessions, tasks, seen events and the access list. Times are epoch millis. */
  static final List<String> V1 = List.of("""
      CREATE TABLE projects (
        project_id TEXT NOT NULL PRIMARY KEY,
        name TEXT,
        owner_platform TEXT,
        owner_user_id TEXT,
        runner_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL)""", """
      CREATE TABLE workspaces (
        project_id TEXT NOT NULL PRIMARY KEY REFERENCES projects(project_id) ON DELETE CASCADE,
        workdir TEXT,
        workdir_source TEXT NOT NULL DEFAULT 'default',
        backend TEXT,
        settings_json TEXT NOT NULL DEFAULT '{}')""", """
      CREATE TABLE chat_bindings (
        platform TEXT NOT NULL,
        chat_id TEXT NOT NULL,
        project_id TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
        workspace_message_id TEXT,
        PRIMARY KEY (platform, chat_id))""",
      "CREATE INDEX chat_bindings_project ON chat_bindings(project_id)", """
      CREATE TABLE sessions (
        project_id TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
        backend TEXT NOT NULL,
        session_id TEXT NOT NULL,
        workdir TEXT,
        runner_id TEXT,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (project_id, backend))""", """
      CREATE TABLE tasks (
        task_id TEXT NOT NULL PRIMARY KEY,
        project_id TEXT REFERENCES projects(project_id) ON DELETE CASCADE,
        prompt TEXT NOT NULL,
        status TEXT NOT NULL,
        backend TEXT,
        workdir TEXT,
        origin_platform TEXT,
        origin_chat_id TEXT,
        origin_user_id TEXT,
        origin_thread_id TEXT,
        card_message_id TEXT,
        output TEXT NOT NULL DEFAULT '',
        result TEXT,
        error TEXT,
        usage_json TEXT,
        approval_json TEXT,
        runner_id TEXT,
        session_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        started_at INTEGER NOT NULL DEFAULT 0,
        finished_at INTEGER NOT NULL DEFAULT 0)""",
      "CREATE INDEX tasks_project_created ON tasks(project_id, created_at)",
      "CREATE INDEX tasks_status ON tasks(status, created_at)", """
      CREATE TABLE processed_events (
        key TEXT NOT NULL PRIMARY KEY,
        seen_at INTEGER NOT NULL)""",
      "CREATE INDEX processed_events_seen ON processed_events(seen_at)", """
      CREATE TABLE access (
        platform TEXT NOT NULL,
        user_id TEXT NOT NULL,
        role TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (platform, user_id))""");

  /** Directory shortcuts: saved presets and the ten most recent dirs per project; newest-first task listing. */
  static final List<String> V2 = List.of("""
      CREATE TABLE dir_presets (
        project_id TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        label TEXT,
        PRIMARY KEY (project_id, path))""", """
      CREATE TABLE recent_dirs (
        project_id TEXT NOT NULL REFERENCES projects(project_id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        used_at INTEGER NOT NULL,
        PRIMARY KEY (project_id, path))""",
      // Only an insert can push a project past ten, so trimming here keeps a touch one atomic statement.
      """
      CREATE TRIGGER recent_dirs_keep_10 AFTER INSERT ON recent_dirs BEGIN
        DELETE FROM recent_dirs WHERE project_id = NEW.project_id AND path NOT IN (
          SELECT path FROM recent_dirs WHERE project_id = NEW.project_id ORDER BY used_at DESC LIMIT 10);
      END""",
      "CREATE INDEX tasks_created ON tasks(created_at)");

  /** The files a turn changed, for the final card. */
  static final List<String> V3 = List.of("ALTER TABLE tasks ADD COLUMN diff_json TEXT");

  /**
   * Small task rows, so listing reads little: the row keeps summaries (the prompt's, the result's, the output's last
   * characters). Beside it: the whole prompt, the output's live tail and the whole (bounded) result, and the whole
   * output in pieces appended as they come; only a single task's read touches those.
   */
  static final List<String> V4 = List.of("""
      CREATE TABLE task_prompts (
        task_id TEXT NOT NULL PRIMARY KEY REFERENCES tasks(task_id) ON DELETE CASCADE,
        prompt TEXT NOT NULL)""", """
      CREATE TABLE task_texts (
        task_id TEXT NOT NULL PRIMARY KEY REFERENCES tasks(task_id) ON DELETE CASCADE,
        output_tail TEXT NOT NULL,
        result TEXT)""", """
      CREATE TABLE task_output (
        task_id TEXT NOT NULL REFERENCES tasks(task_id) ON DELETE CASCADE,
        start_offset INTEGER NOT NULL,
        end_offset INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (task_id, start_offset))""",
      "ALTER TABLE tasks ADD COLUMN prompt_chars INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE tasks ADD COLUMN output_chars INTEGER NOT NULL DEFAULT 0",
      "ALTER TABLE tasks ADD COLUMN output_dropped INTEGER NOT NULL DEFAULT 0");

  static final List<List<String>> STEPS = List.of(V1, V2, V3, V4);

  static int latest() { return STEPS.size(); }

  /** Brings the database up to {@link #latest()}, one transaction per step; the version reached. */
  static Future<Integer> apply(Pool writes, String where) {
    return Sql.userVersion(writes).compose(found -> {
      if (found > latest()) {
        return Future.failedFuture(new IllegalStateException("database " + where + " has schema version " + found
            + ", newer than this PoCo supports (" + latest() + "); run a newer PoCo or point "
            + "POCO_STATE_DB_PATH at another file"));
      }
      return from(writes, found, where);
    });
  }

  private static Future<Integer> from(Pool writes, int version, String where) {
    if (version >= latest()) return Future.succeededFuture(version);
    int next = version + 1;
    return Sql.inImmediateTx(writes, conn -> Sql.userVersion(conn)
            // Another process may have migrated between our read and our lock.
            .compose(now -> now >= next ? Future.<Void>succeededFuture() : step(conn, STEPS.get(version), 0)
                .compose(v -> Sql.run(conn, "PRAGMA user_version = " + next))))
        .onSuccess(v -> log.info("store schema of {} now at version {}", where, next))
        .compose(v -> from(writes, next, where));
  }

  private static Future<Void> step(SqlConnection conn, List<String> statements, int i) {
    if (i == statements.size()) return Future.succeededFuture();
    return Sql.run(conn, statements.get(i)).compose(v -> step(conn, statements, i + 1));
  }
}
