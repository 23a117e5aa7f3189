package dev.poco.store;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Jsons;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.Workspace;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Typed {@link StoreOp} requests for the store's tests: one attempt each, straight over the bus, answers read as
 * the store gives them. The store knows no role, so it does not use the orchestrator's retrying StoreClient.
 */
final class StoreTestClient {
  private final EventBus bus;

  StoreTestClient(EventBus bus) { this.bus = bus; }

  private Future<JsonObject> call(StoreOp op, JsonObject body) { return Bus.request(bus, op.address(), body); }

  Future<JsonObject> info() { return call(StoreOp.INFO, new JsonObject()); }

  Future<Project> createProject(Project p) {
    return call(StoreOp.PROJECT_CREATE, new JsonObject().put("project", p.toJson())).map(Project::fromJson);
  }

  Future<Project> project(String projectId) {
    return call(StoreOp.PROJECT_GET, new JsonObject().put("project_id", projectId)).map(Project::fromJson);
  }

  Future<Project> projectByChat(String platform, String chatId) {
    return call(StoreOp.PROJECT_BY_CHAT, new JsonObject().put("platform", platform).put("chat_id", chatId))
        .map(Project::fromJson);
  }

  Future<List<Project>> projects() {
    return call(StoreOp.PROJECT_LIST, new JsonObject()).map(j -> Jsons.list(j, "projects", Project::fromJson));
  }

  Future<Boolean> deleteProject(String projectId) {
    return call(StoreOp.PROJECT_DELETE, new JsonObject().put("project_id", projectId))
        .map(j -> j.getBoolean("deleted", false));
  }

  Future<Void> pinProject(String projectId, String runnerId) {
    return write(StoreOp.PROJECT_PIN, new JsonObject().put("project_id", projectId).put("runner_id", runnerId));
  }

  Future<Void> saveWorkspace(Workspace w) {
    return write(StoreOp.WORKSPACE_SAVE, new JsonObject().put("workspace", w.toJson()));
  }

  Future<Void> saveBinding(ChatBinding b) {
    return write(StoreOp.BINDING_SAVE, new JsonObject().put("binding", b.toJson()));
  }

  Future<Void> saveSession(AgentSession s) {
    return write(StoreOp.SESSION_SAVE, new JsonObject().put("session", s.toJson()));
  }

  Future<Void> deleteSession(String projectId, String backend) {
    return write(StoreOp.SESSION_DELETE, new JsonObject().put("project_id", projectId).put("backend", backend));
  }

  Future<Void> savePreset(DirPreset p) {
    return write(StoreOp.PRESET_SAVE, new JsonObject().put("preset", p.toJson()));
  }

  Future<Void> deletePreset(String projectId, String path) {
    return write(StoreOp.PRESET_DELETE, new JsonObject().put("project_id", projectId).put("path", path));
  }

  Future<Void> touchRecentDir(String projectId, String path) {
    return write(StoreOp.RECENT_TOUCH, new JsonObject().put("project_id", projectId).put("path", path));
  }

  Future<Void> saveTask(Task t) { return saveTask(t, null); }

  /** With {@code eventKey} (may be null) marked in the same transaction: see TASK_SAVE. */
  Future<Void> saveTask(Task t, String eventKey) {
    JsonObject body = new JsonObject().put("task", t.toJson());
    if (eventKey != null) body.put("event_key", eventKey);
    return write(StoreOp.TASK_SAVE, body);
  }

  Future<Void> appendOutput(String taskId, long offset, String text) {
    return write(StoreOp.TASK_OUTPUT_APPEND, new JsonObject().put("task_id", taskId).put("offset", offset)
        .put("text", text));
  }

  /** {text, offset, next_offset, stored_chars}. */
  Future<JsonObject> outputPage(String taskId, long offset, int limit) {
    return call(StoreOp.TASK_OUTPUT_PAGE, new JsonObject().put("task_id", taskId).put("offset", offset)
        .put("limit", limit));
  }

  Future<Task> task(String taskId) {
    return call(StoreOp.TASK_GET, new JsonObject().put("task_id", taskId)).map(Task::fromJson);
  }

  Future<List<Task>> tasks(TaskQuery q) {
    return call(StoreOp.TASK_LIST, q.toJson()).map(j -> Jsons.list(j, "tasks", Task::fromJson));
  }

  Future<Boolean> eventSeen(String key) {
    return call(StoreOp.EVENT_CHECK, new JsonObject().put("key", key)).map(j -> j.getBoolean("seen", false));
  }

  Future<Boolean> markEvent(String key) {
    return call(StoreOp.EVENT_MARK, new JsonObject().put("key", key)).map(j -> j.getBoolean("fresh", false));
  }

  Future<List<AccessEntry>> accessList() {
    return call(StoreOp.ACCESS_LIST, new JsonObject()).map(j -> Jsons.list(j, "entries", AccessEntry::fromJson));
  }

  Future<Boolean> addAccess(AccessEntry e) {
    return call(StoreOp.ACCESS_ADD, new JsonObject().put("entry", e.toJson())).map(j -> j.getBoolean("added", false));
  }

  Future<Boolean> removeAccess(String platform, String userId) {
    return call(StoreOp.ACCESS_REMOVE, new JsonObject().put("platform", platform).put("user_id", userId))
        .map(j -> j.getBoolean("removed", false));
  }

  private Future<Void> write(StoreOp op, JsonObject body) { return call(op, body).mapEmpty(); }
}
