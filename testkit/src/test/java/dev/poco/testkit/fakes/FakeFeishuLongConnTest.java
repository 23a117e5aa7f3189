package dev.poco.testkit.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake's long connection behaves as feishu.md §7 and §9 say: endpoint, tickets, pongs, pushes, acks, re-pushes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeFeishuLongConnTest {
  static final String APP = "cli_test";
  static final String SECRET = "s3cret-app";
  /** feishu.md §7.3's golden ping (service 33554678). */
  static final String GOLDEN_PING = "0800100018f681801020002a0c0a0474797065120470696e67";

  Vertx vertx;
  FakeFeishu fake;
  WebClient web;
  WebSocketClient wsClient;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = FakeFeishu.start(vertx, APP, SECRET);
    web = WebClient.create(vertx);
    wsClient = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    wsClient.close().await();
    web.close();
    fake.close();
    vertx.close().await();
  }

  JsonObject endpoint(String secret) {
    return web.postAbs(fake.baseUrl() + "/callback/ws/endpoint").putHeader("locale", "zh")
        .sendJsonObject(new JsonObject().put("AppID", APP).put("AppSecret", secret)).await().bodyAsJsonObject();
  }

  @Test
  void codecMatchesTheGoldenPing() {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("type", "ping");
    assertThat(HexFormat.of().formatHex(new FeishuFrame(0, 0, 33554678, 0, h, null).encode())).isEqualTo(GOLDEN_PING);
    assertThat(FeishuFrame.decode(HexFormat.of().parseHex(GOLDEN_PING)).header("type")).isEqualTo("ping");
  }

  @Test
  void endpointChecksTheAppAndTicketsAreOneTime() {
    assertThat(endpoint("wrong").getInteger("code")).isNotZero();
    JsonObject ok = endpoint(SECRET);
    assertThat(ok.getInteger("code")).isZero();
    String url = ok.getJsonObject("data").getString("URL");
    assertThat(url).startsWith("ws://127.0.0.1:" + fake.port() + "/ws/v2?").contains("service_id=33554678", "ticket=");
    assertThat(ok.getJsonObject("data").getJsonObject("ClientConfig").getInteger("PingInterval")).isPositive();
    WebSocket first = wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).await();
    assertThat(first.isClosed()).isFalse();
    Throwable reused = failureOf(url);
    assertThat(reused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(((UpgradeRejectedException) reused).getStatus()).isEqualTo(514);
  }

  private Throwable failureOf(String url) {
    try {
      wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).await();
      return null;
    } catch (Throwable t) {
      return t;
    }
  }

  @Test
  void pongsPushesAcksAndRepushes() throws Exception {
    String url = endpoint(SECRET).getJsonObject("data").getString("URL");
    WebSocket ws = wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).await();
    List<FeishuFrame> got = new CopyOnWriteArrayList<>();
    ws.binaryMessageHandler(b -> got.add(FeishuFrame.decode(b.getBytes())));
    ws.writeBinaryMessage(Buffer.buffer(HexFormat.of().parseHex(GOLDEN_PING))).await();
    waitFor(() -> got.stream().anyMatch(f -> "pong".equals(f.header("type"))));

    fake.longConn().ackDeadlineMs(300);
    fake.longConn().maxRedeliveries(1);
    fake.longConn().fragments(2);
    JsonObject env = new JsonObject().put("schema", "2.0").put("header", new JsonObject().put("event_id", "ev-1")
        .put("event_type", "im.message.receive_v1")).put("event", new JsonObject().put("text", "x".repeat(100)));
    fake.longConn().push(env);
    waitFor(() -> fake.longConn().pushes().size() == 2); // not acked: re-pushed once
    Thread.sleep(600);
    assertThat(fake.longConn().pushes()).hasSize(2).allMatch(p -> p.eventId().equals("ev-1"));
    List<FeishuFrame> data = got.stream().filter(f -> f.method() == FeishuFrame.DATA).toList();
    assertThat(data).hasSize(4).allMatch(f -> f.headers().keySet().containsAll(List.of("type", "message_id", "sum",
        "seq", "trace_id")));
    assertThat(data.get(0).header("seq")).as("fragments come last first").isEqualTo("1");
    FeishuFrame last = data.get(3);
    byte[] ack = new FeishuFrame(last.seqId(), last.logId(), last.service(), 1, last.headers(),
        new JsonObject().put("code", 200).put("data", Base64.getEncoder().encodeToString("{}".getBytes(
            StandardCharsets.UTF_8))).encode().getBytes(StandardCharsets.UTF_8)).encode();
    ws.writeBinaryMessage(Buffer.buffer(ack)).await();
    waitFor(() -> fake.longConn().acks().size() == 1);
    assertThat(fake.longConn().acks().get(0).eventId()).isEqualTo("ev-1");
    assertThat(fake.longConn().acks().get(0).data()).isEqualTo(new JsonObject());

    fake.longConn().goSilent();
    int pongs = (int) got.stream().filter(f -> "pong".equals(f.header("type"))).count();
    ws.writeBinaryMessage(Buffer.buffer(HexFormat.of().parseHex(GOLDEN_PING))).await();
    Thread.sleep(300);
    assertThat(got.stream().filter(f -> "pong".equals(f.header("type")))).as("silent: no pong").hasSize(pongs);
    assertThat(fake.longConn().connected()).isZero();
    assertThat(ws.isClosed()).as("TCP stays open").isFalse();
  }

  static void waitFor(java.util.function.BooleanSupplier cond) throws InterruptedException {
    long end = System.currentTimeMillis() + 5_000;
    while (!cond.getAsBoolean()) {
      if (System.currentTimeMillis() > end) throw new AssertionError("condition not met in time");
      Thread.sleep(20);
    }
  }
}
