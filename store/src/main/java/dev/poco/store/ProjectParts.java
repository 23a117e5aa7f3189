package dev.poco.store;

import dev.poco.contract.AgentSession;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Workspace;
import io.vertx.sqlclient.Tuple;

/** Upserts and deletes of what a project owns: workspace, chat bindings, sessions, dir presets, recent dirs. */
final class ProjectParts {
  private ProjectParts() {}

  static final String WORKSPACE_UPSERT = """
      INSERT INTO workspaces (project_id, workdir, workdir_source, backend, settings_json) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (project_id) DO UPDATE SET workdir = excluded.workdir, workdir_source = excluded.workdir_source,
        backend = excluded.backend, settings_json = excluded.settings_json""";
  static final String BINDING_UPSERT = """
      INSERT INTO chat_bindings (platform, chat_id, project_id, workspace_message_id) VALUES (?, ?, ?, ?)
      ON CONFLICT (platform, chat_id) DO UPDATE SET project_id = excluded.project_id,
        workspace_message_id = excluded.workspace_message_id""";
  static final String SESSION_UPSERT = """
      INSERT INTO sessions (project_id, backend, session_id, workdir, runner_id, updated_at) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (project_id, backend) DO UPDATE SET session_id = excluded.session_id, workdir = excluded.workdir,
        runner_id = excluded.runner_id, updated_at = excluded.updated_at""";
  static final String PRESET_UPSERT = """
      INSERT INTO dir_presets (project_id, path, label) VALUES (?, ?, ?)
      ON CONFLICT (project_id, path) DO UPDATE SET label = excluded.label""";
  static final String RECENT_UPSERT = """
      INSERT INTO recent_dirs (project_id, path, used_at) VALUES (?, ?, ?)
      ON CONFLICT (project_id, path) DO UPDATE SET used_at = excluded.used_at""";

  static Write saveWorkspace(Workspace w) {
    return Write.upsert(WORKSPACE_UPSERT, workspaceArgs(w), SqlErrors.projectMustExist(w.projectId()));
  }

  static Write saveBinding(ChatBinding b) {
    return Write.upsert(BINDING_UPSERT, bindingArgs(b), SqlErrors.projectMustExist(b.projectId()));
  }

  static Write saveSession(AgentSession s, long now) {
    AgentSession stamped = s.updatedAt() != 0 ? s
        : new AgentSession(s.projectId(), s.backend(), s.sessionId(), s.workdir(), s.runnerId(), now);
    return Write.upsert(SESSION_UPSERT, sessionArgs(stamped), SqlErrors.projectMustExist(s.projectId()));
  }

  static Write deleteSession(String projectId, String backend) {
    return Write.upsert("DELETE FROM sessions WHERE project_id = ? AND backend = ?", Tuple.of(projectId, backend),
        SqlErrors.asIs());
  }

  static Write savePreset(DirPreset p) {
    return Write.upsert(PRESET_UPSERT, presetArgs(p), SqlErrors.projectMustExist(p.projectId()));
  }

  static Write deletePreset(String projectId, String path) {
    return Write.upsert("DELETE FROM dir_presets WHERE project_id = ? AND path = ?", Tuple.of(projectId, path),
        SqlErrors.asIs());
  }

  /** {@code usedAt} must grow with every touch: the trigger keeps the ten newest by it. */
  static Write touchRecent(String projectId, String path, long usedAt) {
    return Write.upsert(RECENT_UPSERT, Sql.args(projectId, path, usedAt), SqlErrors.projectMustExist(projectId));
  }

  static Tuple workspaceArgs(Workspace w) {
    return Sql.args(w.projectId(), w.workdir(), w.workdirSource(), w.backend(), w.settings().encode());
  }

  static Tuple bindingArgs(ChatBinding b) {
    return Sql.args(b.platform(), b.chatId(), b.projectId(), b.workspaceMessageId());
  }

  static Tuple sessionArgs(AgentSession s) {
    return Sql.args(s.projectId(), s.backend(), s.sessionId(), s.workdir(), s.runnerId(), s.updatedAt());
  }

  static Tuple presetArgs(DirPreset p) {
    return Sql.args(p.projectId(), p.path(), p.label());
  }
}
