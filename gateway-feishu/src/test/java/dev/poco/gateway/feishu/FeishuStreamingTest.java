package dev.poco.gateway.feishu;

import static dev.poco.gateway.feishu.Await.await;
import static dev.poco.gateway.feishu.Await.on;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Task cards through CardKit streaming (feishu.md §11) against the in-test fake: one entity sent once, the full text
 * in every stream write with a strictly increasing sequence, ≤ 10 writes/s per card, the end closing streaming with
 * the result, a sequence error recovered, the 10-minute limit, and the PATCH fallback when the entity can't be made.
 */
class FeishuStreamingTest {
  static final String OUTPUT = "line of agent output number ";

  Vertx vertx;
  FakeFeishuApi fake;
  Context ctx;
  FeishuRenderer renderer;
  DebugRing debug = new DebugRing(500);
  final AtomicLong offsetMs = new AtomicLong();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeFeishuApi.start(vertx));
    fake.cardKit = true;
    fake.clock = () -> System.currentTimeMillis() + offsetMs.get();
    ctx = vertx.getOrCreateContext();
    renderer = await(on(ctx, () -> Future.succeededFuture(new FeishuRenderer(vertx,
        new FeishuApi(vertx, FeishuApiTest.config(fake), null), "fs-test", debug, b -> { }, fake.clock))));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  /** The first {@code chars} characters of the task's whole output. */
  static String output(int chars) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; sb.length() < chars; i++) sb.append(OUTPUT).append(i).append('\n');
    return sb.substring(0, chars);
  }

  /** A running render as the orchestrator makes it: the live tail (≤ 2,800 chars, "…" when cut) and the total. */
  static RenderRequest running(String messageId, long version, int chars) {
    String out = output(chars);
    String tail = chars == 0 ? "Working…" : out.length() > 2800 ? "…" + out.substring(out.length() - 2800) : out;
    View v = new View(ViewKinds.TASK, "[Running] Task: say hi (stub, /w)", "running", tail, null, null, null, 1, 1,
        new JsonObject().put("output_chars", chars).put("task_id", "t1"));
    return new RenderRequest(new ReplyTarget("feishu", "oc_1", null), messageId, v, "t1", "p1", false, version,
        RenderRequest.taskKey("t1"));
  }

  static RenderRequest ended(String messageId, long version, String status, String result) {
    View v = new View(ViewKinds.TASK, "[Done] Task: say hi (stub, /w)", status, result, null, null, null, 1, 1,
        new JsonObject().put("task_id", "t1"));
    return new RenderRequest(new ReplyTarget("feishu", "oc_1", null), messageId, v, "t1", "p1", true, version,
        RenderRequest.taskKey("t1"));
  }

  RenderAck show(RenderRequest r) { return await(on(ctx, () -> renderer.render(r))); }

  FakeFeishuApi.Entity entity() {
    assertThat(fake.entities).hasSize(1);
    return fake.entities.values().iterator().next();
  }

  @Test
  void theCardIsAnEntityCreatedAndSentOnceByCardId() {
    String id = show(running(null, 1, 0)).messageId();
    assertThat(id).startsWith("om_");
    show(running(null, 2, 10)); // a repeated post (its ack was lost): no second entity, no second message
    assertThat(fake.calls("POST", "/open-apis/cardkit/v1/cards")).hasSize(1);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages")).singleElement().satisfies(send -> {
      JsonObject content = new JsonObject(send.body().getString("content"));
      assertThat(content.getString("type")).isEqualTo("card");
      assertThat(content.getJsonObject("data").getString("card_id")).isEqualTo(fake.entities.keySet().iterator().next());
    });
    assertThat(fake.badEntitySends.get()).isZero();
    JsonObject created = new JsonObject(fake.calls("POST", "/open-apis/cardkit/v1/cards").get(0).body().getString("data"));
    assertThat(created.getString("schema")).isEqualTo("2.0");
    JsonObject config = created.getJsonObject("config");
    assertThat(config.getBoolean("streaming_mode")).isTrue();
    assertThat(config.getJsonObject("streaming_config").getString("print_strategy")).isEqualTo("fast");
    assertThat(config.getJsonObject("summary").getString("content")).startsWith("Running · Task: say hi");
    assertThat(created.getJsonObject("body").getJsonArray("elements").getJsonObject(0).getString("element_id"))
        .isEqualTo(FeishuStreamer.ELEMENT_ID);
  }

  @Test
  void streamWritesCarryTheFullTextWithAStrictlyIncreasingSequence() {
    String id = show(running(null, 1, 0)).messageId();
    int[] sizes = {100, 900, 2500, 4000, 6500, 9000};
    long v = 2;
    for (int chars : sizes) show(running(id, v++, chars));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.texts).isNotEmpty();
    for (String text : e.texts) assertThat(output(9000)).startsWith(text); // never only a delta
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(9000));
    for (int i = 1; i < e.writes.size(); i++) assertThat(e.writes.get(i)[1]).isGreaterThan(e.writes.get(i - 1)[1]);
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/")).isEmpty();
  }

  @Test
  void atMostTenWritesPerSecondPerCardUnderAHundredRendersPerSecond() {
    String id = show(running(null, 1, 0)).messageId();
    List<Future<RenderAck>> acks = new ArrayList<>();
    Promise<Void> sent = Promise.promise();
    long[] v = {2};
    ctx.runOnContext(x -> vertx.setPeriodic(10, t -> {
      long n = v[0]++;
      acks.add(renderer.render(running(id, n, (int) n * 40)));
      if (n >= 201) {
        vertx.cancelTimer(t);
        sent.complete();
      }
    }));
    await(sent.future());
    await(on(ctx, () -> Future.all(new ArrayList<>(acks))));
    FakeFeishuApi.Entity e = entity();
    int peak = 0;
    for (long[] w : e.writes) {
      int in = (int) e.writes.stream().filter(x -> x[0] >= w[0] && x[0] < w[0] + 1000).count();
      peak = Math.max(peak, in);
    }
    System.out.println("stream test: 200 renders in ~2 s → " + e.writes.size() + " CardKit writes (" + e.texts.size()
        + " content), peak " + peak + " in any 1 s window, 429s " + fake.cardKitRateLimited.get());
    assertThat(peak).isLessThanOrEqualTo(10);
    assertThat(fake.cardKitRateLimited.get()).isZero();
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(201 * 40));
  }

  @Test
  void theEndClosesStreamingWithASummaryAndShowsTheWholeResult() {
    String id = show(running(null, 1, 0)).messageId();
    show(running(id, 2, 500));
    show(ended(id, 3, "completed", "the whole result"));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.ops.subList(e.ops.size() - 2, e.ops.size())).containsExactly("settings", "update");
    var settings = fake.calls("PATCH", "/open-apis/cardkit/v1/cards/").get(0).body();
    JsonObject config = new JsonObject(settings.getString("settings")).getJsonObject("config");
    assertThat(config.getBoolean("streaming_mode")).isFalse();
    assertThat(config.getJsonObject("summary").getString("content")).startsWith("Done · Task: say hi");
    assertThat(e.streaming()).isFalse();
    assertThat(e.card.getJsonObject("header").encode()).contains("[Done]");
    assertThat(e.card.getJsonObject("body").getJsonArray("elements").getJsonObject(0).getString("content"))
        .isEqualTo("the whole result");
  }

  @Test
  void waitingForApprovalClosesStreamingAndOutputAfterItReopensIt() {
    String id = show(running(null, 1, 0)).messageId();
    show(running(id, 2, 100));
    View waiting = new View(ViewKinds.TASK, "[Waiting] Task: say hi (stub, /w)", "waiting_confirmation",
        "**Run `echo hi`?**", null, null, List.of(new View.Action("Approve", "primary", false,
            new JsonObject().put("intent_key", "task.approve").put("request_id", "r1"))), 1, 1,
        new JsonObject().put("output_chars", 100));
    show(new RenderRequest(new ReplyTarget("feishu", "oc_1", null), id, waiting, "t1", "p1", true, 3,
        RenderRequest.taskKey("t1")));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.streaming()).isFalse();
    assertThat(e.ops.subList(e.ops.size() - 2, e.ops.size())).containsExactly("settings", "update");
    assertThat(e.card.encode()).contains("Approve");
    show(running(id, 4, 250)); // approved: the output goes on, streaming again
    show(running(id, 5, 400));
    assertThat(e.streaming()).isTrue();
    assertThat(e.ops.subList(e.ops.size() - 3, e.ops.size())).containsExactly("settings", "update", "content");
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(400));
  }

  @Test
  void aSequenceErrorResyncsAndTheWriteGoesThrough() {
    String id = show(running(null, 1, 0)).messageId();
    fake.bumpSequence(fake.entities.keySet().iterator().next(), 5_000); // another writer went 5 s ahead
    show(running(id, 2, 300));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.texts).containsExactly(output(300));
    assertThat(renderer.streamingStatus().getLong("sequence_resyncs")).isEqualTo(1);
  }

  @Test
  void streamingIsReopenedBeforeTenMinutesAndAfterThePlatformClosedIt() {
    String id = show(running(null, 1, 0)).messageId();
    show(running(id, 2, 100));
    offsetMs.addAndGet(9 * 60_000 + 30_000); // 9.5 minutes: re-opened before the platform's 10
    show(running(id, 3, 200));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.ops).containsSubsequence("settings", "content");
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(200));
    offsetMs.addAndGet(11 * 60_000); // silently past the limit: the platform closed it (300309 / 200850)
    show(running(id, 4, 300));
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(300));
    assertThat(e.ops.stream().filter("settings"::equals).count()).isEqualTo(2);
  }

  @Test
  void aCardTooLargeForStreamingGoesOnByFullUpdates() {
    String id = show(running(null, 1, 0)).messageId();
    String cardId = fake.entities.keySet().iterator().next();
    fake.fault("PUT", "/open-apis/cardkit/v1/cards/" + cardId + "/elements/", 400, 200860, null);
    show(running(id, 2, 300));
    show(running(id, 3, 600));
    FakeFeishuApi.Entity e = entity();
    assertThat(e.ops).containsExactly("update", "update");
    assertThat(e.card.getJsonObject("body").getJsonArray("elements").getJsonObject(0).getString("content"))
        .isEqualTo(output(600));
    assertThat(debug.newest(50).encode()).contains("\"streaming\":\"off\"").contains("200860");
  }

  /** The gateway restarted: a fresh renderer (nothing in memory) on the same fake platform. */
  FeishuRenderer restarted() {
    return await(on(ctx, () -> Future.succeededFuture(new FeishuRenderer(vertx,
        new FeishuApi(vertx, FeishuApiTest.config(fake), null), "fs-test-2", debug, b -> { }, fake.clock))));
  }

  @Test
  void aStreamedCardOutlivesAGatewayRestartOnItsEntityWithTheSequenceGoingOnUp() {
    String ref = show(running(null, 1, 0)).messageId();
    assertThat(ref).startsWith("om_").contains(CardRef.MARK + fake.entities.keySet().iterator().next() + "@");
    show(running(ref, 2, 300));
    FakeFeishuApi.Entity e = entity();
    int before = e.writes.size();
    renderer.close();
    renderer = restarted();
    show(running(ref, 3, 600)); // the orchestrator's next render names the card by the ref it was acked with
    show(running(ref, 4, 900));
    RenderAck end = show(ended(ref, 5, "completed", "the whole result"));
    assertThat(end.messageId()).isEqualTo(ref);
    assertThat(e.writes.size()).as("the same entity written after the restart").isGreaterThan(before + 2);
    for (int i = 1; i < e.writes.size(); i++) assertThat(e.writes.get(i)[1]).isGreaterThan(e.writes.get(i - 1)[1]);
    assertThat(e.texts.get(e.texts.size() - 1)).isEqualTo(output(900));
    assertThat(e.ops.subList(e.ops.size() - 2, e.ops.size())).containsExactly("settings", "update");
    assertThat(e.streaming()).isFalse();
    assertThat(e.card.getJsonObject("body").getJsonArray("elements").getJsonObject(0).getString("content"))
        .isEqualTo("the whole result");
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/")).as("never the PATCH fallback").isEmpty();
    assertThat(fake.calls("POST", "/open-apis/cardkit/v1/cards")).as("no second entity").hasSize(1);
    assertThat(renderer.streamingStatus().getLong("sequence_resyncs")).isZero();
    assertThat(renderer.streamingStatus().getLong("adopted")).isEqualTo(1);
  }

  @Test
  void aCardRefThatIsGarbledIsPatchedAsABareMessage() {
    assertThat(CardRef.parse("om_1#cardkit:")).isNull();
    assertThat(CardRef.parse("om_1#cardkit:c1@x")).isNull();
    assertThat(CardRef.parse("om_1")).isNull();
    assertThat(CardRef.parse("om_1#cardkit:c1@42")).isEqualTo(new CardRef("om_1", "c1", 42));
    assertThat(CardRef.messageOf("om_1#cardkit:c1@42")).isEqualTo("om_1");
    assertThat(CardRef.messageOf("om_1")).isEqualTo("om_1");
  }

  @Test
  void aTaskCardPostedBeforeARestartIsPatchedAndSaysWhy() {
    RenderAck ack = show(running("om_from_before", 7, 100));
    assertThat(ack.messageId()).isEqualTo("om_from_before");
    assertThat(fake.entities).isEmpty();
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/om_from_before")).hasSize(1);
    assertThat(renderer.streamer().offReason("task:t1")).contains("unknown to this gateway instance");
  }

  @Test
  void aCreateFailureFallsBackToPatchingTheMessageAndSaysSo() {
    fake.fault("POST", "/open-apis/cardkit/v1/cards", 400, 99991672, null); // no cardkit:card:write scope
    String id = show(running(null, 1, 0)).messageId();
    show(running(id, 2, 100));
    assertThat(fake.entities).isEmpty();
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/" + id)).hasSize(1);
    assertThat(fake.cards.get(id)).contains(OUTPUT);
    assertThat(renderer.streamer().offReason("task:t1")).contains("create failed").contains("99991672");
    assertThat(debug.newest(50).encode()).contains("\"streaming\":\"off\"").contains("99991672");
  }
}
