package dev.poco.testkit.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake's Socket Mode link behaves as slack.md §5, §8 and §11 say: tickets, hello, envelopes, acks, scripts. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeSlackSocketTest {
  static final String BOT = "xoxb-1-test-bot";
  static final String APP = "xapp-1-test-app";
  static final String ALICE = "UALICE01";

  Vertx vertx;
  FakeSlack fake;
  WebClient web;
  WebSocketClient wsClient;
  SlackChannel dev;

  /** A client socket and the messages it got, in order. */
  record Client(WebSocket ws, BlockingQueue<JsonObject> inbox, AtomicBoolean closed) {
    JsonObject next() throws InterruptedException {
      JsonObject m = inbox.poll(10, TimeUnit.SECONDS);
      assertThat(m).as("a message within 10 s").isNotNull();
      return m;
    }

    /** The next envelope, skipping hello and disconnect messages. */
    JsonObject nextEnvelope() throws InterruptedException {
      while (true) {
        JsonObject m = next();
        if (m.getString("envelope_id") != null) return m;
      }
    }

    void ack(JsonObject envelope, JsonObject payload) {
      JsonObject ack = new JsonObject().put("envelope_id", envelope.getString("envelope_id"));
      if (payload != null) ack.put("payload", payload);
      ws.writeTextMessage(ack.encode()).await();
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = FakeSlack.start(vertx, BOT, APP);
    fake.tierPerMinute(1, 100); // apps.connections.open is Tier 1; these tests open many sockets
    web = WebClient.create(vertx);
    wsClient = vertx.createWebSocketClient();
    dev = fake.channel("dev", List.of(ALICE), true);
  }

  @AfterEach
  void stop() {
    wsClient.close().await();
    web.close();
    fake.close();
    vertx.close().await();
  }

  String openUrl() {
    JsonObject r = web.postAbs(fake.apiUrl() + "apps.connections.open").putHeader("Authorization", "Bearer " + APP)
        .send().await().bodyAsJsonObject();
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    return r.getString("url");
  }

  Client connect(String url) {
    BlockingQueue<JsonObject> inbox = new LinkedBlockingQueue<>();
    AtomicBoolean closed = new AtomicBoolean();
    // handlers set on the event loop as the socket opens, so hello cannot arrive before them
    WebSocket ws = wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).map(s -> {
      s.textMessageHandler(t -> inbox.add(new JsonObject(t)));
      s.closeHandler(v -> closed.set(true));
      return s;
    }).await();
    return new Client(ws, inbox, closed);
  }

  Client connect() throws InterruptedException {
    Client c = connect(openUrl());
    assertThat(c.next().getString("type")).isEqualTo("hello");
    return c;
  }

  static void eventually(java.util.function.BooleanSupplier check) throws InterruptedException {
    for (int i = 0; i < 200 && !check.getAsBoolean(); i++) Thread.sleep(50);
    assertThat(check.getAsBoolean()).isTrue();
  }

  @Test
  void ticketsAreOneTimeAndTheLinkSaysHello() throws Exception {
    String url = openUrl();
    assertThat(url).startsWith("ws://127.0.0.1:" + fake.port() + "/link/?ticket=").contains("&app_id=" + fake.appId);
    Client c = connect(url);
    JsonObject hello = c.next();
    assertThat(hello.getString("type")).isEqualTo("hello");
    assertThat(hello.getInteger("num_connections")).isEqualTo(1);
    assertThat(hello.getJsonObject("connection_info").getString("app_id")).isEqualTo(fake.appId);
    Throwable reused = null;
    try {
      wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(url)).await();
    } catch (Throwable t) {
      reused = t;
    }
    assertThat(reused).isInstanceOf(UpgradeRejectedException.class);
    assertThat(fake.socket().opened()).isEqualTo(1);
  }

  @Test
  void appsConnectionsOpenIsTier1() {
    fake.tierPerMinute(1, 1);
    fake.freezeClock();
    openUrl();
    HttpResponse<Buffer> second = web.postAbs(fake.apiUrl() + "apps.connections.open")
        .putHeader("Authorization", "Bearer " + APP).send().await();
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(Integer.parseInt(second.getHeader("Retry-After"))).isBetween(1, 60);
  }

  @Test
  void anEventNotAckedInTimeIsRedeliveredWithRetryAttempt() throws Exception {
    fake.socket().ackDeadlineMs(300);
    Client c = connect();
    SlackInbound msg = SlackInbound.message(fake, dev.id, ALICE, "hello", null);
    fake.socket().push(msg);
    JsonObject first = c.nextEnvelope();
    assertThat(first.getString("type")).isEqualTo("events_api");
    assertThat(first.getBoolean("accepts_response_payload")).isFalse();
    assertThat(first.getInteger("retry_attempt")).isZero();
    assertThat(first.getJsonObject("payload").getString("event_id")).isEqualTo(msg.eventId());
    assertThat(first.getJsonObject("payload").getJsonObject("event").getString("text")).isEqualTo("hello");
    JsonObject again = c.nextEnvelope(); // no ack: redelivered
    assertThat(again.getInteger("retry_attempt")).isEqualTo(1);
    assertThat(again.getString("retry_reason")).isEqualTo("timeout");
    assertThat(again.getJsonObject("payload").getString("event_id")).isEqualTo(msg.eventId());
    c.ack(again, null);
    Thread.sleep(800);
    assertThat(c.inbox()).isEmpty();
    assertThat(fake.socket().deliveries()).hasSize(2);
    assertThat(fake.socket().acks()).singleElement().satisfies(a -> assertThat(a.late()).isFalse());
  }

  @Test
  void aSlashCommandsAckPayloadIsItsReply() throws Exception {
    Client c = connect();
    SlackInbound cmd = SlackInbound.slashCommand(fake, ALICE, dev.id, "/poco", "help");
    Thread answer = new Thread(() -> {
      try {
        JsonObject env = c.nextEnvelope();
        assertThat(env.getString("type")).isEqualTo("slash_commands");
        assertThat(env.getBoolean("accepts_response_payload")).isTrue();
        assertThat(env.containsKey("retry_attempt")).isFalse();
        assertThat(env.getJsonObject("payload").getString("command")).isEqualTo("/poco");
        c.ack(env, new JsonObject().put("text", "usage: /poco …"));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    answer.start();
    SlackSocketLink.Ack ack = fake.socket().pushAndAwait(cmd);
    answer.join();
    assertThat(ack).isNotNull();
    assertThat(dev.ephemeralsFor(ALICE)).extracting(SlackMessage::text).containsExactly("usage: /poco …");
    assertThat(dev.messages()).isEmpty();
  }

  @Test
  void aViewSubmissionsResponseActionIsApplied() throws Exception {
    Client c = connect();
    String ts = web.postAbs(fake.apiUrl() + "chat.postMessage").putHeader("Authorization", "Bearer " + BOT)
        .sendJsonObject(new JsonObject().put("channel", dev.id).put("text", "x").put("blocks",
            FakeSlackTest.buttons("ask"))).await().bodyAsJsonObject().getString("ts");
    String trigger = SlackInbound.click(fake, ALICE, dev.id, ts, "ask").payload().getString("trigger_id");
    String viewId = web.postAbs(fake.apiUrl() + "views.open").putHeader("Authorization", "Bearer " + BOT)
        .sendJsonObject(new JsonObject().put("trigger_id", trigger).put("view", new JsonObject().put("type", "modal")
            .put("callback_id", "ask").put("blocks", new JsonArray()))).await().bodyAsJsonObject()
        .getJsonObject("view").getString("id");
    JsonObject values = new JsonObject().put("b", new JsonObject().put("a", new JsonObject().put("type",
        "plain_text_input").put("value", "")));
    fake.socket().push(SlackInbound.viewSubmission(fake, ALICE, viewId, values));
    JsonObject env = c.nextEnvelope();
    assertThat(env.getString("type")).isEqualTo("interactive");
    assertThat(env.getJsonObject("payload").getString("type")).isEqualTo("view_submission");
    assertThat(env.getJsonObject("payload").getJsonObject("view").getJsonObject("state").getJsonObject("values"))
        .isEqualTo(values);
    c.ack(env, new JsonObject().put("response_action", "errors").put("errors", new JsonObject().put("b", "required")));
    eventually(() -> fake.view(viewId).errors() != null);
    assertThat(fake.view(viewId).closed()).isFalse();
    fake.socket().push(SlackInbound.viewSubmission(fake, ALICE, viewId, values));
    c.ack(c.nextEnvelope(), null);
    eventually(() -> fake.view(viewId).closed());
  }

  @Test
  void anInteractionNotAckedIsNotRedeliveredButTheUserSeesAnError() throws Exception {
    fake.socket().ackDeadlineMs(200);
    Client c = connect();
    SlackSocketLink.Ack ack = fake.socket().pushAndAwait(SlackInbound.slashCommand(fake, ALICE, dev.id, "/poco", ""));
    assertThat(ack).isNull();
    assertThat(c.nextEnvelope().getString("type")).isEqualTo("slash_commands");
    Thread.sleep(500);
    assertThat(c.inbox()).isEmpty();
    assertThat(fake.socket().userErrors()).hasSize(1);
  }

  @Test
  void eachEnvelopeGoesToOneConnectionAndTheEleventhIsRefused() throws Exception {
    Client a = connect();
    Client b = connect();
    fake.socket().push(SlackInbound.message(fake, dev.id, ALICE, "one", null));
    fake.socket().push(SlackInbound.message(fake, dev.id, ALICE, "two", null));
    eventually(() -> fake.socket().deliveries().size() == 2);
    assertThat(fake.socket().deliveries()).extracting(SlackSocketLink.Delivery::connection).doesNotHaveDuplicates();
    for (int i = 2; i < SlackSocketLink.MAX_CONNECTIONS; i++) connect();
    Client eleventh = connect(openUrl());
    JsonObject m = eleventh.next();
    assertThat(m.getString("type")).isEqualTo("disconnect");
    assertThat(m.getString("reason")).isEqualTo("too_many_websockets");
    eventually(() -> eleventh.closed().get());
    assertThat(fake.socket().connected()).isEqualTo(SlackSocketLink.MAX_CONNECTIONS);
  }

  @Test
  void scriptedDisconnectsAndDrops() throws Exception {
    Client c = connect();
    fake.socket().disconnect("warning");
    fake.socket().disconnect("refresh_requested");
    assertThat(c.next().getString("reason")).isEqualTo("warning");
    assertThat(c.next().getString("reason")).isEqualTo("refresh_requested");
    Client d = connect();
    fake.socket().disconnect("link_disabled");
    assertThat(d.next().getString("reason")).isEqualTo("link_disabled");
    fake.socket().closeAll();
    eventually(() -> c.closed().get() && d.closed().get());
    assertThat(c.ws().closeStatusCode()).isNotNull();

    Client e = connect();
    fake.socket().dropTcp();
    eventually(() -> e.closed().get());
    assertThat(e.ws().closeStatusCode()).isNotEqualTo((short) 1000);
  }

  @Test
  void aSilentSocketNeitherPingsNorPongsAndLingersAfterClose() throws Exception {
    fake.socket().pingIntervalMs(100);
    Client c = connect();
    eventually(() -> fake.socket().pongs() > 0); // the client auto-pongs the server's pings
    AtomicInteger pongs = new AtomicInteger();
    c.ws().pongHandler(b -> pongs.incrementAndGet());
    c.ws().writePing(Buffer.buffer("p")).await();
    eventually(() -> pongs.get() == 1);
    fake.socket().goSilent();
    int serverPings = fake.socket().pongs();
    c.ws().writePing(Buffer.buffer("p")).await();
    Thread.sleep(600);
    assertThat(pongs.get()).isEqualTo(1);
    assertThat(fake.socket().pongs()).isEqualTo(serverPings);
    assertThat(c.closed().get()).isFalse();

    Client d = connect();
    fake.socket().lingerOnClose(true);
    fake.socket().disconnect("refresh_requested");
    assertThat(d.next().getString("reason")).isEqualTo("refresh_requested");
    d.ws().close();
    Thread.sleep(600);
    assertThat(d.closed().get()).as("the fake never answers the close").isFalse();
  }
}
