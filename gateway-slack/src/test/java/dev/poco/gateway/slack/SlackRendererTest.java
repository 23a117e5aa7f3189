package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.Await.on;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.CardBound;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Renders against the fake: post then chat.update by ts, pacing, stale, notify line, a gone message re-posted. */
class SlackRendererTest {
  Vertx vertx;
  FakeSlackApi fake;
  SlackApi api;
  Context ctx;
  List<CardBound> rebound = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, "s", "webhook", fake.baseUrl()), null);
    ctx = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  SlackRenderer renderer(long intervalMs) {
    return await(on(ctx, () -> Future.succeededFuture(new SlackRenderer(vertx, api, "sl-test", new DebugRing(100),
        new ButtonValues(), rebound::add, intervalMs, 0))));
  }

  static RenderRequest render(String messageId, long version, String status, boolean mustShow) {
    View v = new View(ViewKinds.TASK, "Fix tests", status, "output v" + version, null, null,
        List.of(new View.Action("Cancel", "danger", false, new JsonObject().put("intent_key", "task.cancel")
            .put("request_id", "r" + version))), 1, 1, new JsonObject().put("task_id", "t1").put("user_id", "U1"));
    return new RenderRequest(new ReplyTarget("slack", "C1", "1700000000.000100"), messageId, v, "t1", "p1", mustShow,
        version, RenderRequest.taskKey("t1"));
  }

  Future<RenderAck> send(SlackRenderer r, RenderRequest req) { return on(ctx, () -> r.render(req)); }

  @Test
  void postsInTheThreadThenUpdatesByTs() {
    SlackRenderer r = renderer(10);
    RenderAck posted = await(send(r, render(null, 1, "running", false)));
    assertThat(posted.gatewayId()).isEqualTo("sl-test");
    assertThat(posted.stale()).isFalse();
    JsonObject post = fake.calls("chat.postMessage").get(0).body();
    assertThat(post.getString("thread_ts")).isEqualTo("1700000000.000100");
    assertThat(post.getJsonArray("blocks").encode()).contains("task.cancel:0");
    String ts = posted.messageId();
    assertThat(fake.messages).containsKey("C1/" + ts);
    RenderAck updated = await(send(r, render(ts, 2, "running", false)));
    assertThat(updated.messageId()).isEqualTo(ts);
    JsonObject update = fake.calls("chat.update").get(0).body();
    assertThat(update.getString("ts")).isEqualTo(ts);
    assertThat(update.getString("channel")).isEqualTo("C1");
    assertThat(fake.messages.get("C1/" + ts).getString("text")).contains("output v2");
    assertThat(await(send(r, render(ts, 2, "running", false))).stale()).isTrue();
    assertThat(await(send(r, render(ts, 1, "running", false))).stale()).isTrue();
    assertThat(fake.calls("chat.update")).hasSize(1);
  }

  @Test
  void updatesArePacedToOneEvery3sPerCardLatestWins() {
    SlackRenderer r = renderer(PlatformLimits.SLACK_UPDATE_MIN_INTERVAL_MS);
    String ts = await(send(r, render(null, 1, "running", false))).messageId();
    Future<RenderAck> v2 = send(r, render(ts, 2, "running", false));
    Future<RenderAck> v3 = send(r, render(ts, 3, "running", false));
    Future<RenderAck> v4 = send(r, render(ts, 4, "running", false));
    await(Future.all(v2, v3, v4));
    List<FakeSlackApi.Call> updates = fake.calls("chat.update");
    assertThat(updates).hasSize(1);
    assertThat(updates.get(0).body().getString("text")).contains("output v4");
    long gap = updates.get(0).atMs() - fake.calls("chat.postMessage").get(0).atMs();
    assertThat(gap).isGreaterThanOrEqualTo(PlatformLimits.SLACK_UPDATE_MIN_INTERVAL_MS - 100);
    assertThat(r.pacer().coalesced()).isEqualTo(2);
  }

  @Test
  void terminalStatusPostsOneThreadedLineMentioningTheUser() {
    SlackRenderer r = renderer(10);
    String ts = await(send(r, render(null, 1, "running", false))).messageId();
    await(send(r, render(ts, 2, "completed", true)));
    await(send(r, render(ts, 3, "completed", true)));
    waitFor(() -> fake.calls("chat.postMessage").size() >= 2);
    List<FakeSlackApi.Call> posts = fake.calls("chat.postMessage");
    assertThat(posts).hasSize(2);
    JsonObject line = posts.get(1).body();
    assertThat(line.getString("text")).isEqualTo("<@U1> ✅ completed: Fix tests");
    assertThat(line.getString("thread_ts")).isEqualTo("1700000000.000100");
    assertThat(OutcomeLines.waiting()).isEqualTo("⏸ waiting for your approval: X");
  }

  @Test
  void theWorkspaceMessagePostsNoOutcomeLine() {
    SlackRenderer r = renderer(10);
    RenderRequest task = render(null, 1, "completed", true);
    RenderRequest ws = new RenderRequest(new ReplyTarget("slack", "C1", null), null, task.view(), null, "p1", true, 1,
        RenderRequest.workspaceKey("slack", "C1"));
    await(send(r, ws));
    sleep(200);
    assertThat(fake.calls("chat.postMessage")).as("the workspace message alone, no stray line").hasSize(1);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The waiting line, checked without a round trip. */
  static final class OutcomeLines {
    static String waiting() {
      return SlackRenderer.outcomeLine(new View(ViewKinds.TASK, "X", "waiting_confirmation", null, null, null, null,
          1, 1, null));
    }
  }

  @Test
  void aMessageThatIsGoneIsPostedAfreshAndBound() {
    SlackRenderer r = renderer(10);
    RenderAck ack = await(send(r, render("1699.000001", 5, "running", true)));
    assertThat(fake.calls("chat.update")).hasSize(1);
    assertThat(fake.calls("chat.postMessage")).hasSize(1);
    assertThat(ack.messageId()).isNotEqualTo("1699.000001");
    assertThat(rebound).hasSize(1);
    assertThat(rebound.get(0).messageId()).isEqualTo(ack.messageId());
  }

  @Test
  void aRefusedPostFailsTheRender() {
    SlackRenderer r = renderer(10);
    fake.fault("chat.postMessage", "error:channel_not_found");
    Throwable err = Await.failure(send(r, render(null, 1, "completed", true)));
    assertThat(err.getMessage()).contains("channel_not_found");
  }

  static void waitFor(java.util.function.BooleanSupplier cond) {
    long end = System.currentTimeMillis() + 5_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new AssertionError("condition not met in 5 s");
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }
}
