package dev.poco.orchestrator;

import dev.poco.contract.TaskText;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live task's output: the tail its card and live view show, and the full text appended to the store in pieces
 * of at most {@link TaskText#CHUNK_CHARS}, each at its offset, never rebuilt. What passes {@link TaskText#STORED_MAX_CHARS},
 * what would push the pieces waiting for the store past the shared {@link Backlog}, and pieces the store failed to
 * take are dropped and counted; the end of the stored text then says how much. Confined to the orchestrator's event
 * loop.
 */
final class TaskOutput {
  private static final Logger log = LoggerFactory.getLogger(TaskOutput.class);

  /**
   * Output characters handed to the store and not yet answered, across all tasks: bounds the heap they take. Above
   * {@code softChars} runners are asked to wait (their DELTAs are answered once it is below again); above
   * {@code hardChars} (a runner that does not wait) output is dropped.
   */
  static final class Backlog {
    final long softChars;
    final long hardChars;
    long chars;
    private final List<Promise<Void>> waiting = new ArrayList<>();

    Backlog(long softChars, long hardChars) {
      this.softChars = softChars;
      this.hardChars = hardChars;
    }

    /** Completes once the store is less than {@code softChars} behind. */
    Future<Void> room() {
      if (chars < softChars) return Future.succeededFuture();
      Promise<Void> p = Promise.promise();
      waiting.add(p);
      return p.future();
    }

    void taken(long n) {
      chars -= n;
      if (chars < softChars && !waiting.isEmpty()) {
        List<Promise<Void>> ready = new ArrayList<>(waiting);
        waiting.clear();
        ready.forEach(Promise::complete);
      }
    }
  }

  private final String taskId;
  private final StoreClient store;
  private final Backlog backlog;
  private String tail;
  private final StringBuilder pending = new StringBuilder();
  private long total;
  private long written;
  private long dropped;
  private boolean markerWritten;
  private boolean warnedBacklog;
  private int inFlight;
  private final List<Promise<Void>> settled = new ArrayList<>();

  /** Picks up where a stored task left off ({@code total} characters, the last of them {@code tail}). */
  TaskOutput(String taskId, StoreClient store, Backlog backlog, String tail, long total, long dropped) {
    this.taskId = taskId;
    this.store = store;
    this.backlog = backlog;
    this.tail = tail == null ? "" : TaskText.tail(tail, TaskText.TAIL_CHARS);
    this.total = Math.max(total, this.tail.length());
    this.written = this.total - dropped;
    this.dropped = dropped;
  }

  String tail() { return tail; }

  long total() { return total; }

  long dropped() { return dropped; }

  void add(String text) {
    if (text == null || text.isEmpty()) return;
    total += text.length();
    tail = text.length() >= TaskText.TAIL_CHARS ? TaskText.tail(text, TaskText.TAIL_CHARS)
        : TaskText.tail(tail + text, TaskText.TAIL_CHARS);
    long room = TaskText.STORED_MAX_CHARS - (written + pending.length());
    int keep = (int) Math.max(0, Math.min(text.length(), room));
    if (keep < text.length()) keep = TaskText.safeEnd(text, keep);
    if (keep > 0 && backlog.chars + pending.length() + keep > backlog.hardChars) {
      keep = 0; // the store is far behind: dropping beats running out of heap
      if (!warnedBacklog) {
        warnedBacklog = true;
        log.warn("task {}: the store is {} characters behind on output; dropping what comes until it catches up",
            taskId, backlog.chars);
      }
    }
    dropped += text.length() - keep;
    pending.append(text, 0, keep);
    while (pending.length() >= TaskText.CHUNK_CHARS) send(TaskText.safeEnd(pending, TaskText.CHUNK_CHARS));
  }

  /** Hands what is pending to the store; completes (never fails) once every piece handed so far is settled. */
  Future<Void> flush() {
    while (pending.length() > 0) send(TaskText.safeEnd(pending, Math.min(pending.length(), TaskText.CHUNK_CHARS)));
    return whenSettled();
  }

  private Future<Void> whenSettled() {
    if (inFlight == 0) return Future.succeededFuture();
    Promise<Void> p = Promise.promise();
    settled.add(p);
    return p.future();
  }

  /** The last flush: when output was dropped, the stored text ends with a line saying how much. */
  Future<Void> close() {
    if (written == 0 && inFlight == 0 && dropped == 0 && total == pending.length()
        && total <= TaskText.LIST_OUTPUT_CHARS) {
      // A short output lives whole in the task row of the final save, and the store pages a task without pieces
      // from that row: no piece is written, one store write less on every short task's way to its end.
      pending.setLength(0);
      return Future.succeededFuture();
    }
    flush();
    if (dropped > 0 && !markerWritten) {
      markerWritten = true;
      String marker = "\n\n[output truncated: " + dropped + " characters were not stored"
          + (written >= TaskText.STORED_MAX_CHARS ? " (the stored output keeps the first " + TaskText.STORED_MAX_CHARS
              + ")" : "") + "]\n";
      store(marker, false);
    }
    return whenSettled();
  }

  private void send(int upTo) {
    int len = upTo > 0 ? upTo : Math.min(pending.length(), 2); // never loop on a pair at the very start
    String piece = pending.substring(0, len);
    pending.delete(0, len);
    store(piece, true);
  }

  private void store(String piece, boolean isOutput) {
    int len = piece.length();
    long at = written;
    written += len;
    backlog.chars += len;
    inFlight++;
    store.appendOutput(taskId, at, piece).onComplete(ar -> {
      backlog.taken(len);
      if (ar.failed()) {
        if (isOutput) dropped += len; // the marker is not output: losing it drops nothing
        log.warn("could not store {} characters of task {}'s output at {}: {}", len, taskId, at,
            ar.cause().getMessage());
      }
      if (--inFlight == 0) {
        List<Promise<Void>> waiting = new ArrayList<>(settled);
        settled.clear();
        waiting.forEach(Promise::complete);
      }
    });
  }
}
