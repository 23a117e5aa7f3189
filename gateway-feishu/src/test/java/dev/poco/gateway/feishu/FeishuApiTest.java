package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import static dev.poco.gateway.feishu.Await.await;
import static dev.poco.gateway.feishu.Await.failure;
import static dev.poco.gateway.feishu.Await.on;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FeishuApi against the in-test fake: token caching and refresh, invalid-token retry, rate-limit backoff, chats. */
class FeishuApiTest {
  Vertx vertx;
  FakeFeishuApi fake;
  Context ctx;
  FeishuApi api;
  List<String> errors = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeFeishuApi.start(vertx));
    ctx = vertx.getOrCreateContext();
    api = new FeishuApi(vertx, config(fake), errors::add);
  }

  static FeishuConfig config(FakeFeishuApi fake) {
    return new FeishuConfig(FakeFeishuApi.APP_ID, FakeFeishuApi.APP_SECRET, "webhook", null, null, fake.baseUrl());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void theTokenIsFetchedOnceAndReused() {
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    await(on(ctx, () -> api.patchCard("om_1", "{}")));
    assertThat(fake.tokenFetches.get()).isEqualTo(1);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages")).hasSize(2);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages").get(0).query()).containsEntry("receive_id_type", "chat_id");
  }

  @Test
  void concurrentCallersShareOneTokenFetch() {
    await(on(ctx, () -> io.vertx.core.Future.all(api.sendCard("oc_1", "{}"), api.sendCard("oc_2", "{}"),
        api.sendCard("oc_3", "{}"))));
    assertThat(fake.tokenFetches.get()).isEqualTo(1);
  }

  @Test
  void aTokenNearItsExpiryIsRefreshedBeforeUse() throws Exception {
    fake.tokenExpireSeconds = 2; // a short-lived token is refreshed at half its life
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    Thread.sleep(1_200);
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    assertThat(fake.tokenFetches.get()).isEqualTo(2);
  }

  @Test
  void anInvalidTokenCodeDropsTheTokenAndRetriesOnce() {
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    fake.fault("POST", "/open-apis/im/v1/messages", 400, 99991663, null);
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    assertThat(fake.tokenFetches.get()).isEqualTo(2);
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages")).hasSize(3);
  }

  @Test
  void a429WaitsTheResetSecondsThenRetries() {
    fake.fault("PATCH", "/open-apis/im/v1/messages/", 429, 99991400, Map.of("x-ogw-ratelimit-reset", "1"));
    long t0 = System.nanoTime();
    await(on(ctx, () -> api.patchCard("om_1", "{\"schema\":\"2.0\"}")));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(ms).isGreaterThanOrEqualTo(1_000);
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/om_1")).hasSize(2);
    assertThat(api.retries()).isEqualTo(1);
  }

  @Test
  void theMessageFrequencyLimitIsBackedOffAndRetriedWithTheSameUuid() {
    fake.fault("POST", "/open-apis/im/v1/messages", 400, 230020, null);
    await(on(ctx, () -> api.sendCard("oc_1", "{}")));
    var sends = fake.calls("POST", "/open-apis/im/v1/messages");
    assertThat(sends).hasSize(2);
    assertThat(sends.get(1).body().getString("uuid")).isEqualTo(sends.get(0).body().getString("uuid"));
  }

  @Test
  void aTerminalCodeFailsAtOnceWithTheCodeAndNoSecret() {
    fake.fault("PATCH", "/open-apis/im/v1/messages/", 400, 230011, null);
    Throwable err = failure(on(ctx, () -> api.patchCard("om_1", "{}")));
    assertThat(err).isInstanceOf(FeishuApiException.class);
    assertThat(((FeishuApiException) err).cardGone()).isTrue();
    assertThat(fake.calls("PATCH", "/open-apis/im/v1/messages/")).hasSize(1);
    assertThat(String.join(" ", errors)).contains("230011").doesNotContain(FakeFeishuApi.APP_SECRET).doesNotContain("t-1");
  }

  @Test
  void wrongCredentialsFailTheCallWithoutTheSecret() {
    FeishuApi bad = new FeishuApi(vertx, new FeishuConfig(FakeFeishuApi.APP_ID, "wrong-secret", "webhook", null, null,
        fake.baseUrl()), errors::add);
    Throwable err = failure(on(ctx, () -> bad.sendCard("oc_1", "{}")));
    assertThat(err.getMessage()).contains("tenant_access_token").doesNotContain("wrong-secret");
  }

  @Test
  void chatCreateIsIdempotentByProjectIdAndDissolveOfAGoneChatSucceeds() {
    FeishuChats chats = new FeishuChats(api, new DebugRing(10));
    ChatReply a = await(on(ctx, () -> chats.handle(ChatRequest.create("p-1", "My Project 1", "ou_alice"))));
    ChatReply b = await(on(ctx, () -> chats.handle(ChatRequest.create("p-1", "My Project 1", "ou_alice"))));
    assertThat(b).isEqualTo(a);
    assertThat(a.name()).isEqualTo("My Project 1");
    var creates = fake.calls("POST", "/open-apis/im/v1/chats");
    assertThat(creates).hasSize(1);
    assertThat(creates.get(0).query()).containsEntry("uuid", "p-1").containsEntry("user_id_type", "open_id");
    assertThat(creates.get(0).body().getJsonArray("user_id_list").getString(0)).isEqualTo("ou_alice");
    // a new gateway instance (no memory) asking again gets the same chat through Feishu's uuid
    FeishuChats other = new FeishuChats(api, new DebugRing(10));
    assertThat(await(on(ctx, () -> other.handle(ChatRequest.create("p-1", "My Project 1", "ou_alice"))))).isEqualTo(a);
    await(on(ctx, () -> chats.handle(ChatRequest.dissolve("p-1", a.chatId()))));
    await(on(ctx, () -> chats.handle(ChatRequest.dissolve("p-1", a.chatId()))));
    assertThat(fake.calls("DELETE", "/open-apis/im/v1/chats/" + a.chatId())).hasSize(2);
    assertThat(fake.chats).doesNotContain(a.chatId());
  }

  @Test
  void aLongProjectIdIsDigestedToFeishusUuidLength() {
    assertThat(FeishuChats.uuid("p".repeat(80))).hasSize(FeishuChats.MAX_UUID);
    assertThat(FeishuChats.uuid("short")).isEqualTo("short");
  }
}
