package dev.poco.store;

import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Failures;
import dev.poco.contract.Project;
import dev.poco.contract.Workspace;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Projects as whole aggregates: create, read (one statement, so one snapshot), list, pin, delete. */
final class ProjectRows {
  private ProjectRows() {}

  // Each part comes back as JSON built by SQLite, so a project is one round trip to the read pool.
  private static final String SELECT = """
      SELECT p.project_id, p.name, p.owner_platform, p.owner_user_id, p.runner_id, p.created_at, p.updated_at,
        (SELECT json_object('project_id', w.project_id, 'workdir', w.workdir, 'workdir_source', w.workdir_source,
            'backend', w.backend, 'settings', json(w.settings_json))
          FROM workspaces w WHERE w.project_id = p.project_id) AS workspace,
        (SELECT json_group_array(json_object('platform', b.platform, 'chat_id', b.chat_id,
            'project_id', b.project_id, 'workspace_message_id', b.workspace_message_id) ORDER BY b.rowid)
          FROM chat_bindings b WHERE b.project_id = p.project_id) AS bindings,
        (SELECT json_group_array(json_object('project_id', s.project_id, 'backend', s.backend,
            'session_id', s.session_id, 'workdir', s.workdir, 'runner_id', s.runner_id, 'updated_at', s.updated_at)
            ORDER BY s.backend)
          FROM sessions s WHERE s.project_id = p.project_id) AS sessions,
        (SELECT json_group_array(json_object('project_id', d.project_id, 'label', d.label, 'path', d.path)
            ORDER BY d.rowid)
          FROM dir_presets d WHERE d.project_id = p.project_id) AS presets,
        (SELECT json_group_array(r.path ORDER BY r.used_at DESC)
          FROM recent_dirs r WHERE r.project_id = p.project_id) AS recent_dirs
      FROM projects p""";

  static Future<JsonObject> get(Pool reads, String projectId) {
    return one(reads.preparedQuery(SELECT + " WHERE p.project_id = ?").execute(Tuple.of(projectId)),
        "no project '" + projectId + "'");
  }

  static Future<JsonObject> byChat(Pool reads, String platform, String chatId) {
    String sql = SELECT
        + " WHERE p.project_id = (SELECT project_id FROM chat_bindings WHERE platform = ? AND chat_id = ?)";
    return one(reads.preparedQuery(sql).execute(Tuple.of(platform, chatId)),
        "no project bound to " + platform + " chat '" + chatId + "'");
  }

  static Future<JsonObject> list(Pool reads) {
    return reads.query(SELECT + " ORDER BY p.created_at, p.rowid").execute().map(rows -> {
      JsonArray out = new JsonArray();
      for (Row r : rows) out.add(toJson(r));
      return new JsonObject().put("projects", out);
    });
  }

  private static Future<JsonObject> one(Future<RowSet<Row>> rows, String missing) {
    return rows.compose(rs -> rs.size() == 0
        ? Future.failedFuture(Bus.error(Failures.NOT_FOUND, missing))
        : Future.succeededFuture(toJson(rs.iterator().next())));
  }

  private static JsonObject toJson(Row r) {
    String ws = r.getString("workspace");
    JsonObject j = new JsonObject().put("project_id", r.getString("project_id")).put("name", r.getString("name"))
        .put("owner_platform", r.getString("owner_platform")).put("owner_user_id", r.getString("owner_user_id"))
        .put("runner_id", r.getString("runner_id")).put("created_at", r.getLong("created_at"))
        .put("updated_at", r.getLong("updated_at")).put("workspace", ws == null ? null : new JsonObject(ws))
        .put("bindings", new JsonArray(r.getString("bindings")))
        .put("sessions", new JsonArray(r.getString("sessions")))
        .put("presets", new JsonArray(r.getString("presets")))
        .put("recent_dirs", new JsonArray(r.getString("recent_dirs")));
    // Through the record, so times leave as ISO-8601 exactly as every other Project on the bus.
    return Project.fromJson(j).toJson();
  }

  /** Inserts the project with everything it carries, or nothing: a chat bound elsewhere fails with 409. */
  static Write create(Project given, long now) {
    Project p = normalized(given, now);
    return new Write.Unit(conn -> chatsFree(conn, p).compose(v -> insert(conn, p)).map(v -> p.toJson()),
        err -> createConflict(p.projectId(), err));
  }

  /**
   * A project's creation together with the mark of the platform event (a card action) that asked for it: both or
   * neither, so a redelivery after a restart finds the event handled, and one after a failure creates it once. A key
   * already marked without this project means the event was handled already (CONFLICT, nothing written).
   */
  static Write createMarking(Project given, String eventKey, long now) {
    Project p = normalized(given, now);
    return new Write.Unit(conn -> conn.preparedQuery("INSERT OR IGNORE INTO processed_events (key, seen_at) VALUES (?, ?)")
        .execute(Tuple.of(eventKey, now))
        .compose(marked -> marked.rowCount() > 0 ? Future.succeededFuture(true)
            : conn.preparedQuery("SELECT 1 FROM projects WHERE project_id = ?").execute(Tuple.of(p.projectId()))
                .map(rows -> rows.size() > 0))
        .compose(ours -> ours ? chatsFree(conn, p).compose(v -> insert(conn, p)).map(v -> p.toJson())
            : Future.failedFuture(Bus.error(Failures.CONFLICT, "event '" + eventKey
                + "' was already handled; project " + p.projectId() + " was not stored"))),
        err -> createConflict(p.projectId(), err));
  }

  private static Throwable createConflict(String projectId, Throwable err) {
    if (!SqlErrors.duplicate(err)) return err;
    if (String.valueOf(err.getMessage()).contains("projects.project_id")) {
      return Bus.error(Failures.CONFLICT, "project '" + projectId + "' already exists");
    }
    return Bus.error(Failures.CONFLICT, "project '" + projectId + "' lists a chat, session or dir twice");
  }

  static Write delete(String projectId) {
    return Write.counted("DELETE FROM projects WHERE project_id = ?", Tuple.of(projectId),
        n -> new JsonObject().put("deleted", n > 0));
  }

  static Write pin(String projectId, String runnerId, long now) {
    return Write.counted("UPDATE projects SET runner_id = ?, updated_at = ? WHERE project_id = ?",
        Sql.args(runnerId, now, projectId), n -> {
          if (n == 0) throw Bus.error(Failures.NOT_FOUND, "no project '" + projectId + "'");
          return new JsonObject();
        });
  }

  private static Project normalized(Project p, long now) {
    String id = p.projectId();
    long created = p.createdAt() == 0 ? now : p.createdAt();
    Workspace w = p.workspace() == null ? null
        : new Workspace(id, p.workspace().workdir(), p.workspace().workdirSource(), p.workspace().backend(),
            p.workspace().settings());
    List<ChatBinding> bindings = new ArrayList<>();
    for (ChatBinding b : p.bindings()) {
      bindings.add(new ChatBinding(b.platform(), b.chatId(), id, b.workspaceMessageId()));
    }
    List<AgentSession> sessions = new ArrayList<>();
    for (AgentSession s : p.sessions()) {
      sessions.add(new AgentSession(id, s.backend(), s.sessionId(), s.workdir(), s.runnerId(),
          s.updatedAt() == 0 ? created : s.updatedAt()));
    }
    List<DirPreset> presets = new ArrayList<>();
    for (DirPreset d : p.presets()) presets.add(new DirPreset(id, d.label(), d.path()));
    return new Project(id, p.name(), p.ownerPlatform(), p.ownerUserId(), created,
        p.updatedAt() == 0 ? created : p.updatedAt(), p.runnerId(), w, bindings, sessions, presets, p.recentDirs());
  }

  private static Future<Void> chatsFree(SqlConnection conn, Project p) {
    if (p.bindings().isEmpty()) return Future.succeededFuture();
    List<Object> args = new ArrayList<>();
    List<String> terms = new ArrayList<>();
    for (ChatBinding b : p.bindings()) {
      terms.add("(platform = ? AND chat_id = ?)");
      args.add(b.platform());
      args.add(b.chatId());
    }
    String sql = "SELECT platform, chat_id, project_id FROM chat_bindings WHERE " + String.join(" OR ", terms);
    return conn.preparedQuery(sql).execute(Tuple.wrap(args)).compose(rows -> {
      if (rows.size() == 0) return Future.succeededFuture();
      Row r = rows.iterator().next();
      return Future.failedFuture(Bus.error(Failures.CONFLICT, r.getString("platform") + " chat '"
          + r.getString("chat_id") + "' is already bound to project '" + r.getString("project_id") + "'"));
    });
  }

  private static Future<Void> insert(SqlConnection conn, Project p) {
    String id = p.projectId();
    Future<Void> done = conn.preparedQuery("""
            INSERT INTO projects (project_id, name, owner_platform, owner_user_id, runner_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?)""")
        .execute(Sql.args(id, p.name(), p.ownerPlatform(), p.ownerUserId(), p.runnerId(), p.createdAt(), p.updatedAt()))
        .mapEmpty();
    if (p.workspace() != null) {
      Tuple ws = ProjectParts.workspaceArgs(p.workspace());
      done = done.compose(v -> conn.preparedQuery(ProjectParts.WORKSPACE_UPSERT).execute(ws).mapEmpty());
    }
    List<Tuple> recent = new ArrayList<>();
    for (int i = 0; i < p.recentDirs().size(); i++) recent.add(Sql.args(id, p.recentDirs().get(i), p.createdAt() - i));
    return done
        .compose(v -> Sql.batch(conn, ProjectParts.BINDING_UPSERT, rows(p.bindings(), ProjectParts::bindingArgs)))
        .compose(v -> Sql.batch(conn, ProjectParts.SESSION_UPSERT, rows(p.sessions(), ProjectParts::sessionArgs)))
        .compose(v -> Sql.batch(conn, ProjectParts.PRESET_UPSERT, rows(p.presets(), ProjectParts::presetArgs)))
        .compose(v -> Sql.batch(conn, ProjectParts.RECENT_UPSERT, recent));
  }

  private static <T> List<Tuple> rows(List<T> items, Function<T, Tuple> args) {
    List<Tuple> out = new ArrayList<>(items.size());
    for (T t : items) out.add(args.apply(t));
    return out;
  }
}
