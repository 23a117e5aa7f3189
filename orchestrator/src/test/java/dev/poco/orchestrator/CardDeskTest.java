package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("CardDesk: one post per card, held renders, versions, pacing, must-show retries, one renderer")
class CardDeskTest {
  static final String P = "feishu";
  final Vertx vertx = Vertx.vertx();
  final Context ctx = vertx.getOrCreateContext();
  /** Renders as a gateway received them: address and body. */
  final List<Map.Entry<String, RenderRequest>> received = new CopyOnWriteArrayList<>();
  final Map<String, String> bound = new ConcurrentHashMap<>();
  final AtomicInteger posts = new AtomicInteger();

  @AfterEach
  void close() { vertx.close().await(); }

  private CardDesk desk(long intervalMs) {
    Promise<CardDesk> made = Promise.promise();
    ctx.runOnContext(v -> made.complete(new CardDesk(vertx, intervalMs, 50, (card, id) -> bound.put(card.key(), id))));
    return made.future().await();
  }

  private void on(Runnable r) {
    Promise<Void> done = Promise.promise();
    ctx.runOnContext(v -> {
      r.run();
      done.complete();
    });
    done.future().await();
  }

  /** The desk's count of renders owed, read on its event loop (its maps are the loop's alone). */
  private int owed(CardDesk desk) {
    int[] n = new int[1];
    on(() -> n[0] = desk.owed());
    return n[0];
  }

  /** A gateway instance: records, then lets {@code answer} reply (ack, fail or hold). */
  private MessageConsumer<JsonObject> gateway(String address, Consumer<Message<JsonObject>> answer) {
    MessageConsumer<JsonObject> c = vertx.eventBus().consumer(address, msg -> {
      received.add(Map.entry(address, RenderRequest.fromJson(msg.body())));
      answer.accept(msg);
    });
    c.completion().await();
    return c;
  }

  private Consumer<Message<JsonObject>> ack(String gatewayId) {
    return msg -> msg.reply(new RenderAck(gatewayId,
        msg.body().getString("message_id", "om_" + posts.incrementAndGet()), false).toJson());
  }

  private static CardDesk.Card task(String id, boolean done) {
    return new CardDesk.Card(RenderRequest.taskKey(id), new ReplyTarget(P, "oc_1", null), id, "p1", null, done);
  }

  /** Polls until the condition holds, failing after {@code seconds}. */
  private static void until(int seconds, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("condition not met within " + seconds + " s");
      pause(20);
    }
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static View view(String body) { return View.notice("t", body); }

  @Test
  @DisplayName("a card is posted once; views while the post is unanswered are held, then the newest patches the bound message")
  void heldUntilBound() {
    List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
    gateway(Addresses.gatewayRender(P), held::add);
    CardDesk desk = desk(0);
    on(() -> desk.show(task("t1", false), () -> view("queued"), true));
    until(5, () -> held.size() == 1);
    on(() -> desk.show(task("t1", false), () -> view("running 1"), false));
    on(() -> desk.show(task("t1", false), () -> view("running 2"), true));
    on(() -> desk.show(task("t1", true), () -> view("completed"), true));
    assertThat(received).hasSize(1);
    held.get(0).reply(new RenderAck("g1", "om_9", false).toJson());
    until(5, () -> received.size() == 2);
    assertThat(bound).containsEntry("task:t1", "om_9");
    // The rest goes to the instance that posted; g1 has no own consumer here, so it comes back to the shared one.
    RenderRequest last = received.get(received.size() - 1).getValue();
    assertThat(last.messageId()).isEqualTo("om_9");
    assertThat(last.view().body()).isEqualTo("completed");
    assertThat(last.mustShow()).isTrue();
    assertThat(received.get(0).getValue().messageId()).isNull();
    assertThat(received.stream().filter(e -> e.getValue().messageId() == null)).hasSize(1);
  }

  @Test
  @DisplayName("live renders are coalesced to one per interval, latest wins; versions strictly increase")
  void coalesced() throws Exception {
    gateway(Addresses.gatewayRender(P), ack("g1"));
    gateway(Addresses.gatewayInstanceRender(P, "g1"), ack("g1"));
    CardDesk desk = desk(200);
    on(() -> desk.show(task("t2", false), () -> view("start"), true));
    until(5, () -> bound.containsKey("task:t2"));
    for (int i = 1; i <= 50; i++) {
      int n = i;
      on(() -> desk.show(task("t2", false), () -> view("line " + n), false));
      Thread.sleep(10);
    }
    on(() -> desk.show(task("t2", true), () -> view("done"), true));
    until(5, () -> received.get(received.size() - 1).getValue().view().body().equals("done"));
    // 50 changes over ~0.5 s at one render per 200 ms: a handful, not 50.
    assertThat(received.size()).isBetween(3, 8);
    long prev = 0;
    for (var e : received) {
      assertThat(e.getValue().version()).isGreaterThan(prev);
      prev = e.getValue().version();
    }
    assertThat(received.subList(1, received.size())).allSatisfy(e ->
        assertThat(e.getKey()).isEqualTo(Addresses.gatewayInstanceRender(P, "g1")));
  }

  @Test
  @DisplayName("a must-show render the gateway refuses is retried until acknowledged; a live one is not")
  void mustShowRetried() {
    AtomicInteger failures = new AtomicInteger(3);
    gateway(Addresses.gatewayRender(P), msg -> {
      if (msg.body().getBoolean("must_show") && failures.getAndDecrement() > 0) msg.fail(500, "platform said 429");
      else ack("g1").accept(msg);
    });
    CardDesk desk = desk(0);
    on(() -> desk.show(task("t3", true), () -> view("failed: boom"), true));
    until(10, () -> received.size() == 4);
    until(5, () -> owed(desk) == 0);
    assertThat(received).extracting(e -> e.getValue().view().body()).containsOnly("failed: boom");
    assertThat(bound).containsKey("task:t3");
  }

  @Test
  @DisplayName("renders owed while no gateway runs are sent again when one says it is ready")
  void republishedOnReady() {
    CardDesk desk = desk(0);
    on(() -> desk.show(task("t4", true), () -> view("completed"), true));
    pause(300);
    until(2, () -> owed(desk) == 1);
    gateway(Addresses.gatewayRender(P), ack("g2"));
    on(() -> desk.gatewayReady(P, "g2"));
    until(5, () -> owed(desk) == 0);
    assertThat(received).extracting(e -> e.getValue().view().body()).contains("completed");
    assertThat(bound).containsEntry("task:t4", "om_1");
  }

  @Test
  @DisplayName("when the instance rendering a card is gone, the next render goes to the shared address and is taken over")
  void takeover() {
    gateway(Addresses.gatewayRender(P), ack("g1"));
    MessageConsumer<JsonObject> g1 = gateway(Addresses.gatewayInstanceRender(P, "g1"), ack("g1"));
    CardDesk desk = desk(0);
    on(() -> desk.show(task("t5", false), () -> view("queued"), true));
    until(5, () -> bound.containsKey("task:t5"));
    on(() -> desk.show(task("t5", false), () -> view("running"), true));
    until(5, () -> received.size() == 2);
    assertThat(received.get(1).getKey()).isEqualTo(Addresses.gatewayInstanceRender(P, "g1"));
    g1.unregister().await();
    received.clear();
    on(() -> desk.show(task("t5", true), () -> view("completed"), true));
    until(5, () -> owed(desk) == 0);
    assertThat(received).extracting(Map.Entry::getKey).containsExactly(Addresses.gatewayRender(P));
    assertThat(received.get(0).getValue().messageId()).isEqualTo("om_1");
  }
}
