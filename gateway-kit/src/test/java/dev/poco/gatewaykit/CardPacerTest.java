package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The pacer on a real Vert.x context with real timers (intervals of 50 to 100 ms, one budget second). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class CardPacerTest {

  /** One call of the emitter. */
  record Emission(String key, String item, boolean mustShow, long atMs) {}

  /** Records emissions; completes each after {@code writeMs} (0: at once), or holds it when {@code hold}. */
  static final class Platform implements CardPacer.Emitter<String> {
    final Vertx vertx;
    final long writeMs;
    final boolean hold;
    final List<Emission> emissions = Collections.synchronizedList(new ArrayList<>());
    final List<Promise<Void>> held = Collections.synchronizedList(new ArrayList<>());
    final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    volatile int maxInFlightPerKey;
    volatile String failItem;

    Platform(Vertx vertx, long writeMs, boolean hold) {
      this.vertx = vertx;
      this.writeMs = writeMs;
      this.hold = hold;
    }

    @Override
    public Future<Void> emit(String key, String item, boolean mustShow) {
      emissions.add(new Emission(key, item, mustShow, System.nanoTime() / 1_000_000));
      int n = inFlight.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
      maxInFlightPerKey = Math.max(maxInFlightPerKey, n);
      Promise<Void> p = Promise.promise();
      Future<Void> f = p.future().onComplete(ar -> inFlight.get(key).decrementAndGet());
      if (item.equals(failItem)) p.fail("platform refused " + item);
      else if (hold) held.add(p);
      else if (writeMs == 0) p.complete();
      else vertx.setTimer(writeMs, id -> p.complete());
      return f;
    }

    List<String> items(String key) {
      synchronized (emissions) {
        return emissions.stream().filter(e -> e.key.equals(key)).map(Emission::item).toList();
      }
    }
  }

  @Test
  void latestWinsWithinTheIntervalAndEveryOfferIsAnsweredByTheNewestEmission(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 100, 0, platform);
    Future<Void> f1 = pacer.offer("a", "a1", false);
    Future<Void> f2 = pacer.offer("a", "a2", false);
    Future<Void> f3 = pacer.offer("a", "a3", false);
    Future<Void> f4 = pacer.offer("a", "a4", false);
    Future.all(f1, f2, f3, f4).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(platform.items("a")).containsExactly("a1", "a4");
      assertThat(platform.emissions.get(1).atMs() - platform.emissions.get(0).atMs()).isGreaterThanOrEqualTo(98);
      assertThat(pacer.emitted()).isEqualTo(2);
      assertThat(pacer.coalesced()).isEqualTo(2);
      ctx.completeNow();
    })));
  }

  @Test
  void keysArePacedIndependentlyAndEachKeysOrderIsKept(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 5, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 50, 0, platform);
    List<Future<Void>> all = new ArrayList<>();
    // three keys, 12 updates each, one every 15 ms: some coalesce, order must hold, the last must show
    AtomicInteger step = new AtomicInteger();
    vertx.setPeriodic(15, id -> {
      int i = step.getAndIncrement();
      if (i == 12) {
        vertx.cancelTimer(id);
        Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
          for (String key : List.of("x", "y", "z")) {
            List<Integer> seen = platform.items(key).stream().map(s -> Integer.parseInt(s.substring(1))).toList();
            assertThat(seen).isSorted().doesNotHaveDuplicates().endsWith(11).hasSizeLessThan(12);
          }
          assertThat(pacer.emitted() + pacer.coalesced()).isEqualTo(36);
          for (int k = 1; k < platform.emissions.size(); k++) {
            Emission e = platform.emissions.get(k);
            platform.emissions.subList(0, k).stream().filter(p -> p.key.equals(e.key)).reduce((a, b) -> b)
                .ifPresent(prev -> assertThat(e.atMs() - prev.atMs()).isGreaterThanOrEqualTo(48));
          }
          ctx.completeNow();
        })));
        return;
      }
      for (String key : List.of("x", "y", "z")) all.add(pacer.offer(key, key + i, false));
    });
  }

  @Test
  void aMustShowIsNeverLostAndANewerItemThatReplacesItCarriesTheFlag(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 80, 0, platform);
    pacer.offer("t", "running", false);
    Future<Void> waiting = pacer.offer("t", "waiting", true);
    pacer.offer("t", "output", false);
    Future<Void> last = pacer.offer("t", "output2", false);
    Future.all(waiting, last).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(platform.emissions).extracting(Emission::item).containsExactly("running", "output2");
      assertThat(platform.emissions).extracting(Emission::mustShow).containsExactly(false, true);
      ctx.completeNow();
    })));
  }

  @Test
  void aKeysNextEmissionWaitsForThePreviousWriteToComplete(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, true);
    CardPacer<String> pacer = new CardPacer<>(vertx, 0, 0, platform);
    Future<Void> f1 = pacer.offer("c", "c1", false);
    pacer.offer("c", "c2", false);
    Future<Void> f3 = pacer.offer("c", "c3", true);
    pacer.offer("d", "d1", false);
    vertx.setTimer(100, id -> ctx.verify(() -> {
      // c1 is still being written: nothing else of c went, d was not held up by c
      assertThat(platform.items("c")).containsExactly("c1");
      assertThat(platform.items("d")).containsExactly("d1");
      assertThat(f1.isComplete()).isFalse();
      platform.held.get(0).complete();
      vertx.setTimer(20, id2 -> ctx.verify(() -> {
        assertThat(f1.succeeded()).isTrue();
        assertThat(platform.items("c")).containsExactly("c1", "c3");
        assertThat(platform.maxInFlightPerKey).isEqualTo(1);
        assertThat(f3.isComplete()).isFalse();
        platform.held.get(2).complete();
        f3.onComplete(ctx.succeeding(v -> ctx.completeNow()));
      }));
    }));
  }

  @Test
  void aRefusedWriteFailsItsOffersAndTheKeyGoesOn(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, false);
    platform.failItem = "e1";
    CardPacer<String> pacer = new CardPacer<>(vertx, 30, 0, platform);
    Future<Void> f1 = pacer.offer("e", "e1", true);
    f1.onComplete(ar -> ctx.verify(() -> {
      assertThat(ar.failed()).isTrue();
      assertThat(pacer.failed()).isEqualTo(1);
      pacer.offer("e", "e2", true).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
        assertThat(platform.items("e")).containsExactly("e1", "e2");
        ctx.completeNow();
      })));
    }));
  }

  @Test
  void theAppBudgetDelaysButNeverDropsAndServesMustShowFirst(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 0, 10, platform);
    List<Future<Void>> all = new ArrayList<>();
    for (int i = 0; i < 14; i++) all.add(pacer.offer("k" + i, "k" + i, false));
    all.add(pacer.offer("m", "m", true));
    vertx.setTimer(200, id -> ctx.verify(() -> {
      assertThat(platform.emissions).hasSize(10);
      assertThat(pacer.waitingForBudget()).isEqualTo(5);
    }));
    Future.all(all).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(platform.emissions).hasSize(15);
      assertThat(platform.emissions.get(10).item()).isEqualTo("m"); // the must-show went first of those waiting
      long first = platform.emissions.get(0).atMs();
      assertThat(platform.emissions.get(10).atMs() - first).isGreaterThanOrEqualTo(995);
      assertThat(pacer.peakPerSecond()).isLessThanOrEqualTo(10);
      assertThat(pacer.coalesced()).isZero();
      assertThat(pacer.waitingForBudget()).isZero();
      ctx.completeNow();
    })));
  }

  @Test
  void offersFromAnyThreadHopOntoThePacersContext(Vertx vertx, VertxTestContext ctx) throws Exception {
    Platform platform = new Platform(vertx, 0, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 20, 0, platform);
    List<Future<Void>> all = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String key = "thread" + t;
      threads.add(new Thread(() -> {
        for (int i = 0; i < 50; i++) all.add(pacer.offer(key, key + ":" + i, i == 49));
      }));
    }
    for (Thread t : threads) t.start();
    for (Thread t : threads) t.join();
    Future.all(new ArrayList<>(all)).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      for (int t = 0; t < 4; t++) assertThat(platform.items("thread" + t)).last().isEqualTo("thread" + t + ":49");
      assertThat(pacer.emitted() + pacer.coalesced()).isEqualTo(200);
      ctx.completeNow();
    })));
  }

  @Test
  void closingFailsWhatStillWaitsAndTakesNoMore(Vertx vertx, VertxTestContext ctx) {
    Platform platform = new Platform(vertx, 0, false);
    CardPacer<String> pacer = new CardPacer<>(vertx, 200, 0, platform);
    Future<Void> first = pacer.offer("a", "a1", false);
    Future<Void> waiting = pacer.offer("a", "a2", true);
    pacer.close();
    Future<Void> after = pacer.offer("a", "a3", true);
    Future.join(first, waiting, after).onComplete(ar -> vertx.setTimer(250, id -> ctx.verify(() -> {
      assertThat(first.succeeded()).isTrue();
      assertThat(waiting.failed()).isTrue();
      assertThat(after.failed()).isTrue();
      assertThat(platform.items("a")).containsExactly("a1");
      ctx.completeNow();
    })));
  }
}
