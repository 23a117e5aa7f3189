package dev.poco.gateway.feishu;

import static dev.poco.gateway.feishu.Await.await;
import static dev.poco.gateway.feishu.Await.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.CardIntent;
import dev.poco.contract.Placement;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.Reply;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deployed gateway on a real event bus, a stand-in orchestrator and the in-test Feishu fake. */
class FeishuGatewayVerticleTest {
  static final String VT = "vt-secret";
  static final String EK = "ek-secret";
  Vertx vertx;
  FakeFeishuApi fake;
  List<JsonObject> ready = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeFeishuApi.start(vertx));
    vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_READY, m -> ready.add(m.body()));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  JsonObject config(String mode, String encryptKey) {
    JsonObject c = new JsonObject().put(ConfigKeys.FEISHU_APP_ID, FakeFeishuApi.APP_ID)
        .put(ConfigKeys.FEISHU_APP_SECRET, FakeFeishuApi.APP_SECRET).put(ConfigKeys.FEISHU_VERIFICATION_TOKEN, VT)
        .put(ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl());
    if (mode != null) c.put(ConfigKeys.FEISHU_DELIVERY_MODE, mode);
    if (encryptKey != null) c.put(ConfigKeys.FEISHU_ENCRYPT_KEY, encryptKey);
    return c;
  }

  void deploy(JsonObject config) {
    await(vertx.deployVerticle(new FeishuGatewayVerticle(), new DeploymentOptions().setConfig(config)));
  }

  JsonObject ask(String address, JsonObject body) { return await(Bus.request(vertx.eventBus(), address, body, 5_000)); }

  RawHttpResponse webhook(String path, String body, JsonObject headers) {
    RawHttpRequest req = RawHttpRequest.of("POST", path, headers, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    return RawHttpResponse.fromJson(await(Bus.request(vertx.eventBus(), Addresses.gatewayWebhook("feishu"),
        req.toJson(), Bus.PLATFORM_ANSWER_MS)));
  }

  static String signedBody(String plain) { return new JsonObject().put("encrypt", FeishuCrypto.encrypt(EK, plain)).encode(); }

  static JsonObject signedHeaders(String body) {
    String ts = String.valueOf(System.currentTimeMillis() / 1000);
    return new JsonObject().put("x-lark-request-timestamp", ts).put("x-lark-request-nonce", "n")
        .put("x-lark-signature", FeishuCrypto.signature(ts, "n", EK, body.getBytes(StandardCharsets.UTF_8)));
  }

  static String messageEvent(String eventId) {
    JsonObject env = FeishuEventsTest.message("p2p", "user", "hello", null);
    env.getJsonObject("header").put("event_id", eventId).put("token", VT);
    return env.encode();
  }

  static String cardActionEvent(String eventId) {
    return new JsonObject().put("schema", "2.0")
        .put("header", new JsonObject().put("event_id", eventId).put("event_type", "card.action.trigger").put("token", VT))
        .put("event", new JsonObject().put("operator", new JsonObject().put("open_id", "ou_alice"))
            .put("action", new JsonObject().put("value", new JsonObject().put("intent_key", "home.manage")
                .put("request_id", "r1")).put("tag", "button"))
            .put("context", new JsonObject().put("open_message_id", "om_card").put("open_chat_id", "oc_1"))).encode();
  }

  static void awaitTrue(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.currentTimeMillis() + 8_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new AssertionError("condition not met in time");
      Thread.sleep(20);
    }
  }

  @Test
  void withoutCredentialsItOnlyAnswersHealth() {
    deploy(new JsonObject());
    JsonObject h = ask(Addresses.gatewayHealth("feishu"), new JsonObject());
    assertThat(h.getBoolean("configured")).isFalse();
    assertThat(h.getBoolean("listener_ready")).isFalse();
    assertThat(h.getString("delivery_mode")).isEqualTo("longconn");
    Throwable err = failure(Bus.request(vertx.eventBus(), Addresses.gatewayRender("feishu"), new JsonObject(), 1_000));
    assertThat(err).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) err).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
    assertThat(ready).isEmpty();
  }

  @Test
  void longConnectionModeWithoutAnEndpointIsNotReadyAndSaysWhy() throws Exception {
    deploy(config(null, null)); // this fake has no /callback/ws/endpoint: the gateway keeps trying, not ready
    awaitTrue(() -> !ready.isEmpty());
    awaitTrue(() -> String.valueOf(ask(Addresses.gatewayHealth("feishu"), new JsonObject()).getString("last_error"))
        .contains("long connection"));
    JsonObject h = ask(Addresses.gatewayHealth("feishu"), new JsonObject());
    assertThat(h.getBoolean("configured")).isTrue();
    assertThat(h.getBoolean("listener_ready")).isFalse();
    assertThat(h.getJsonObject("long_connection").getBoolean("connected")).isFalse();
  }

  @Test
  void webhookModeIsReadyPublishesReadinessAndKeepsSecretsOutOfHealthAndDebug() throws Exception {
    deploy(config("webhook", EK));
    awaitTrue(() -> !ready.isEmpty());
    JsonObject h = ask(Addresses.gatewayHealth("feishu"), new JsonObject());
    assertThat(h.getBoolean("listener_ready")).isTrue();
    assertThat(h.getString("connected_since")).isNotNull();
    assertThat(h.getString("gateway_id")).isEqualTo(ready.get(0).getString("gateway_id")).startsWith("fs-");
    assertThat(ready.get(0).getString("platform")).isEqualTo("feishu");
    RawHttpResponse bad = webhook("/platform/feishu/events", "{\"encrypt\":\"xx\"}", new JsonObject()
        .put("x-lark-request-timestamp", "1").put("x-lark-request-nonce", "n").put("x-lark-signature", "ab"));
    assertThat(bad.status()).isEqualTo(401);
    JsonObject debug = ask(Addresses.gatewayDebug("feishu"), new JsonObject());
    String all = h.encode() + debug.encode();
    assertThat(all).doesNotContain(EK).doesNotContain(VT).doesNotContain(FakeFeishuApi.APP_SECRET).doesNotContain("t-1");
    assertThat(debug.getJsonArray("entries").getJsonObject(0).getString("kind")).isEqualTo("error");
  }

  @Test
  void aMessageIsAckedAtOnceAndTheReplyGoesToTheUsersMessage() throws Exception {
    List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> {
      inbound.add(InboundMessage.fromJson(m.body()));
      vertx.setTimer(3_000, id -> m.reply(new Reply(View.notice("Home", "hi"), null, null).placed(Placement.NEW).toJson()));
    });
    deploy(config("webhook", EK));
    String body = signedBody(messageEvent("ev-42"));
    long t0 = System.nanoTime();
    RawHttpResponse ack = webhook("/platform/feishu/events", body, signedHeaders(body));
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(1_000); // never waits for the orchestrator
    assertThat(ack.status()).isEqualTo(200);
    awaitTrue(() -> !fake.calls("POST", "/open-apis/im/v1/messages/om_1/reply").isEmpty());
    assertThat(inbound).singleElement().satisfies(in -> {
      assertThat(in.eventId()).isEqualTo("ev-42");
      assertThat(in.text()).isEqualTo("hello");
    });
    JsonObject sent = fake.calls("POST", "/open-apis/im/v1/messages/om_1/reply").get(0).body();
    assertThat(sent.getString("content")).contains("\"Home\"");
  }

  @Test
  void aRefusalInAGroupGoesToTheUserAlone() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(
        Reply.refusal(403, View.notice("Not allowed", "ask the owner"), null).toJson()));
    deploy(config("webhook", null));
    JsonObject env = FeishuEventsTest.message("group", "user", "@_user_1 hi", null);
    env.getJsonObject("header").put("token", VT);
    assertThat(webhook("/platform/feishu/events", env.encode(), new JsonObject()).status()).isEqualTo(200);
    awaitTrue(() -> !fake.calls("POST", "/open-apis/im/v1/messages").isEmpty());
    var send = fake.calls("POST", "/open-apis/im/v1/messages").get(0);
    assertThat(send.query()).containsEntry("receive_id_type", "open_id");
    assertThat(send.body().getString("receive_id")).isEqualTo("ou_alice");
    assertThat(fake.calls("POST", "/open-apis/im/v1/messages/om_1/reply")).isEmpty();
  }

  @Test
  void aRefusalToAUserTheBotCannotWriteToIsRepliedInTheChat() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(
        Reply.refusal(403, View.notice("Not allowed", "ask the owner"), null).toJson()));
    deploy(config("webhook", null));
    fake.fault("POST", "/open-apis/im/v1/messages", 400, 230013, null);
    JsonObject env = FeishuEventsTest.message("group", "user", "@_user_1 hi", null);
    env.getJsonObject("header").put("token", VT);
    webhook("/platform/feishu/events", env.encode(), new JsonObject());
    awaitTrue(() -> !fake.calls("POST", "/open-apis/im/v1/messages/om_1/reply").isEmpty());
  }

  @Test
  void aCardActionAnsweredInTimeReplacesTheCardInTheCallbackAnswer() {
    List<CardIntent> intents = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> {
      intents.add(CardIntent.fromJson(m.body()));
      m.reply(new Reply(View.notice("Projects", "none yet"), null, "Opened").placed(Placement.REPLACE).toJson());
    });
    deploy(config("webhook", EK));
    String body = signedBody(cardActionEvent("cb-1"));
    RawHttpResponse answer = webhook("/platform/feishu/card-actions", body, signedHeaders(body));
    JsonObject json = new JsonObject(answer.body());
    assertThat(json.getJsonObject("toast").getString("content")).isEqualTo("Opened");
    assertThat(json.getJsonObject("card").getString("type")).isEqualTo("raw");
    assertThat(json.getJsonObject("card").getJsonObject("data").getString("schema")).isEqualTo("2.0");
    assertThat(intents).singleElement().satisfies(i -> {
      assertThat(i.intentKey()).isEqualTo("home.manage");
      assertThat(i.messageId()).isEqualTo("om_card");
      assertThat(i.eventId()).isEqualTo("cb-1");
    });
  }

  @Test
  void aLateCardActionIsAnsweredEmptyNowAndPatchedAfter() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> vertx.setTimer(2_500, id ->
        m.reply(new Reply(View.notice("Projects", "late view"), null, null).placed(Placement.REPLACE).toJson())));
    deploy(config("webhook", null));
    long t0 = System.nanoTime();
    RawHttpResponse answer = webhook("/platform/feishu/card-actions", cardActionEvent("cb-2"), new JsonObject());
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(Bus.PLATFORM_ANSWER_MS);
    assertThat(new JsonObject(answer.body())).isEqualTo(new JsonObject());
    awaitTrue(() -> fake.cards.containsKey("om_card"));
    assertThat(fake.cards.get("om_card")).contains("late view");
  }

  @Test
  void rendersAndChatsAreServed() {
    deploy(config("webhook", null));
    View v = new View(ViewKinds.TASK, "Task", "running", "out", null, null, null, 1, 1, new JsonObject());
    RenderRequest r = new RenderRequest(new ReplyTarget("feishu", "oc_1", null), null, v, "t1", "p1", true, 10,
        RenderRequest.taskKey("t1"));
    RenderAck ack = RenderAck.fromJson(ask(Addresses.gatewayRender("feishu"), r.toJson()));
    assertThat(ack.messageId()).startsWith("om_");
    RenderRequest again = new RenderRequest(r.target(), ack.messageId(), v, "t1", "p1", false, 5, r.cardKey());
    assertThat(RenderAck.fromJson(ask(Addresses.gatewayInstanceRender("feishu", ack.gatewayId()), again.toJson()))
        .stale()).isTrue();
    JsonObject chat = ask(Addresses.gatewayChat("feishu"), dev.poco.contract.ChatRequest.create("p9", "P 9", "ou_a").toJson());
    assertThat(chat.getString("chat_id")).startsWith("oc_");
  }
}
