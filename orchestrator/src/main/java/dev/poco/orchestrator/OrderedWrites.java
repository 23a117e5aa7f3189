package dev.poco.orchestrator;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Writes of one key go one at a time, in the order they were asked for. Retried writes need this: two saves of the
 * same task, each retrying on its own across a store restart, could otherwise land newest-first and leave the older
 * state stored. A whole-row write ({@code collapse}) that is still queued is replaced by a newer one of its key, and
 * both callers complete when the newer is stored: while the store is away only the latest state waits.
 * Thread-safe.
 */
final class OrderedWrites {
  private static final class Queued {
    Supplier<Future<Void>> write;
    final boolean collapse;
    final List<Promise<Void>> waiters = new ArrayList<>();

    Queued(Supplier<Future<Void>> write, boolean collapse) {
      this.write = write;
      this.collapse = collapse;
    }
  }

  /** Per key: the writes not yet started. A key is present while one of its writes runs. */
  private final Map<String, ArrayDeque<Queued>> keys = new HashMap<>();

  Future<Void> write(String key, boolean collapse, Supplier<Future<Void>> write) {
    Promise<Void> p = Promise.promise();
    Queued start = null;
    synchronized (this) {
      ArrayDeque<Queued> queue = keys.get(key);
      if (queue == null) {
        keys.put(key, new ArrayDeque<>());
        start = new Queued(write, collapse);
        start.waiters.add(p);
      } else {
        Queued last = queue.peekLast();
        if (collapse && last != null && last.collapse) {
          last.write = write;
        } else {
          last = new Queued(write, collapse);
          queue.add(last);
        }
        last.waiters.add(p);
      }
    }
    if (start != null) run(key, start);
    return p.future();
  }

  /** Keys with a write running or queued. */
  synchronized int busyKeys() { return keys.size(); }

  private void run(String key, Queued q) {
    Future<Void> f;
    try {
      f = q.write.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> {
      Queued next;
      synchronized (this) {
        ArrayDeque<Queued> queue = keys.get(key);
        next = queue.poll();
        if (next == null) keys.remove(key);
      }
      for (Promise<Void> w : q.waiters) settle(w, ar);
      if (next != null) run(key, next);
    });
  }

  private static void settle(Promise<Void> p, AsyncResult<Void> ar) {
    if (ar.succeeded()) p.tryComplete();
    else p.tryFail(ar.cause());
  }
}
