package dev.poco.orchestrator;

import dev.poco.contract.Task;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the engine's task states reach the store: a new task's first write (carrying the platform event it came
 * from), state writes retried by the flush tick when they fail ("dirty"), and final states written until they
 * stick. Event loop only, no locks.
 */
final class TaskSaves {
  private static final Logger log = LoggerFactory.getLogger(TaskSaves.class);

  private final Vertx vertx;
  private final StoreClient store;
  /** The engine's live copy of a task (null once forgotten): a retry only writes a state still current. */
  private final Function<String, Task> live;
  /** Tasks whose newest state is not yet in the store; written by {@link #flushDirty()}. */
  private final Set<String> dirty = new LinkedHashSet<>();
  /** The write that made a task's newest state durable, taken by submit so its reply waits for it. */
  private final Map<String, Future<Void>> firstSave = new HashMap<>();
  /** The platform event a new task came from, marked in the store by the task's first save (same transaction). */
  private final Map<String, String> eventKeys = new HashMap<>();
  /** Final states being written: a runner's FINISHED is acknowledged once its task's is durable. */
  private final Map<String, Future<Void>> finalSaves = new HashMap<>();
  /**
   * New tasks whose first save is not yet confirmed: no other write may store them first (a card binding, live
   * output), or a task whose first save is lost would exist without its event mark and run twice.
   */
  private final Set<String> unsaved = new java.util.HashSet<>();

  TaskSaves(Vertx vertx, StoreClient store, Function<String, Task> live) {
    this.vertx = vertx;
    this.store = store;
    this.live = live;
  }

  // ---- first save ----

  /** The task's first save is to mark {@code eventKey} (may be null) in the same transaction. */
  void markEvent(String taskId, String eventKey) {
    if (eventKey != null) eventKeys.put(taskId, eventKey);
  }

  /** A new task: nothing but its first save may write it until {@link #firstDone}. */
  void begin(String taskId) { unsaved.add(taskId); }

  /** The task's first save is settled (stored, or failed and the task dropped). */
  void firstDone(String taskId) { unsaved.remove(taskId); }

  /** True until the task's first save is confirmed. */
  boolean unsaved(String taskId) { return unsaved.contains(taskId); }

  /** True while the task's first save still has an event to mark. */
  boolean fromEvent(String taskId) { return eventKeys.containsKey(taskId); }

  void dropEvent(String taskId) { eventKeys.remove(taskId); }

  /** A task's first write, carrying the event it came from when there is one. */
  Future<Void> saveFirst(Task t) {
    return store.saveTask(t, eventKeys.remove(t.taskId()));
  }

  /** Keeps the write that made the task's state durable, for submit to wait on. */
  void holdFirst(String taskId, Future<Void> saved) { firstSave.put(taskId, saved); }

  /** The write kept by {@link #holdFirst}, or null; taken. */
  Future<Void> takeFirst(String taskId) { return firstSave.remove(taskId); }

  // ---- state writes ----

  /** Writes the task's state; when that fails, the flush tick writes its newest state later. */
  void save(Task t) {
    store.saveTask(t).onFailure(err -> dirty.add(t.taskId()));
  }

  /** The task's newest state is to be written by the next flush tick. */
  void markDirty(String taskId) { dirty.add(taskId); }

  /** Writes the newest state of unfinished tasks marked dirty; failures stay marked. */
  void flushDirty() {
    if (dirty.isEmpty()) return;
    List<String> ids = new ArrayList<>(dirty);
    dirty.clear();
    for (String id : ids) {
      Task t = live.apply(id);
      if (unsaved.contains(id)) dirty.add(id); // after its first save, never before
      else if (t != null && !t.status().terminal()) store.saveTask(t).onFailure(err -> dirty.add(id));
    }
  }

  // ---- final states ----

  /** A final state is being written: until the returned promise completes, {@link #finalSave} waits for it. */
  Promise<Void> finalStarted(String taskId) {
    dirty.remove(taskId);
    Promise<Void> stored = Promise.promise();
    finalSaves.put(taskId, stored.future());
    stored.future().onComplete(x -> finalSaves.remove(taskId, stored.future()));
    return stored;
  }

  /** Completes once the task's final state being written is durable (at once when none is). */
  Future<Void> finalSave(String taskId) {
    Future<Void> f = finalSaves.get(taskId);
    return f != null ? f : Future.succeededFuture();
  }

  /**
   * Writes a final state until it sticks; {@code stored} completes then (after {@code durable} ran), or when a newer
   * state replaced it.
   */
  void persistFinal(Task done, Promise<Void> stored, Consumer<Task> durable) {
    store.saveTask(done).onComplete(ar -> {
      if (ar.failed()) {
        log.warn("could not store the final state of {} ({}); retrying", done.taskId(), ar.cause().getMessage());
        vertx.setTimer(1_000, x -> {
          if (live.apply(done.taskId()) == done) persistFinal(done, stored, durable);
          else stored.tryComplete();
        });
        return;
      }
      durable.accept(done);
      stored.tryComplete();
    });
  }

  /** Drops what is pending for a task the engine forgets. */
  void forget(String taskId) {
    firstSave.remove(taskId);
    unsaved.remove(taskId);
    dirty.remove(taskId);
  }
}
