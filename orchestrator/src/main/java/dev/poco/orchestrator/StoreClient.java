package dev.poco.orchestrator;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Failures;
import dev.poco.contract.Jsons;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.Workspace;
import dev.poco.runtime.InFlight;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Typed calls to the store over the event bus (see {@link StoreOp}).
 *
 * <p>Built with a {@link Vertx}, a call rides out a store restart: while nobody serves the store (NO_HANDLERS), the
 * store node left (via {@link InFlight}), a reply timed out or the store is stopping, it is retried with backoff
 * for up to {@link #RETRY_FOR_MS}. A retried write may already have been applied by the attempt that got no answer,
 * so every write is idempotent (upserts by key) and each call reads a replay's answer as the first attempt's would
 * have been (a project that "already exists" is ours, an event key already "seen" was seen by us). Saves of one task,
 * and writes of one project, go in order ({@link OrderedWrites}), so retries never store an older state last.
 * Built with only an {@link EventBus}, a call is one attempt.
 */
public final class StoreClient {
  private static final Logger log = LoggerFactory.getLogger(StoreClient.class);
  /** How long a call keeps trying while the store is away: a store node restarts well inside this. */
  public static final long RETRY_FOR_MS = Bus.STORE_RETRY_FOR_MS;
  /** Per-attempt timeout while the store is away: a stale route to the dead node must not eat the whole bound. */
  static final long AWAY_TIMEOUT_MS = 2_000;
  static final long MAX_BACKOFF_MS = 500;

  private final Vertx vertx;
  private final EventBus bus;
  private final InFlight inFlight;
  private final long retryForMs;
  private final OrderedWrites ordered = new OrderedWrites();
  /** The node that answered last; null while unknown or away. */
  private volatile String storeNode;
  /** When the store was first found away, 0 while it answers. */
  private volatile long awaySince;

  /** One attempt per call: for tests and tools that talk to a store in the same JVM. */
  public StoreClient(EventBus bus) {
    this.vertx = null;
    this.bus = bus;
    this.inFlight = null;
    this.retryForMs = 0;
  }

  /** Retrying calls; {@code inFlight} (may be null) must be told when nodes leave. */
  public StoreClient(Vertx vertx, InFlight inFlight) { this(vertx, inFlight, RETRY_FOR_MS); }

  public StoreClient(Vertx vertx, InFlight inFlight, long retryForMs) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.inFlight = inFlight;
    this.retryForMs = retryForMs;
  }

  /** The store's cluster node as last seen, or null. */
  public String storeNode() { return storeNode; }

  /** One call and whether an attempt that got no answer may have been applied before the one that answered. */
  private final class Call {
    final StoreOp op;
    final JsonObject body;
    final long deadline;
    boolean maybeApplied;
    int attempts;

    Call(StoreOp op, JsonObject body) {
      this.op = op;
      this.body = body;
      this.deadline = System.currentTimeMillis() + retryForMs;
    }

    Future<JsonObject> run() {
      String node = storeNode;
      if (node != null && inFlight != null && inFlight.hasLeft(node)) {
        storeNode = node = null; // it left while no call was in flight: whoever serves now is new
      }
      long timeout = attempts > 0 && node == null ? AWAY_TIMEOUT_MS : Bus.TIMEOUT_MS;
      attempts++;
      Future<Message<JsonObject>> sent = bus.request(op.address(), body, Bus.options(timeout));
      if (inFlight != null) sent = inFlight.track(node, sent);
      return sent.transform(ar -> {
        if (ar.succeeded()) {
          String from = ar.result().headers().get(StoreOp.NODE_HEADER);
          if (from != null) storeNode = from;
          back();
          return Future.succeededFuture(ar.result().body());
        }
        Throwable err = ar.cause();
        long now = System.currentTimeMillis();
        if (vertx == null || !retryable(err) || now >= deadline) return Future.failedFuture(err);
        if (mayHaveArrived(err)) maybeApplied = true;
        away(op, err, now);
        long delay = Math.min(Math.min(MAX_BACKOFF_MS, 25L << Math.min(attempts, 5)), Math.max(1, deadline - now));
        Promise<JsonObject> next = Promise.promise();
        vertx.setTimer(delay, t -> run().onComplete(next));
        return next.future();
      });
    }
  }

  private void away(StoreOp op, Throwable err, long now) {
    storeNode = null;
    if (awaySince == 0) {
      awaySince = now;
      log.warn("store unavailable ({} on {}): retrying store calls for up to {} s", err.getMessage(), op.wire,
          retryForMs / 1000);
    }
  }

  private void back() {
    long since = awaySince;
    if (since != 0) {
      awaySince = 0;
      log.info("store answers again after {} ms (node {})", System.currentTimeMillis() - since, storeNode);
    }
  }

  /** Worth another attempt: nobody served it, the server left or timed out, or the store is stopping. */
  static boolean retryable(Throwable err) {
    if (InFlight.isNodeLost(err)) return true;
    if (!(err instanceof ReplyException re)) return false;
    return switch (re.failureType()) {
      case NO_HANDLERS, TIMEOUT, ERROR -> true;
      case RECIPIENT_FAILURE -> re.failureCode() == Failures.UNAVAILABLE;
    };
  }

  /** The request may have reached a store that applied it: only NO_HANDLERS and "stopping" say it did not. */
  private static boolean mayHaveArrived(Throwable err) {
    return !(err instanceof ReplyException re) || InFlight.isNodeLost(err)
        || re.failureType() == ReplyFailure.TIMEOUT
        || re.failureType() == ReplyFailure.ERROR;
  }

  private Future<JsonObject> call(StoreOp op, JsonObject body) { return new Call(op, body).run(); }

  /** A write of {@code key}'s rows, after the earlier ones of that key. */
  private Future<Void> ordered(String key, boolean collapse, Supplier<Future<?>> write) {
    return ordered.write(key, collapse, () -> write.get().mapEmpty());
  }

  private Future<Void> projectWrite(String projectId, StoreOp op, JsonObject body) {
    return ordered("project:" + projectId, false, () -> call(op, body));
  }

  public Future<JsonObject> info() { return call(StoreOp.INFO, new JsonObject()); }

  /** A replay of a create that was applied but not answered finds its own project: that is the answer. */
  public Future<Project> createProject(Project p) { return createProject(p, null); }

  /** As {@link #createProject(Project)}, marking the platform event {@code eventKey} (may be null) in the same transaction. */
  public Future<Project> createProject(Project p, String eventKey) {
    JsonObject body = new JsonObject().put("project", p.toJson());
    if (eventKey != null) body.put("event_key", eventKey);
    Call c = new Call(StoreOp.PROJECT_CREATE, body);
    return c.run().map(Project::fromJson).recover(err -> c.maybeApplied && Bus.code(err) == Failures.CONFLICT
        ? project(p.projectId()).recover(e -> Future.failedFuture(err))
        : Future.failedFuture(err));
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
    Call c = new Call(StoreOp.PROJECT_DELETE, new JsonObject().put("project_id", projectId));
    Promise<Boolean> deleted = Promise.promise();
    ordered("project:" + projectId, false, () -> c.run()
        .onSuccess(j -> deleted.tryComplete(j.getBoolean("deleted", false) || c.maybeApplied)))
        .onFailure(deleted::tryFail);
    return deleted.future();
  }

  public Future<Void> pinProject(String projectId, String runnerId) {
    return projectWrite(projectId, StoreOp.PROJECT_PIN,
        new JsonObject().put("project_id", projectId).put("runner_id", runnerId));
  }

  public Future<Void> saveWorkspace(Workspace w) {
    return projectWrite(w.projectId(), StoreOp.WORKSPACE_SAVE, new JsonObject().put("workspace", w.toJson()));
  }

  public Future<Void> saveBinding(ChatBinding b) {
    return projectWrite(b.projectId(), StoreOp.BINDING_SAVE, new JsonObject().put("binding", b.toJson()));
  }

  public Future<Void> saveSession(AgentSession s) {
    return projectWrite(s.projectId(), StoreOp.SESSION_SAVE, new JsonObject().put("session", s.toJson()));
  }

  public Future<Void> deleteSession(String projectId, String backend) {
    return projectWrite(projectId, StoreOp.SESSION_DELETE,
        new JsonObject().put("project_id", projectId).put("backend", backend));
  }

  public Future<Void> savePreset(DirPreset p) {
    return projectWrite(p.projectId(), StoreOp.PRESET_SAVE, new JsonObject().put("preset", p.toJson()));
  }

  public Future<Void> deletePreset(String projectId, String path) {
    return projectWrite(projectId, StoreOp.PRESET_DELETE, new JsonObject().put("project_id", projectId).put("path", path));
  }

  public Future<Void> touchRecentDir(String projectId, String path) {
    return projectWrite(projectId, StoreOp.RECENT_TOUCH, new JsonObject().put("project_id", projectId).put("path", path));
  }

  /** Whole-row upsert: saves of one task go in order, and one still queued gives way to a newer. */
  public Future<Void> saveTask(Task t) { return saveTask(t, null); }

  /** A task's save that also marks {@code eventKey} (may be null) in the same transaction: see TASK_SAVE. */
  public Future<Void> saveTask(Task t, String eventKey) {
    JsonObject body = new JsonObject().put("task", t.toJson());
    if (eventKey != null) body.put("event_key", eventKey);
    return ordered("task:" + t.taskId(), true, () -> call(StoreOp.TASK_SAVE, body));
  }

  /**
   * One piece of a task's full output at its offset. Pieces need no order (each has its place, and a replay rewrites
   * the same text there), so many go at once and the store commits them together.
   */
  public Future<Void> appendOutput(String taskId, long offset, String text) {
    return call(StoreOp.TASK_OUTPUT_APPEND, new JsonObject().put("task_id", taskId).put("offset", offset)
        .put("text", text)).mapEmpty();
  }

  /** A page of a task's stored output: {text, offset, next_offset, stored_chars}. */
  public Future<JsonObject> outputPage(String taskId, long offset, int limit) {
    return call(StoreOp.TASK_OUTPUT_PAGE, new JsonObject().put("task_id", taskId).put("offset", offset)
        .put("limit", limit));
  }

  public Future<Task> task(String taskId) {
    return call(StoreOp.TASK_GET, new JsonObject().put("task_id", taskId)).map(Task::fromJson);
  }

  public Future<List<Task>> tasks(TaskQuery q) {
    return call(StoreOp.TASK_LIST, q.toJson()).map(j -> Jsons.list(j, "tasks", Task::fromJson));
  }

  /**
   * True the first time {@code key} is seen: the caller acts only then. When an attempt that got no answer may
   * have marked it, "already seen" is our own mark: acting on it again beats dropping the message.
   */
  /** Whether {@code key} was marked, by {@link #markEvent} or with a task's save. */
  public Future<Boolean> eventSeen(String key) {
    return call(StoreOp.EVENT_CHECK, new JsonObject().put("key", key)).map(j -> j.getBoolean("seen", false));
  }

  public Future<Boolean> markEvent(String key) {
    Call c = new Call(StoreOp.EVENT_MARK, new JsonObject().put("key", key));
    return c.run().map(j -> j.getBoolean("fresh", false) || c.maybeApplied);
  }

  public Future<List<AccessEntry>> accessList() {
    return call(StoreOp.ACCESS_LIST, new JsonObject()).map(j -> Jsons.list(j, "entries", AccessEntry::fromJson));
  }

  public Future<Boolean> addAccess(AccessEntry e) {
    Call c = new Call(StoreOp.ACCESS_ADD, new JsonObject().put("entry", e.toJson()));
    return c.run().map(j -> j.getBoolean("added", false) || c.maybeApplied);
  }

  public Future<Boolean> removeAccess(String platform, String userId) {
    Call c = new Call(StoreOp.ACCESS_REMOVE, new JsonObject().put("platform", platform).put("user_id", userId));
    return c.run().map(j -> j.getBoolean("removed", false) || c.maybeApplied);
  }
}
