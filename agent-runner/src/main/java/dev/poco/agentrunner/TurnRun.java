package dev.poco.agentrunner;

import dev.poco.contract.Addresses;
import dev.poco.contract.TaskEvent;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task's turn on this runner: turns what the backend reports into TaskEvents with seq 1, 2, 3...
 * Deltas are coalesced: the first goes out at once, later ones at most once per window, and whatever is
 * pending is flushed before any other event, so the orchestrator sees every byte in order. No message is big: a
 * DELTA carries at most {@link TaskText#CHUNK_CHARS}, and FINISHED a result of at most
 * {@link TaskText#RESULT_MAX_CHARS} (the answer's head; the whole answer went out as deltas), so only that much of
 * the answer is kept here.
 */
final class TurnRun implements TurnSink {
  private static final Logger log = LoggerFactory.getLogger(TurnRun.class);
  private final Vertx vertx;
  static final long FINAL_ACK_MS = 3_000;
  static final long FINAL_RETRY_MS = 1_000;
  /** After this long without an orchestrator, the outcome is resent less often (never dropped, see deliver). */
  static final long FINAL_RETRY_FOR_MS = 10 * 60_000;
  static final long FINAL_RETRY_SLOW_MS = 30_000;
  /** Output a turn may have in flight to the orchestrator before a backend that can wait is asked to. */
  static final long MAX_UNACKED_CHARS = 1024 * 1024;
  static final long DELTA_ACK_MS = 30_000;

  private final String taskId;
  private final String runnerId;
  private final long windowNanos;
  private final long cancelGraceMs;
  private final Consumer<TurnRun> onFinished;
  private final Consumer<TurnRun> onDelivered;
  private final StringBuilder answer = new StringBuilder();
  private final StringBuilder pending = new StringBuilder();
  private long seq;
  /** Delta characters sent and not yet acknowledged: the orchestrator answers a DELTA once it has room for it. */
  private long unackedChars;
  private final java.util.ArrayDeque<Runnable> drained = new java.util.ArrayDeque<>();
  private long answerChars;
  private long lastDeltaAt;
  private boolean deltaSent;
  private long flushTimer = -1;
  private long timeoutTimer = -1;
  private long graceTimer = -1;
  private Future<AgentTurn> turn;
  private boolean finished;
  /** The FINISHED event until the orchestrator acknowledges it, and the state of its delivery. */
  private JsonObject outcome;
  private long outcomeDeadline;
  private boolean slowed;
  private int attempts;
  private long retryTimer = -1;
  private boolean delivered;
  private TaskStatus stopStatus;
  private String stopError;

  TurnRun(Vertx vertx, String taskId, String runnerId, long coalesceMs, long cancelGraceMs,
      Consumer<TurnRun> onFinished, Consumer<TurnRun> onDelivered) {
    this.onDelivered = onDelivered;
    this.vertx = vertx;
    this.taskId = taskId;
    this.runnerId = runnerId;
    this.windowNanos = TimeUnit.MILLISECONDS.toNanos(coalesceMs);
    this.cancelGraceMs = cancelGraceMs;
    this.onFinished = onFinished;
  }

  String taskId() { return taskId; }

  void begin(AgentBackend backend, TurnRequest request, int timeoutSeconds) {
    emit(TaskEvent.STARTED, null, null);
    timeoutTimer = vertx.setTimer(TimeUnit.SECONDS.toMillis(timeoutSeconds), id -> {
      timeoutTimer = -1;
      stop(TaskStatus.FAILED, "timed out after " + timeoutSeconds + " s");
    });
    try {
      turn = backend.start(request, this);
    } catch (RuntimeException e) {
      turn = Future.failedFuture(e);
    }
    turn.onComplete(ar -> {
      if (ar.succeeded()) ar.result().outcome().onComplete(this::ended);
      else broke(ar.cause());
    });
  }

  Future<Void> approve(ApprovalDecision decision) { return turn.compose(t -> t.approve(decision)); }

  Future<Void> steer(String text) { return turn.compose(t -> t.steer(text)); }

  void cancel() { stop(TaskStatus.CANCELLED, null); }

  /** The runner is going away: end the turn now, without waiting for the agent. */
  void interrupt(String why) {
    if (finished) return;
    finish(TaskStatus.INTERRUPTED, null, why);
    turn.onSuccess(AgentTurn::cancel);
  }

  /** Asks the agent to stop; FINISHED follows with its outcome, or after the grace at the latest. */
  private void stop(TaskStatus status, String error) {
    if (finished || stopStatus != null) return;
    stopStatus = status;
    stopError = error;
    turn.onSuccess(AgentTurn::cancel);
    graceTimer = vertx.setTimer(Math.max(1, cancelGraceMs), id -> {
      graceTimer = -1;
      finish(status, null, error);
    });
  }

  private void ended(AsyncResult<TurnOutcome> ar) {
    if (ar.failed()) {
      broke(ar.cause());
      return;
    }
    TurnOutcome o = ar.result();
    if (stopStatus != null && o.status() != TaskStatus.COMPLETED) {
      finish(stopStatus, o.result(), stopError != null ? stopError : o.error());
    } else {
      finish(o.status(), o.result(), o.error());
    }
  }

  /** The backend failed to start or to report an outcome: FAILED, unless we were already stopping it. */
  private void broke(Throwable err) {
    if (stopStatus != null) finish(stopStatus, null, stopError);
    else finish(TaskStatus.FAILED, null, err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName());
  }

  private void finish(TaskStatus status, String result, String error) {
    if (finished) return;
    flushDeltas();
    finished = true;
    cancelTimer(timeoutTimer);
    cancelTimer(graceTimer);
    JsonObject data = new JsonObject().put("status", status.wire())
        .put("result", result != null ? TaskText.capped(result, TaskText.RESULT_MAX_CHARS) : answer())
        .put("error", error);
    outcome = new TaskEvent(taskId, runnerId, ++seq, TaskEvent.FINISHED, null, data).toJson();
    outcomeDeadline = System.currentTimeMillis() + FINAL_RETRY_FOR_MS;
    onFinished.accept(this); // claimed in heartbeats from now until acknowledged
    deliver();
  }

  /**
   * An orchestrator announced itself (it restarted, or a new one took over): send the outcome now rather
   * than wait for the retry timer, or for an attempt that went to a node that died and waits for its timeout.
   */
  void resendOutcome() {
    if (outcome == null || delivered) return;
    cancelTimer(retryTimer);
    retryTimer = -1;
    deliver();
  }

  @Override
  public void session(String sessionId) {
    if (finished || sessionId == null) return;
    flushDeltas();
    emit(TaskEvent.SESSION, null, new JsonObject().put("session_id", sessionId));
  }

  @Override
  public void delta(String text) {
    if (finished || text == null || text.isEmpty()) return;
    int room = TaskText.RESULT_MAX_CHARS + 1 - answer.length();
    if (room > 0) answer.append(text, 0, Math.min(text.length(), room));
    answerChars += text.length();
    pending.append(text);
    if (pending.length() >= TaskText.CHUNK_CHARS) {
      flushDeltas();
      return;
    }
    if (flushTimer != -1) return;
    long wait = lastDeltaAt + windowNanos - System.nanoTime();
    if (!deltaSent || wait <= 0) {
      flushDeltas();
    } else {
      flushTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)), id -> {
        flushTimer = -1;
        flushDeltas();
      });
    }
  }

  @Override
  public void activity(String text) {
    if (finished || text == null) return;
    flushDeltas();
    emit(TaskEvent.ACTIVITY, TaskText.capped(text, TaskText.CHUNK_CHARS), null);
  }

  @Override
  public void approval(Approval request) {
    if (finished) return;
    flushDeltas();
    emit(TaskEvent.APPROVAL, request.title(), request.toJson());
  }

  @Override
  public void usage(JsonObject usage) {
    if (finished || usage == null) return;
    flushDeltas();
    emit(TaskEvent.USAGE, null, usage);
  }

  @Override
  public void approvalWithdrawn() {
    if (finished) return;
    flushDeltas();
    emit(TaskEvent.RESUMED, null, null);
  }

  @Override
  public void diff(JsonObject summary) {
    if (finished || summary == null) return;
    flushDeltas();
    emit(TaskEvent.DIFF, null, summary);
  }

  private void flushDeltas() {
    cancelTimer(flushTimer);
    flushTimer = -1;
    if (pending.length() == 0) return;
    deltaSent = true;
    lastDeltaAt = System.nanoTime();
    int from = 0;
    while (from < pending.length()) {
      int to = TaskText.safeEnd(pending, Math.min(pending.length(), from + TaskText.CHUNK_CHARS));
      if (to <= from) to = Math.min(pending.length(), from + 2);
      emitDelta(pending.substring(from, to));
      from = to;
    }
    pending.setLength(0);
  }

  /** The streamed answer as FINISHED reports it: whole when short, else its head and how much more there was. */
  private String answer() {
    if (answerChars <= TaskText.RESULT_MAX_CHARS) return answer.toString();
    int end = TaskText.safeEnd(answer, TaskText.RESULT_MAX_CHARS);
    return answer.substring(0, end) + "\n… [" + (answerChars - end) + " more characters not shown]";
  }

  /**
   * A DELTA goes as a request: its answer says the orchestrator took it (and has room for more), which bounds the
   * output in flight per turn. A missing answer (timeout, orchestrator away) counts as taken, so nothing waits forever.
   */
  private void emitDelta(String text) {
    TaskEvent event = new TaskEvent(taskId, runnerId, ++seq, TaskEvent.DELTA, text, null);
    unackedChars += text.length();
    vertx.eventBus().request(Addresses.ORCHESTRATOR_TASK_EVENT, event.toJson(),
        new DeliveryOptions().setSendTimeout(DELTA_ACK_MS)).onComplete(ar -> {
          unackedChars -= text.length();
          while (!congested() && !drained.isEmpty()) drained.poll().run();
        });
  }

  @Override
  public boolean congested() { return unackedChars > MAX_UNACKED_CHARS && !finished; }

  @Override
  public void whenDrained(Runnable then) {
    if (!congested()) then.run();
    else drained.add(then);
  }

  private void emit(String type, String text, JsonObject data) {
    TaskEvent event = new TaskEvent(taskId, runnerId, ++seq, type, text, data);
    vertx.eventBus().send(Addresses.ORCHESTRATOR_TASK_EVENT, event.toJson());
  }

  /**
   * The outcome is the one event that must arrive: while the orchestrator node restarts nobody serves
   * the address, so it is sent until acknowledged (the heartbeat keeps listing the task meanwhile). The
   * orchestrator acknowledges only once the outcome is stored, so an ack is never lost with its node.
   * Attempts may overlap (see {@link #resendOutcome}); the first ack wins, and only the newest attempt
   * schedules the next one.
   */
  private void deliver() {
    int attempt = ++attempts;
    vertx.eventBus().request(Addresses.ORCHESTRATOR_TASK_EVENT, outcome,
        new DeliveryOptions().setSendTimeout(FINAL_ACK_MS)).onComplete(ar -> {
          if (delivered) return;
          if (ar.succeeded()) {
            delivered = true;
            cancelTimer(retryTimer);
            if (attempts > 1) log.info("outcome of task {} acknowledged after {} attempts", taskId, attempts);
            onDelivered.accept(this);
          } else if (attempt == attempts) {
            // Never given up: while the runner lists the task, a restarted orchestrator knows the turn ran here;
            // dropping it would make that orchestrator think the task never arrived, and run it again.
            boolean slow = System.currentTimeMillis() > outcomeDeadline;
            if (attempt == 1) log.info("outcome of task {} not acknowledged yet ({}); resending", taskId,
                ar.cause().getMessage());
            if (slow && !slowed) {
              slowed = true;
              log.warn("outcome of task {}: no orchestrator acknowledged it in {} min ({}); resending every {} s",
                  taskId, TimeUnit.MILLISECONDS.toMinutes(FINAL_RETRY_FOR_MS), ar.cause().getMessage(),
                  FINAL_RETRY_SLOW_MS / 1000);
            }
            retryTimer = vertx.setTimer(slow ? FINAL_RETRY_SLOW_MS : FINAL_RETRY_MS, id -> {
              retryTimer = -1;
              deliver();
            });
          }
        });
  }

  private void cancelTimer(long id) {
    if (id != -1) vertx.cancelTimer(id);
  }
}
