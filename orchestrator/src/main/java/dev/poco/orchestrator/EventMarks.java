package dev.poco.orchestrator;

import dev.poco.contract.Reply;
import dev.poco.contract.View;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Platform deliveries handled once per event id, the store being the one record. An event is marked with its work,
 * never before it: a task's first save carries the key (one transaction), other work marks it once done. So a
 * redelivery after a failure runs again, and one after success gets a {@link Reply#duplicate} answer. Deliveries of
 * the same event at the same time wait for the first.
 */
final class EventMarks {
  private static final Logger log = LoggerFactory.getLogger(EventMarks.class);
  /** Recently handled keys, answered without asking the store. */
  private static final int RECENT = 10_000;

  /** The key of one delivery: work that stores a task claims it, to mark it in the task's own save. */
  static final class Mark {
    private final String key;
    private final boolean durable;
    private boolean claimed;

    private Mark(String key, boolean durable) {
      this.key = key;
      this.durable = durable;
    }

    /** The key for the task's first save (null when the store keeps no mark); the caller must save it with it. */
    String claim() {
      if (!durable) return null;
      claimed = true;
      return key;
    }
  }

  private final StoreClient store;
  private final Map<String, Future<Reply>> handling = new HashMap<>();
  private final Map<String, Boolean> handled = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) { return size() > RECENT; }
  };

  EventMarks(StoreClient store) { this.store = store; }

  /**
   * Runs {@code work} unless {@code key} was handled; {@code durable} false keeps the mark in memory only (the demo,
   * whose ids are fresh per request). A failed run leaves no mark.
   */
  Future<Reply> once(String key, boolean durable, Function<Mark, Future<Reply>> work) {
    if (handled.containsKey(key)) return Future.succeededFuture(duplicate());
    Future<Reply> first = handling.get(key);
    if (first != null) {
      return first.transform(ar -> ar.succeeded() ? Future.succeededFuture(duplicate()) : once(key, durable, work));
    }
    Promise<Reply> done = Promise.promise();
    handling.put(key, done.future());
    Future<Boolean> seen = durable ? store.eventSeen(key) : Future.succeededFuture(false);
    seen.compose(before -> {
      if (before) return Future.succeededFuture(duplicate());
      Mark mark = new Mark(key, durable);
      return work.apply(mark).compose(reply -> !durable || mark.claimed ? Future.succeededFuture(reply)
          : store.markEvent(key).map(reply).recover(err -> {
            // The work is done and answered; a redelivery would only repeat an answer, never a task.
            log.warn("could not mark event {} as handled: {}", key, err.getMessage());
            return Future.succeededFuture(reply);
          }));
    }).onComplete(ar -> {
      handling.remove(key);
      if (ar.succeeded()) handled.put(key, Boolean.TRUE);
      done.handle(ar);
    });
    return done.future();
  }

  /** Whether the store has {@code key} marked (a failure answers no: the caller's own error stands). */
  Future<Boolean> seen(String key) { return store.eventSeen(key).recover(err -> Future.succeededFuture(false)); }

  static Reply duplicate() {
    return Reply.duplicate(View.notice("Already handled", "This was delivered twice; it was handled once."));
  }
}
