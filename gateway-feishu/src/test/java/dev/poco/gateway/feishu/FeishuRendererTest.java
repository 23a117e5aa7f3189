package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import static dev.poco.gateway.feishu.Await.await;
import static dev.poco.gateway.feishu.Await.failure;
import static dev.poco.gateway.feishu.Await.on;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.CardBound;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Renders: post, patch, stale, repeated post, pacing, and a fresh card when the old one can no longer be patched. */
class FeishuRendererTest {
  Vertx vertx;
  FakeFeishuApi fake;
  Context ctx;
  FeishuRenderer renderer;
  List<CardBound> bound = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeFeishuApi.start(vertx));
    ctx = vertx.getOrCreateContext();
    renderer = await(on(ctx, () -> Future.succeededFuture(new FeishuRenderer(vertx,
        new FeishuApi(vertx, FeishuApiTest.config(fake), null), "fs-test", new DebugRing(50), bound::add))));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  static RenderRequest render(String messageId, long version, String status, boolean mustShow) {
    View v = new View(ViewKinds.TASK, "Task", status, "output v" + version, null, null, null, 1, 1, new JsonObject());
    return new RenderRequest(new ReplyTarget("feishu", "oc_1", null), messageId, v, "t1", "p1", mustShow, version,
        RenderRequest.taskKey("t1"));
  }

  RenderAck show(RenderRequest r) { return await(on(ctx, () -> renderer.render(r))); }

  @Test
  void aPostSendsTheCardAndAcksWithTheNewMessage() {
    RenderAck ack = show(render(null, 1, "running", false));
    assertThat(ack.gatewayId()).isEqualTo("fs-test");
    assertThat(ack.messageId()).startsWith("om_");
    assertThat(ack.stale()).isFalse();
    var send = fake.calls("POST", "/open-apis/im/v1/messages").get(0);
    assertThat(send.body().getString("msg_type")).isEqualTo("interactive");
    assertThat(new JsonObject(send.body().getString("content")).getString("schema")).isEqualTo("2.0");
  }

  @Test
  void aPatchUpdatesTheMessageAndAnOlderVersionIsStale() {
    String id = show(render(null, 1, "running", false)).messageId();
    RenderAck ack = show(render(id, 3, "completed", true));
    assertThat(ack.messageId()).isEqualTo(id);
    assertThat(fake.cards.get(id)).contains("output v3");
    RenderAck stale = show(render(id, 2, "running", false));
    assertThat(stale.stale()).isTrue();
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/")).hasSize(1);
  }

  @Test
  void aRepeatedPostOfTheSameCardPatchesInsteadOfPostingTwice() {
    String id = show(render(null, 1, "running", false)).messageId();
    RenderAck again = show(render(null, 2, "running", false));
    assertThat(again.messageId()).isEqualTo(id);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages")).hasSize(1);
  }

  @Test
  void patchesOfOneCardAreAtMostOnePerSecondAndTheLatestWins() {
    String id = show(render(null, 1, "running", false)).messageId();
    long t0 = System.nanoTime();
    List<Future<RenderAck>> acks = new CopyOnWriteArrayList<>();
    for (int v = 2; v <= 6; v++) {
      RenderRequest r = render(id, v, "running", false);
      acks.add(on(ctx, () -> renderer.render(r)));
    }
    await(Future.all(acks));
    // the card's second counts from the post's start, a few ms before its ack: allow for that
    assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(700);
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/").size()).isLessThanOrEqualTo(2);
    assertThat(fake.cards.get(id)).contains("output v6");
  }

  @Test
  void anOlderRenderArrivingAfterANewerOneWaitingDoesNotReplaceIt() {
    String id = show(render(null, 1, "running", false)).messageId();
    show(render(id, 2, "running", false)); // the card's next write now waits out its second
    List<Future<RenderAck>> acks = new CopyOnWriteArrayList<>();
    for (long v : new long[] {3, 5, 4}) {
      RenderRequest r = render(id, v, "running", false);
      acks.add(on(ctx, () -> renderer.render(r)));
    }
    await(Future.all(acks));
    assertThat(fake.cards.get(id)).contains("output v5");
    assertThat(show(render(id, 4, "running", false)).stale()).isTrue();
  }

  @Test
  void aRecalledCardIsPostedAfreshAndBound() {
    String id = show(render(null, 1, "running", false)).messageId();
    fake.fault("PATCH", "/open-apis/im/v1/messages/" + id, 400, 230011, null);
    RenderAck ack = show(render(id, 2, "completed", true));
    assertThat(ack.messageId()).isNotEqualTo(id).startsWith("om_");
    assertThat(bound).singleElement().satisfies(b -> {
      assertThat(b.messageId()).isEqualTo(ack.messageId());
      assertThat(b.gatewayId()).isEqualTo("fs-test");
      assertThat(b.taskId()).isEqualTo("t1");
      assertThat(b.chatId()).isEqualTo("oc_1");
    });
    // the orchestrator may still name the old message until it has the CardBound: the new one is patched
    vertx.setTimer(1, x -> { });
    RenderAck next = show(render(id, 3, "completed", true));
    assertThat(next.messageId()).isEqualTo(ack.messageId());
    // two cards (the recalled one, the fresh one) and one line telling the user the task completed
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages")).hasSize(3);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages").stream()
        .filter(c -> "text".equals(c.body().getString("msg_type")))).singleElement()
        .satisfies(c -> assertThat(c.body().getString("content")).contains("Task completed"));
  }

  @Test
  void aRefusedPatchFailsTheRenderSoAMustShowIsRetried() {
    String id = show(render(null, 1, "running", false)).messageId();
    fake.fault("PATCH", "/open-apis/im/v1/messages/" + id, 400, 230027, null);
    Throwable err = failure(on(ctx, () -> renderer.render(render(id, 2, "failed", true))));
    assertThat(err.getMessage()).contains("230027");
  }

  @Test
  void aRenderUnderAPromptQuotesIt() {
    View v = View.notice("n", "b");
    RenderRequest r = new RenderRequest(new ReplyTarget("feishu", "oc_1", "om_root"), null, v, "t2", "p1", true, 1,
        RenderRequest.taskKey("t2"));
    show(r);
    var reply = fake.calls("POST", "/open-apis/im/v1/messages/om_root/reply");
    assertThat(reply).hasSize(1);
    // a quote reply in the chat's main flow, not a new topic
    assertThat(reply.get(0).body().getBoolean("reply_in_thread")).isFalse();
  }
}
