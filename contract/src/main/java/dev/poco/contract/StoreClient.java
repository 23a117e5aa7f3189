package dev.poco.contract;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Typed calls to the store over the event bus (see {@link StoreOp}). Holds no state but the bus. */
public final class StoreClient {
  private final EventBus bus;

  public StoreClient(EventBus bus) { this.bus = bus; }

  private Future<JsonObject> call(StoreOp op, JsonObject body) { return Bus.request(bus, op.address(), body); }

  public Future<JsonObject> info() { return call(StoreOp.INFO, new JsonObject()); }

  public Future<Project> createProject(Project p) {
    return call(StoreOp.PROJECT_CREATE, new JsonObject().put("project", p.toJson())).map(Project::fromJson);
  }

  public Future<Project> project(String projectId) {
    return call(StoreOp.PROJECT_GET, new JsonObject().put("project_id", projectId)).map(Project::fromJson);
  }

  /** The project bound to the chat; fails with 404 when none is. */
  public Future<Project> projectByChat(String platform, String chatId) {
    return call(StoreOp.PROJECT_BY_CHAT, new JsonObject().put("platform", platform).put("chat_id", chatId))
        .map(Project::fromJson);
  }

  public Future<List<Project>> projects() {
    return call(StoreOp.PROJECT_LIST, new JsonObject()).map(j -> Jsons.list(j, "projects", Project::fromJson));
  }

  public Future<Boolean> deleteProject(String projectId) {
    return call(StoreOp.PROJECT_DELETE, new JsonObject().put("project_id", projectId))
        .map(j -> j.getBoolean("deleted", false));
  }

  public Future<Void> pinProject(String projectId, String runnerId) {
    return call(StoreOp.PROJECT_PIN, new JsonObject().put("project_id", projectId).put("runner_id", runnerId))
        .mapEmpty();
  }

  public Future<Void> saveWorkspace(Workspace w) {
    return call(StoreOp.WORKSPACE_SAVE, new JsonObject().put("workspace", w.toJson())).mapEmpty();
  }

  public Future<Void> saveBinding(ChatBinding b) {
    return call(StoreOp.BINDING_SAVE, new JsonObject().put("binding", b.toJson())).mapEmpty();
  }

  public Future<Void> saveSession(AgentSession s) {
    return call(StoreOp.SESSION_SAVE, new JsonObject().put("session", s.toJson())).mapEmpty();
  }

  public Future<Void> deleteSession(String projectId, String backend) {
    return call(StoreOp.SESSION_DELETE, new JsonObject().put("project_id", projectId).put("backend", backend))
        .mapEmpty();
  }

  public Future<Void> savePreset(DirPreset p) {
    return call(StoreOp.PRESET_SAVE, new JsonObject().put("preset", p.toJson())).mapEmpty();
  }

  public Future<Void> deletePreset(String projectId, String path) {
    return call(StoreOp.PRESET_DELETE, new JsonObject().put("project_id", projectId).put("path", path)).mapEmpty();
  }

  public Future<Void> touchRecentDir(String projectId, String path) {
    return call(StoreOp.RECENT_TOUCH, new JsonObject().put("project_id", projectId).put("path", path)).mapEmpty();
  }

  public Future<Void> saveTask(Task t) {
    return call(StoreOp.TASK_SAVE, new JsonObject().put("task", t.toJson())).mapEmpty();
  }

  public Future<Task> task(String taskId) {
    return call(StoreOp.TASK_GET, new JsonObject().put("task_id", taskId)).map(Task::fromJson);
  }

  public Future<List<Task>> tasks(TaskQuery q) {
    return call(StoreOp.TASK_LIST, q.toJson()).map(j -> Jsons.list(j, "tasks", Task::fromJson));
  }

  /** True the first time {@code key} is seen: the caller acts only then. */
  public Future<Boolean> markEvent(String key) {
    return call(StoreOp.EVENT_MARK, new JsonObject().put("key", key)).map(j -> j.getBoolean("fresh", false));
  }

  public Future<List<AccessEntry>> accessList() {
    return call(StoreOp.ACCESS_LIST, new JsonObject()).map(j -> Jsons.list(j, "entries", AccessEntry::fromJson));
  }

  public Future<Boolean> addAccess(AccessEntry e) {
    return call(StoreOp.ACCESS_ADD, new JsonObject().put("entry", e.toJson())).map(j -> j.getBoolean("added", false));
  }

  public Future<Boolean> removeAccess(String platform, String userId) {
    return call(StoreOp.ACCESS_REMOVE, new JsonObject().put("platform", platform).put("user_id", userId))
        .map(j -> j.getBoolean("removed", false));
  }
}
