package dev.poco.gatewaykit;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Paces writes to cards to a platform's budgets (Feishu: 10 writes/s per card and 50/s per app; Slack: an edit
 * about every 3 s per message). Per key (a card): at most one emission per {@code minIntervalMs}, latest wins (an
 * item offered while one waits replaces it), and emissions are serialized (the next waits for the previous one's
 * future: one writer per card, which CardKit's increasing {@code sequence} needs). A must-show item is emitted as
 * soon as the key allows and is never lost: a newer item that replaces it inherits the must-show flag (newer state
 * supersedes, and it still must show). Across keys, an app-wide budget of {@code maxPerSecond} emissions in any
 * second delays emissions but never drops one; waiting must-show keys go first.
 *
 * <p>Runs on the Vert.x context it was created on, with timers only; calls from elsewhere hop onto it. The future
 * {@link #offer} returns completes when that item, or a newer one of the same key that replaced it, was emitted
 * and its emission succeeded, and fails when that emission failed: a gateway acks a render with it (shown, or
 * superseded by a newer version shown). A failed emission is not retried here (the orchestrator retries must-show
 * renders); the key's next held item still goes.
 *
 * @param <T> what is written (a render request, a card JSON)
 */
public final class CardPacer<T> {
  /** Writes one item of a key to the platform; the future completes when the platform has it (or refused it). */
  @FunctionalInterface
  public interface Emitter<T> {
    Future<Void> emit(String key, T item, boolean mustShow);
  }

  private final Vertx vertx;
  private final Context context;
  private final long minIntervalMs;
  private final int maxPerSecond;
  private final Emitter<T> emitter;

  private final Map<String, KeyState<T>> keys = new HashMap<>();
  /** Keys ready to emit but out of app-wide budget, in arrival order. */
  private final LinkedHashSet<String> waitingForBudget = new LinkedHashSet<>();
  /** Start times of the last {@code maxPerSecond} emissions, oldest first (a ring): a token comes back 1 s after use. */
  private final long[] recent;
  private int recentHead;
  private int recentCount;
  private long budgetTimer = -1;
  private boolean closed;

  private long emitted;
  private long coalesced;
  private long failed;
  private long secondStart = -1;
  private int inThisSecond;
  private int peakPerSecond;

  /**
   * @param minIntervalMs least time between two emissions of one key (0: only serialization coalesces)
   * @param maxPerSecond app-wide emissions in any second across all keys (0 or less: no budget)
   */
  public CardPacer(Vertx vertx, long minIntervalMs, int maxPerSecond, Emitter<T> emitter) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.minIntervalMs = Math.max(0, minIntervalMs);
    this.maxPerSecond = Math.max(0, maxPerSecond);
    this.recent = new long[Math.max(1, this.maxPerSecond)];
    this.emitter = emitter;
  }

  /** Per-key state: what waits, what is being written, when the last write started. */
  private static final class KeyState<T> {
    T held;
    boolean heldMustShow;
    List<Promise<Void>> heldWaiters = new ArrayList<>();
    boolean inFlight;
    long lastEmitAt = Long.MIN_VALUE / 2;
    long timer = -1;
    boolean inBudgetQueue;
  }

  /**
   * Offers the newest item of {@code key}. It replaces an item of that key still waiting (counted as coalesced);
   * {@code mustShow} is kept by whatever replaces a must-show item.
   *
   * @return completes when this item (or a newer one of the key that replaced it) was emitted and accepted
   */
  public Future<Void> offer(String key, T item, boolean mustShow) {
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      if (closed) {
        done.fail(new IllegalStateException("card pacer closed"));
        return;
      }
      KeyState<T> s = keys.computeIfAbsent(key, k -> new KeyState<>());
      if (s.held != null) coalesced++;
      s.held = item;
      s.heldMustShow |= mustShow;
      s.heldWaiters.add(done);
      schedule(key, s);
    });
    return done.future();
  }

  /**
   * Stops pacing (a gateway undeploying): cancels the timers and fails the offers still waiting, so their renders
   * are not acked and the orchestrator sends them again (to another instance). Writes in flight finish as they do.
   */
  public void close() {
    onContext(() -> {
      closed = true;
      if (budgetTimer >= 0) vertx.cancelTimer(budgetTimer);
      waitingForBudget.clear();
      IllegalStateException err = new IllegalStateException("card pacer closed");
      for (KeyState<T> s : keys.values()) {
        if (s.timer >= 0) vertx.cancelTimer(s.timer);
        for (Promise<Void> w : s.heldWaiters) w.tryFail(err);
        s.held = null;
        s.heldWaiters = new ArrayList<>();
      }
      keys.clear();
    });
  }

  private void schedule(String key, KeyState<T> s) {
    if (closed || s.held == null || s.inFlight || s.timer >= 0 || s.inBudgetQueue) return;
    long wait = s.lastEmitAt + minIntervalMs - now();
    if (wait > 0) {
      s.timer = vertx.setTimer(wait, id -> {
        s.timer = -1;
        schedule(key, s);
      });
      return;
    }
    if (!takeToken()) {
      s.inBudgetQueue = true;
      waitingForBudget.add(key);
      armBudgetTimer();
      return;
    }
    emit(key, s);
  }

  private void emit(String key, KeyState<T> s) {
    T item = s.held;
    boolean mustShow = s.heldMustShow;
    List<Promise<Void>> waiters = s.heldWaiters;
    s.held = null;
    s.heldMustShow = false;
    s.heldWaiters = new ArrayList<>();
    s.inFlight = true;
    long at = now();
    s.lastEmitAt = at;
    count(at);
    Future<Void> written;
    try {
      written = emitter.emit(key, item, mustShow);
    } catch (RuntimeException e) {
      written = Future.failedFuture(e);
    }
    if (written == null) written = Future.failedFuture(new IllegalStateException("emitter returned no future"));
    written.onComplete(ar -> onContext(() -> {
      s.inFlight = false;
      if (ar.failed()) failed++;
      for (Promise<Void> w : waiters) {
        if (ar.succeeded()) w.tryComplete();
        else w.tryFail(ar.cause());
      }
      if (s.held != null) schedule(key, s);
      else forgetWhenIdle(key, s);
    }));
  }

  /** A key with nothing to do is forgotten once its interval has passed (so the map stays small). */
  private void forgetWhenIdle(String key, KeyState<T> s) {
    long wait = s.lastEmitAt + minIntervalMs - now();
    if (wait <= 0) {
      keys.remove(key, s);
    } else if (s.timer < 0) {
      s.timer = vertx.setTimer(wait, id -> {
        s.timer = -1;
        if (s.held == null && !s.inFlight) keys.remove(key, s);
        else schedule(key, s);
      });
    }
  }

  // ---- app-wide budget: a token is used by an emission and comes back one second later ----

  private boolean takeToken() {
    if (maxPerSecond == 0) return true;
    long now = now();
    if (recentCount == maxPerSecond) {
      if (now - recent[recentHead] < 1000) return false;
      recentHead = (recentHead + 1) % maxPerSecond;
      recentCount--;
    }
    recent[(recentHead + recentCount) % maxPerSecond] = now;
    recentCount++;
    return true;
  }

  private void armBudgetTimer() {
    if (budgetTimer >= 0 || waitingForBudget.isEmpty()) return;
    long wait = recentCount < maxPerSecond ? 1 : Math.max(1, recent[recentHead] + 1000 - now());
    budgetTimer = vertx.setTimer(wait, id -> {
      budgetTimer = -1;
      drainBudgetQueue();
    });
  }

  private void drainBudgetQueue() {
    while (!waitingForBudget.isEmpty()) {
      String key = nextForBudget();
      if (!takeToken()) break;
      waitingForBudget.remove(key);
      KeyState<T> s = keys.get(key);
      if (s == null) continue;
      s.inBudgetQueue = false;
      if (s.held != null && !s.inFlight) emit(key, s);
    }
    armBudgetTimer();
  }

  /** The first waiting must-show key, else the key that waited longest. */
  private String nextForBudget() {
    Iterator<String> it = waitingForBudget.iterator();
    String first = it.next();
    for (String k = first; ; k = it.next()) {
      KeyState<T> s = keys.get(k);
      if (s != null && s.heldMustShow) return k;
      if (!it.hasNext()) return first;
    }
  }

  // ---- counters ----

  private void count(long at) {
    emitted++;
    long second = at / 1000;
    if (second != secondStart) {
      secondStart = second;
      inThisSecond = 0;
    }
    inThisSecond++;
    peakPerSecond = Math.max(peakPerSecond, inThisSecond);
  }

  /** Items handed to the emitter. */
  public long emitted() { return emitted; }

  /** Items replaced by a newer one of their key before they were emitted. */
  public long coalesced() { return coalesced; }

  /** Emissions whose future failed. */
  public long failed() { return failed; }

  /** The most emissions started within one calendar second. */
  public int peakPerSecond() { return peakPerSecond; }

  /** Keys with an item waiting, being written, or inside their interval. */
  public int activeKeys() { return keys.size(); }

  /** Keys ready but waiting for the app-wide budget. */
  public int waitingForBudget() { return waitingForBudget.size(); }

  private static long now() {
    return System.nanoTime() / 1_000_000;
  }

  private void onContext(Runnable r) {
    if (Vertx.currentContext() == context) r.run();
    else context.runOnContext(v -> r.run());
  }
}
