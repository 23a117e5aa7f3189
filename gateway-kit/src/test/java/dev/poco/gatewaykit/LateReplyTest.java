package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The 3-second rule with a 100 ms budget and an orchestrator answering at 20 ms or at 250 ms. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 5, timeUnit = TimeUnit.SECONDS)
class LateReplyTest {
  static final String ACK = "{}";

  static Future<String> answerAfter(Vertx vertx, long ms, String result, String error) {
    Promise<String> p = Promise.promise();
    vertx.setTimer(ms, id -> {
      if (error != null) p.fail(error);
      else p.complete(result);
    });
    return p.future();
  }

  @Test
  void anAnswerInTimeIsTheAnswerAndNothingComesLate(Vertx vertx, VertxTestContext ctx) {
    AtomicReference<Object> late = new AtomicReference<>();
    LateReply.answerWithin(vertx, answerAfter(vertx, 20, "toast: started", null), 100, ACK, late::set, late::set)
        .onComplete(ctx.succeeding(answer -> vertx.setTimer(150, id -> ctx.verify(() -> {
          assertThat(answer).isEqualTo("toast: started");
          assertThat(late.get()).isNull();
          ctx.completeNow();
        }))));
  }

  @Test
  void aLateAnswerGivesTheDefaultNowAndTheResultToTheLateHandler(Vertx vertx, VertxTestContext ctx) {
    long start = System.nanoTime();
    AtomicReference<String> answeredNow = new AtomicReference<>();
    LateReply.answerWithin(vertx, answerAfter(vertx, 250, "card v2", null), 100, ACK,
        result -> ctx.verify(() -> {
          assertThat(answeredNow.get()).isSameAs(ACK);
          assertThat(result).isEqualTo("card v2");
          ctx.completeNow();
        }),
        ctx::failNow)
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(250);
          answeredNow.set(answer);
        })));
  }

  @Test
  void aFailureInTimeFailsTheAnswer(Vertx vertx, VertxTestContext ctx) {
    LateReply.answerWithin(vertx, answerAfter(vertx, 20, null, "not allowed"), 100, ACK,
        r -> ctx.failNow("late result " + r), e -> ctx.failNow("late error " + e))
        .onComplete(ctx.failing(err -> ctx.verify(() -> {
          assertThat(err).hasMessage("not allowed");
          ctx.completeNow();
        })));
  }

  @Test
  void aLateFailureGoesToTheLateErrorHandler(Vertx vertx, VertxTestContext ctx) {
    var checkpoint = ctx.checkpoint(2);
    LateReply.answerWithin(vertx, answerAfter(vertx, 250, null, "store away"), 100, ACK,
        r -> ctx.failNow("late result " + r),
        err -> ctx.verify(() -> {
          assertThat(err).hasMessage("store away");
          checkpoint.flag();
        }))
        .onComplete(ctx.succeeding(answer -> ctx.verify(() -> {
          assertThat(answer).isSameAs(ACK);
          checkpoint.flag();
        })));
  }

  @Test
  void anAlreadyCompletedAnswerIsAnsweredAtOnce(Vertx vertx, VertxTestContext ctx) {
    Future<String> now = LateReply.answerWithin(vertx, Future.succeededFuture("done"), ACK, null, null);
    assertThat(now.result()).isEqualTo("done");
    ctx.completeNow();
  }
}
