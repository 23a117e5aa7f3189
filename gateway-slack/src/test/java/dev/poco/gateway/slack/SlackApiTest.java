package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Web API client against the in-test fake: Bearer token, rate limits, ok:false errors (slack.md §4, §6). */
class SlackApiTest {
  Vertx vertx;
  FakeSlackApi fake;
  SlackApi api;
  List<String> errors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, "sig", "webhook", fake.baseUrl()),
        errors::add);
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void authTestAnswersTheBotUser() {
    assertThat(await(api.authTest()).getString("user_id")).isEqualTo(FakeSlackApi.BOT_USER);
  }

  @Test
  void aRateLimitHoldsBackTheSameMethodInTheSameChannelOnly() {
    String ts = await(api.postMessage("C1", "task", new JsonArray(), null));
    String other = await(api.postMessage("C2", "task", new JsonArray(), null));
    fake.fault("chat.update", "429:1");
    var first = api.update("C1", ts, "v2", null);
    await(vertx.timer(200));
    var second = api.update("C1", ts, "v3", null); // would run into the same limit: it waits
    var elsewhere = api.update("C2", other, "v2", null);
    await(io.vertx.core.Future.all(first, second, elsewhere));
    List<FakeSlackApi.Call> c1 = fake.calls("chat.update").stream()
        .filter(c -> c.body().getString("channel").equals("C1")).toList();
    assertThat(c1).hasSize(3); // the 429, its retry, the held-back one
    assertThat(c1.get(1).atMs() - c1.get(0).atMs()).isGreaterThanOrEqualTo(900);
    assertThat(c1.get(2).atMs() - c1.get(0).atMs()).isGreaterThanOrEqualTo(900);
    FakeSlackApi.Call c2 = fake.calls("chat.update").stream()
        .filter(c -> c.body().getString("channel").equals("C2")).findFirst().orElseThrow();
    assertThat(c2.atMs() - c1.get(0).atMs()).isLessThan(900);
    assertThat(api.heldBack()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void http429WithRetryAfterIsWaitedOutAndRetried() {
    fake.fault("chat.postMessage", "429:1");
    long t0 = System.currentTimeMillis();
    String ts = await(api.postMessage("C1", "hi", new JsonArray(), null));
    assertThat(ts).isNotBlank();
    List<FakeSlackApi.Call> calls = fake.calls("chat.postMessage");
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).atMs() - calls.get(0).atMs()).isGreaterThanOrEqualTo(900);
    assertThat(System.currentTimeMillis() - t0).isGreaterThanOrEqualTo(900);
    assertThat(api.retries()).isEqualTo(1);
  }

  @Test
  void okFalseRatelimitedIsRetriedAtMostFourAttempts() {
    fake.fault("chat.update", "error:ratelimited", "error:rate_limited");
    fake.fault("chat.postMessage", "429:0", "429:0", "429:0", "429:0", "429:0");
    String ts = await(api.postMessage("C1", "a", null, null).recover(err -> io.vertx.core.Future.succeededFuture("x")));
    assertThat(ts).isEqualTo("x");
    assertThat(fake.calls("chat.postMessage")).hasSize(SlackApi.MAX_ATTEMPTS);
    fake.faults.clear();
    String posted = await(api.postMessage("C1", "a", null, null));
    fake.fault("chat.update", "error:ratelimited", "error:rate_limited");
    await(api.update("C1", posted, "b", null));
    assertThat(fake.calls("chat.update")).hasSize(3);
    assertThat(fake.messages.get("C1/" + posted).getString("text")).isEqualTo("b");
  }

  @Test
  void okFalseErrorsSurfaceWithTheirErrorStringAndNoToken() {
    Throwable err = failure(api.update("C1", "1.2", "x", null));
    assertThat(err).isInstanceOf(SlackApiException.class);
    assertThat(((SlackApiException) err).error()).isEqualTo("message_not_found");
    assertThat(((SlackApiException) err).messageGone()).isTrue();
    assertThat(errors).anyMatch(e -> e.contains("message_not_found"));
    assertThat(String.join(" ", errors)).doesNotContain(FakeSlackApi.BOT_TOKEN);
    SlackApi wrongToken = new SlackApi(vertx, new SlackConfig("xoxb-wrong", null, "s", "webhook", fake.baseUrl()), null);
    assertThat(((SlackApiException) failure(wrongToken.authTest())).error()).isEqualTo("not_authed");
  }

  @Test
  void postEphemeralThreadAndResponseUrl() {
    String mts = await(api.postEphemeral("C1", "U1", "only you", new JsonArray(), "1.1"));
    assertThat(mts).isNotBlank();
    JsonObject body = fake.calls("chat.postEphemeral").get(0).body();
    assertThat(body.getString("user")).isEqualTo("U1");
    assertThat(body.getString("thread_ts")).isEqualTo("1.1");
    await(api.respond(fake.responseUrl("r1"), new JsonObject().put("text", "later")));
    assertThat(fake.calls("response_url:r1").get(0).body().getString("text")).isEqualTo("later");
    assertThat(await(api.openDm("U7"))).isEqualTo("DU7");
  }

  @Test
  void inviteAndArchiveAreIdempotent() {
    fake.fault("conversations.invite", "error:already_in_channel");
    await(api.invite("C1", "U1"));
    fake.fault("conversations.archive", "error:already_archived");
    await(api.archive("C1"));
    fake.fault("conversations.invite", "error:user_not_found");
    assertThat(((SlackApiException) failure(api.invite("C1", "U404"))).error()).isEqualTo("user_not_found");
  }
}
