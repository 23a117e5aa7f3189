package dev.poco.gatewaykit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * A sliding-window call budget: at most {@code limit} calls start in any {@code windowMs}; a call over it waits (in
 * arrival order), never fails. Feishu uses it app-wide (50/s per app, feishu.md §2, §11.5) and per CardKit card entity
 * (10 operations/s, §11.5); Slack for the stream methods' per-workspace tiers shared by every stream (slack.md §10.5).
 * A waiter is resumed on the Vert.x context it asked from, so a caller's state stays on its own context. Thread-safe.
 */
public final class CallBudget {
  private final Vertx vertx;
  private final int limit;
  private final long windowMs;
  private final ArrayDeque<Long> started = new ArrayDeque<>();
  private final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
  private long timer = -1;
  private long waited;

  private record Waiter(Context context, Promise<Void> promise) {}

  public CallBudget(Vertx vertx, int limit, long windowMs) {
    this.vertx = vertx;
    this.limit = Math.max(1, limit);
    this.windowMs = Math.max(1, windowMs);
  }

  /** Completes when the call may start (at once while the window has room). */
  public Future<Void> acquire() {
    synchronized (this) {
      long now = now();
      prune(now);
      if (waiting.isEmpty() && started.size() < limit) {
        started.addLast(now);
        return Future.succeededFuture();
      }
      waited++;
      Promise<Void> p = Promise.promise();
      waiting.addLast(new Waiter(Vertx.currentContext(), p));
      arm(now);
      return p.future();
    }
  }

  /** Calls that had to wait for room. */
  public synchronized long waited() { return waited; }

  private void arm(long now) {
    if (timer >= 0 || waiting.isEmpty()) return;
    long wait = started.size() < limit ? 1 : Math.max(1, started.peekFirst() + windowMs - now);
    timer = vertx.setTimer(wait, id -> drain());
  }

  private void drain() {
    List<Waiter> ready = new ArrayList<>();
    synchronized (this) {
      timer = -1;
      long now = now();
      prune(now);
      while (!waiting.isEmpty() && started.size() < limit) {
        started.addLast(now);
        ready.add(waiting.pollFirst());
      }
      arm(now);
    }
    for (Waiter w : ready) {
      if (w.context() == null || w.context() == Vertx.currentContext()) w.promise().complete();
      else w.context().runOnContext(v -> w.promise().complete());
    }
  }

  private void prune(long now) {
    while (!started.isEmpty() && started.peekFirst() <= now - windowMs) started.pollFirst();
  }

  private static long now() { return System.nanoTime() / 1_000_000; }
}
