package dev.poco.contract;

/**
 * Store operations. Each is served request/reply by the store at {@code Addresses.STORE_PREFIX + wire}.
 * Bodies and replies are listed per operation; a missing row fails with {@link Failures#NOT_FOUND}.
 * The orchestrator's StoreClient wraps them in typed calls.
 */
public enum StoreOp {
  /** {} → {backend, path, schema_version, node_id (the store's cluster node, "local" when not clustered), ...}. */
  INFO("info"),
  /**
   * {project: Project with workspace and bindings, event_key?} → Project. A chat already bound fails with 409. With
   * event_key, the platform event that asked for it is marked in the same transaction; a key marked by another
   * delivery fails with 409 and stores nothing.
   */
  PROJECT_CREATE("project.create"),
  /** {project_id} → Project. */
  PROJECT_GET("project.get"),
  /** {platform, chat_id} → Project bound to that chat. */
  PROJECT_BY_CHAT("project.by_chat"),
  /** {} → {projects: [Project]}, oldest first. */
  PROJECT_LIST("project.list"),
  /** {project_id} → {deleted}. Deletes its workspace, bindings, sessions, presets, recent dirs and tasks. */
  PROJECT_DELETE("project.delete"),
  /** {project_id, runner_id} → {}. Pins (or, with null, unpins) the project to a runner. */
  PROJECT_PIN("project.pin"),
  /** {workspace: Workspace} → {}. */
  WORKSPACE_SAVE("workspace.save"),
  /** {binding: ChatBinding} → {}. Upsert by platform + chat id. */
  BINDING_SAVE("binding.save"),
  /** {session: AgentSession} → {}. Upsert by project + backend. */
  SESSION_SAVE("session.save"),
  /** {project_id, backend} → {}. */
  SESSION_DELETE("session.delete"),
  /** {preset: DirPreset} → {}. Upsert by project + path. */
  PRESET_SAVE("preset.save"),
  /** {project_id, path} → {}. */
  PRESET_DELETE("preset.delete"),
  /** {project_id, path} → {}. Moves the dir to the top of the project's recent dirs (keeps 10). */
  RECENT_TOUCH("recent.touch"),
  /**
   * {task: Task} → {}. Upsert by task id. A prompt longer than a summary is kept whole on the first save and
   * never replaced; the row keeps its summary, the output tail and the lengths. With {@code event_key} (the first
   * save of a task a platform event created) the key is marked in the same transaction: a key already marked by
   * another task fails it with CONFLICT and nothing is written, so an event creates at most one task.
   */
  TASK_SAVE("task.save"),
  /** {task_id} → Task with its whole prompt and its output tail. */
  TASK_GET("task.get"),
  /** TaskQuery → {tasks: [Task]}, newest first; each with summaries only (prompt, result, the output's last characters). */
  TASK_LIST("task.list"),
  /** {task_id, offset, text} → {}. Stores one piece of a task's full output (at most TaskText.CHUNK_CHARS) at offset; a replay overwrites it. */
  TASK_OUTPUT_APPEND("task.output.append"),
  /**
   * {task_id, offset, limit} → {text, offset, next_offset (null at the end), stored_chars}: the stored full output
   * from offset, at most limit (capped at TaskText.PAGE_MAX_CHARS) characters.
   */
  TASK_OUTPUT_PAGE("task.output.page"),
  /** {key} → {fresh}: true the first time a key (platform event id, card request id) is seen. */
  EVENT_MARK("event.mark"),
  /** {key} → {seen}: whether a key was marked (by EVENT_MARK or by a TASK_SAVE that carried it). */
  EVENT_CHECK("event.check"),
  /** {} → {entries: [AccessEntry]}. */
  ACCESS_LIST("access.list"),
  /** {entry: AccessEntry} → {added}. */
  ACCESS_ADD("access.add"),
  /** {platform, user_id} → {removed}. */
  ACCESS_REMOVE("access.remove");

  /** Reply header the store puts on every answer: its cluster node id, so requests to it fail when it leaves. */
  public static final String NODE_HEADER = "poco-store-node";

  public final String wire;

  StoreOp(String wire) { this.wire = wire; }

  public String address() { return Addresses.STORE_PREFIX + wire; }
}
