package dev.poco.orchestrator;

import dev.poco.contract.Task;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Callers waiting for a task to end (the demo API's await): woken once its final state is durable. Event loop only. */
final class TaskWaiters {
  private final Vertx vertx;
  private final StoreClient store;
  /** The engine's live copy of a task, or null once forgotten (then the store has its final state). */
  private final Function<String, Task> live;
  private final Map<String, List<Promise<Task>>> waiters = new HashMap<>();

  TaskWaiters(Vertx vertx, StoreClient store, Function<String, Task> live) {
    this.vertx = vertx;
    this.store = store;
    this.live = live;
  }

  /** Completes when the task is terminal and stored, or after {@code timeoutMs} with its state then. */
  Future<Task> await(String taskId, long timeoutMs) {
    Task t = live.apply(taskId);
    if (t == null) return store.task(taskId);
    if (t.status().terminal()) return Future.succeededFuture(t);
    Promise<Task> p = Promise.promise();
    waiters.computeIfAbsent(taskId, k -> new ArrayList<>()).add(p);
    long timer = vertx.setTimer(Math.max(1, timeoutMs), x -> {
      List<Promise<Task>> ws = waiters.get(taskId);
      if (ws != null) ws.remove(p);
      Task now = live.apply(taskId);
      if (now != null) p.tryComplete(now);
      else store.task(taskId).onComplete(p);
    });
    return p.future().onComplete(x -> vertx.cancelTimer(timer));
  }

  /** Completes every wait for the task with {@code t}. */
  void wake(Task t) {
    List<Promise<Task>> ws = waiters.remove(t.taskId());
    if (ws != null) ws.forEach(p -> p.tryComplete(t));
  }
}
