package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Placement;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The gateway on a minimal long connection: acks first, callback answers in the ack (in time and late), watchdog. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FeishuLongConnTest {
  Vertx vertx;
  FakeFeishuApi fake;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = FakeFeishuApi.start(vertx).await();
    fake.longConn = true;
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  void deploy() throws Exception {
    JsonObject c = new JsonObject().put(ConfigKeys.FEISHU_APP_ID, FakeFeishuApi.APP_ID)
        .put(ConfigKeys.FEISHU_APP_SECRET, FakeFeishuApi.APP_SECRET).put(ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl());
    vertx.deployVerticle(new FeishuGatewayVerticle(), new DeploymentOptions().setConfig(c)).await();
    awaitTrue(() -> fake.socket != null);
  }

  static Pbbp2Frame data(String messageId, String envelope) {
    return new Pbbp2Frame(11, 22, 77, Pbbp2Frame.DATA, List.of(new Pbbp2Frame.Header("type", "event"),
        new Pbbp2Frame.Header("message_id", messageId), new Pbbp2Frame.Header("sum", "1"),
        new Pbbp2Frame.Header("seq", "0"), new Pbbp2Frame.Header("trace_id", "tr")), null, null,
        envelope.getBytes(StandardCharsets.UTF_8), null);
  }

  Pbbp2Frame ackOf(String messageId) throws Exception {
    awaitTrue(() -> fake.fromClient.stream().anyMatch(f -> f.method() == 1 && messageId.equals(f.header("message_id"))));
    return fake.fromClient.stream().filter(f -> f.method() == 1 && messageId.equals(f.header("message_id"))).findFirst()
        .orElseThrow();
  }

  static JsonObject payload(Pbbp2Frame ack) { return new JsonObject(new String(ack.payload(), StandardCharsets.UTF_8)); }

  static JsonObject answer(Pbbp2Frame ack) {
    return new JsonObject(new String(Base64.getDecoder().decode(payload(ack).getString("data")), StandardCharsets.UTF_8));
  }

  @Test
  void anEventIsAckedBeforeTheOrchestratorAnswersAndPingsCarryTheServiceId() throws Exception {
    List<JsonObject> inbound = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> inbound.add(m.body())); // never answers
    deploy();
    String env = FeishuGatewayVerticleTest.messageEvent("ev-lc-1");
    fake.toClient(data("m-1", env));
    Pbbp2Frame ack = ackOf("m-1");
    assertThat(payload(ack)).isEqualTo(new JsonObject().put("code", 200));
    assertThat(ack.seqId()).isEqualTo(11);
    assertThat(ack.logId()).isEqualTo(22);
    assertThat(ack.header("biz_rt")).isNotNull();
    assertThat(ack.header("trace_id")).isEqualTo("tr");
    awaitTrue(() -> inbound.size() == 1);
    assertThat(fake.fromClient).anyMatch(f -> f.method() == 0 && "ping".equals(f.header("type")) && f.service() == 77);
    JsonObject h = Bus.<JsonObject>request(vertx.eventBus(), Addresses.gatewayHealth("feishu"), new JsonObject(), 5_000)
        .await();
    assertThat(h.getBoolean("listener_ready")).isTrue();
    assertThat(h.getString("last_event_at")).isNotNull();
  }

  @Test
  void aCallbackInTimeIsAnsweredInTheAckWithTheCard() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> m.reply(
        new Reply(View.notice("Projects", "none yet"), null, "Opened").placed(Placement.REPLACE).toJson()));
    deploy();
    fake.toClient(data("m-2", FeishuGatewayVerticleTest.cardActionEvent("cb-lc-1")));
    JsonObject a = answer(ackOf("m-2"));
    assertThat(a.getJsonObject("toast").getString("content")).isEqualTo("Opened");
    assertThat(a.getJsonObject("card").getString("type")).isEqualTo("raw");
  }

  @Test
  void aLateCallbackIsAckedEmptyWithinTheBudgetAndPatchedAfter() throws Exception {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> vertx.setTimer(2_500, id ->
        m.reply(new Reply(View.notice("Projects", "late view"), null, null).placed(Placement.REPLACE).toJson())));
    deploy();
    long t0 = System.currentTimeMillis();
    fake.toClient(data("m-3", FeishuGatewayVerticleTest.cardActionEvent("cb-lc-2")));
    Pbbp2Frame ack = ackOf("m-3");
    assertThat(System.currentTimeMillis() - t0).isLessThan(3_000);
    assertThat(answer(ack)).isEqualTo(new JsonObject());
    awaitTrue(() -> fake.cards.containsKey("om_card"));
    assertThat(fake.cards.get("om_card")).contains("late view");
  }

  @Test
  void aSilentServerIsLeftAndTheConnectionRenewed() throws Exception {
    deploy();
    assertThat(fake.endpointCalls.get()).isEqualTo(1);
    fake.answerPings = false;
    awaitTrue(() -> fake.endpointCalls.get() >= 2); // ~3 missed pongs at 1 s, then a fresh endpoint and dial
    JsonObject h = Bus.<JsonObject>request(vertx.eventBus(), Addresses.gatewayHealth("feishu"), new JsonObject(), 5_000)
        .await();
    assertThat(h.getJsonObject("long_connection").getString("last_ping_at")).isNotNull();
  }

  @Test
  void afterTheServersReconnectCountTheGatewayGivesUpAndHealthSaysSo() throws Exception {
    fake.reconnectCount = 2;
    deploy();
    assertThat(fake.endpointCalls.get()).isEqualTo(1);
    fake.refuseDial = true;
    fake.socket.close();
    JsonObject[] lc = new JsonObject[1];
    awaitTrue(() -> {
      lc[0] = Bus.<JsonObject>request(vertx.eventBus(), Addresses.gatewayHealth("feishu"), new JsonObject(), 5_000)
          .await().getJsonObject("long_connection");
      return lc[0].getString("gave_up") != null;
    });
    assertThat(lc[0].getBoolean("connected")).isFalse();
    assertThat(lc[0].getString("gave_up")).contains("ReconnectCount 2");
    assertThat(fake.endpointCalls.get()).isEqualTo(3); // the first connect, then exactly two attempts
    Thread.sleep(2_500); // two more ReconnectIntervals: nothing more is tried
    assertThat(fake.endpointCalls.get()).isEqualTo(3);
  }

  @Test
  void withReconnectCountForeverItKeepsTryingAndReconnects() throws Exception {
    deploy();
    fake.refuseDial = true;
    fake.socket.close();
    awaitTrue(() -> fake.endpointCalls.get() >= 4); // three refused attempts at least: it keeps trying
    // the attempt in flight when the dial is allowed again may be the one that connects: no count of calls after this
    fake.refuseDial = false;
    JsonObject[] lc = new JsonObject[1];
    awaitTrue(() -> {
      lc[0] = Bus.<JsonObject>request(vertx.eventBus(), Addresses.gatewayHealth("feishu"), new JsonObject(), 5_000)
          .await().getJsonObject("long_connection");
      return lc[0].getBoolean("connected");
    });
    assertThat(lc[0].getString("gave_up")).isNull();
    assertThat(lc[0].getInteger("reconnects")).isEqualTo(1);
  }

  static void awaitTrue(BooleanSupplier cond) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new AssertionError("condition not met in time");
      Thread.sleep(20);
    }
  }
}
