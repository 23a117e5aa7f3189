package dev.poco.gatewaykit;

import dev.poco.contract.Bus;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Consumer;

/**
 * The 3-second rule: a platform gives a card callback, a slash command or a webhook 3 s, and the orchestrator may be
 * slower. {@link #answerWithin} gives the answer to send the platform now: the orchestrator's result when it came
 * within the budget, else a default (an empty ack or a toast). A result that comes later goes to {@code late} (the
 * gateway updates the card with it); a failure within the budget fails the answer, a later one goes to
 * {@code lateError}. Safe to complete the orchestrator's future from any thread.
 */
public final class LateReply {
  private LateReply() {}

  /** {@link #answerWithin(Vertx, Future, long, Object, Consumer, Consumer)} with {@link Bus#PLATFORM_ANSWER_MS}. */
  public static <T> Future<T> answerWithin(Vertx vertx, Future<T> answer, T fallback, Consumer<T> late,
      Consumer<Throwable> lateError) {
    return answerWithin(vertx, answer, Bus.PLATFORM_ANSWER_MS, fallback, late, lateError);
  }

  /**
   * @param answer the orchestrator's answer
   * @param withinMs how long the platform's answer may wait for it
   * @param fallback what to answer when it is late (compare by identity to know it was late)
   * @param late receives a result that came after the fallback was answered
   * @param lateError receives a failure that came after the fallback was answered
   * @return completes within {@code withinMs} with the result, the error, or {@code fallback}
   */
  public static <T> Future<T> answerWithin(Vertx vertx, Future<T> answer, long withinMs, T fallback,
      Consumer<T> late, Consumer<Throwable> lateError) {
    Promise<T> now = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, withinMs), id -> now.tryComplete(fallback));
    answer.onComplete(ar -> {
      boolean inTime = ar.succeeded() ? now.tryComplete(ar.result()) : now.tryFail(ar.cause());
      if (inTime) {
        vertx.cancelTimer(timer);
      } else if (ar.succeeded()) {
        if (late != null) late.accept(ar.result());
      } else if (lateError != null) {
        lateError.accept(ar.cause());
      }
    });
    return now.future();
  }
}
