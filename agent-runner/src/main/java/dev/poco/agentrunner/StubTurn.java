package dev.poco.agentrunner;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One turn of {@link StubBackend}: session, [SLOW sleep], [FAIL], [ASK_APPROVAL wait], answer in chunks (or
 * {@code BIG:<n>} characters of {@link StubBackend#bigText}, or {@code STREAM:<n>} short lines), usage.
 */
final class StubTurn implements AgentTurn {
  static final String EXACT = "Reply with exactly:";
  private static final int CHUNKS = 4;
  private static final Pattern BIG = Pattern.compile("BIG:(\\d{1,10})");
  private static final Pattern STREAM = Pattern.compile("STREAM:(\\d{1,7})");
  /** The pause between two STREAM deltas when POCO_STUB_DELTA_MS is 0: a live agent's pace, not a burst. */
  static final long STREAM_PAUSE_MS = 20;
  /**
   * One BIG delta, and the pause between two when no delta pause is configured (up to ~30 MB/s); it also waits while
   * the orchestrator has not taken what was sent ({@link TurnSink#congested}), so it runs as fast as the store writes.
   */
  static final int BIG_DELTA_CHARS = 64 * 1024;
  static final long BIG_PAUSE_MS = 2;

  private final Vertx vertx;
  private final TurnRequest request;
  private final TurnSink sink;
  private final long slowMs;
  private final long deltaMs;
  private final Promise<TurnOutcome> outcome = Promise.promise();
  private long timer = -1;
  private boolean awaitingApproval;

  StubTurn(Vertx vertx, TurnRequest request, TurnSink sink, long slowMs, long deltaMs) {
    this.vertx = vertx;
    this.request = request;
    this.sink = sink;
    this.slowMs = slowMs;
    this.deltaMs = deltaMs;
  }

  void run() {
    String session = request.sessionId() != null ? request.sessionId()
        : "stub-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    sink.session(session);
    if (request.prompt().contains("SLOW")) {
      sink.activity("sleeping " + slowMs / 1000 + " s");
      timer = vertx.setTimer(Math.max(1, slowMs), id -> {
        timer = -1;
        afterSleep();
      });
    } else {
      afterSleep();
    }
  }

  private void afterSleep() {
    String prompt = request.prompt();
    if (prompt.contains("FAIL")) {
      outcome.tryComplete(TurnOutcome.failed("stub failure requested"));
    } else if (prompt.contains("ASK_APPROVAL")) {
      awaitingApproval = true;
      sink.approval(new Approval("command", "Run `echo hi`?",
          "The stub agent wants to run `echo hi` in " + request.workdir()));
    } else {
      Matcher big = BIG.matcher(prompt);
      Matcher lines = STREAM.matcher(prompt);
      if (big.find()) bigAnswer(0, Math.min(Long.parseLong(big.group(1)), StubBackend.BIG_MAX_CHARS));
      else if (lines.find()) streamLines(0, Integer.parseInt(lines.group(1)));
      else answer(answerFor(prompt));
    }
  }

  /** Streams {@code total} characters of {@link StubBackend#bigText} from {@code at}, one delta per pause, never all held. */
  private void bigAnswer(long at, long total) {
    if (done()) return;
    int n = (int) Math.min(BIG_DELTA_CHARS, total - at);
    if (n > 0) sink.delta(StubBackend.bigText(at, n));
    if (at + n >= total) {
      sink.usage(new JsonObject().put("input_tokens", words(request.prompt())).put("output_tokens", total / 5));
      outcome.tryComplete(TurnOutcome.completed(null));
      return;
    }
    timer = vertx.setTimer(deltaMs > 0 ? deltaMs : BIG_PAUSE_MS, id -> {
      timer = -1;
      sink.whenDrained(() -> bigAnswer(at + n, total)); // waits while the orchestrator is behind
    });
  }

  /**
   * {@code STREAM:<n>}: n deltas "line i\n", one per POCO_STUB_DELTA_MS ({@link #STREAM_PAUSE_MS} when that is 0),
   * then completes (the runner reports the streamed answer): live output for the render bench.
   */
  private void streamLines(int i, int n) {
    if (done()) return;
    if (i < n) sink.delta(streamLine(i));
    if (i + 1 >= n) {
      sink.usage(new JsonObject().put("input_tokens", words(request.prompt())).put("output_tokens", 2 * n));
      outcome.tryComplete(TurnOutcome.completed(null));
      return;
    }
    timer = vertx.setTimer(deltaMs > 0 ? deltaMs : STREAM_PAUSE_MS, id -> {
      timer = -1;
      streamLines(i + 1, n);
    });
  }

  static String streamLine(int i) { return "line " + i + "\n"; }

  @Override
  public Future<TurnOutcome> outcome() { return outcome.future(); }

  @Override
  public Future<Void> approve(ApprovalDecision decision) {
    if (!awaitingApproval || done()) return Future.failedFuture(Bus.error(Failures.CONFLICT, "no approval is pending"));
    awaitingApproval = false;
    sink.activity(decision.approved() ? "ran `echo hi`: hi" : "`echo hi` was rejected");
    answer(decision.approved() ? "approved" : "rejected");
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> steer(String text) {
    if (done()) return Future.failedFuture(Bus.error(Failures.CONFLICT, "the turn has ended"));
    sink.activity("steered: " + text);
    return Future.succeededFuture();
  }

  @Override
  public void cancel() {
    if (timer != -1) vertx.cancelTimer(timer);
    timer = -1;
    awaitingApproval = false;
    outcome.tryComplete(TurnOutcome.cancelled());
  }

  private boolean done() { return outcome.future().isComplete(); }

  private void answer(String text) {
    int n = Math.min(CHUNKS, text.length());
    if (deltaMs > 0 && n > 0) {
      stream(text, 0, n);
      return;
    }
    for (int i = 0; i < n; i++) sink.delta(chunk(text, i, n));
    finish(text);
  }

  private void stream(String text, int i, int n) {
    if (done()) return;
    sink.delta(chunk(text, i, n));
    if (i + 1 == n) {
      finish(text);
      return;
    }
    timer = vertx.setTimer(deltaMs, id -> {
      timer = -1;
      stream(text, i + 1, n);
    });
  }

  private void finish(String text) {
    if (done()) return;
    sink.usage(new JsonObject().put("input_tokens", words(request.prompt())).put("output_tokens", words(text)));
    outcome.tryComplete(TurnOutcome.completed(text));
  }

  /** "Reply with exactly: X" → X (the rest of that line); anything else is echoed. */
  static String answerFor(String prompt) {
    int at = prompt.indexOf(EXACT);
    if (at < 0) return prompt;
    int from = at + EXACT.length();
    int eol = prompt.indexOf('\n', from);
    return prompt.substring(from, eol < 0 ? prompt.length() : eol).trim();
  }

  private static String chunk(String text, int i, int n) {
    return text.substring(boundary(text, i, n), boundary(text, i + 1, n));
  }

  private static int boundary(String text, int i, int n) {
    int at = (int) ((long) text.length() * i / n);
    // Never split a surrogate pair across two deltas.
    if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) at--;
    return at;
  }

  private static int words(String text) {
    int count = 0;
    boolean inWord = false;
    for (int i = 0; i < text.length(); i++) {
      boolean space = Character.isWhitespace(text.charAt(i));
      if (!space && !inWord) count++;
      inWord = !space;
    }
    return count;
  }
}
