package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The deployed gateway on a real event bus with the Web API fake: health, ready, render and chat addresses. */
class SlackGatewayVerticleTest {
  Vertx vertx;
  FakeSlackApi fake;
  List<JsonObject> ready = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    vertx.eventBus().<JsonObject>consumer(Addresses.GATEWAY_READY, m -> ready.add(m.body()));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  JsonObject config(String mode) {
    JsonObject c = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, FakeSlackApi.BOT_TOKEN)
        .put(ConfigKeys.SLACK_SIGNING_SECRET, "sig-secret").put(ConfigKeys.SLACK_API_BASE_URL, fake.baseUrl());
    if (mode != null) c.put(ConfigKeys.SLACK_DELIVERY_MODE, mode);
    return c;
  }

  SlackGatewayVerticle deploy(JsonObject config) {
    SlackGatewayVerticle v = new SlackGatewayVerticle();
    await(vertx.deployVerticle(v, new DeploymentOptions().setConfig(config)));
    return v;
  }

  JsonObject ask(String address, JsonObject body) { return await(Bus.request(vertx.eventBus(), address, body, 5_000)); }

  @Test
  void unconfiguredAnswersHealthOnly() {
    deploy(new JsonObject());
    JsonObject h = ask(Addresses.gatewayHealth("slack"), new JsonObject());
    assertThat(h.getBoolean("configured")).isFalse();
    assertThat(h.getBoolean("listener_ready")).isFalse();
    assertThat(ready).isEmpty();
  }

  @Test
  void socketModeWithoutAnAppTokenIsNotConfigured() {
    deploy(config(null));
    JsonObject h = ask(Addresses.gatewayHealth("slack"), new JsonObject());
    assertThat(h.getBoolean("configured")).isFalse();
    assertThat(h.getString("delivery_mode")).isEqualTo("socket");
    assertThat(h.encode()).doesNotContain(FakeSlackApi.BOT_TOKEN).doesNotContain("sig-secret");
  }

  @Test
  void socketModeConnectsAndPassesEventsOn() {
    FakeSocketMode slack = await(FakeSocketMode.start(vertx));
    fake.socketMode = slack;
    List<JsonObject> inbound = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> {
      inbound.add(m.body());
      m.reply(dev.poco.contract.Reply.of(dev.poco.contract.View.notice("Home", "hi")).toJson());
    });
    JsonObject c = config(null).put(ConfigKeys.SLACK_APP_TOKEN, FakeSocketMode.APP_TOKEN);
    c.remove(ConfigKeys.SLACK_SIGNING_SECRET); // not needed in socket mode
    deploy(c);
    SlackRendererTest.waitFor(() -> ask(Addresses.gatewayHealth("slack"), new JsonObject())
        .getBoolean("listener_ready"));
    JsonObject h = ask(Addresses.gatewayHealth("slack"), new JsonObject());
    assertThat(h.getBoolean("configured")).isTrue();
    assertThat(h.getString("connected_since")).isNotNull();
    assertThat(h.getJsonObject("socket_mode").getString("state")).isEqualTo("connected");
    String id = slack.push("events_api", SlackEventsTest.envelope(SlackEventsTest.message("channel", "C1", "hello")));
    SlackRendererTest.waitFor(() -> slack.acks.containsKey(id) && inbound.size() == 1);
    assertThat(dev.poco.contract.InboundMessage.fromJson(inbound.get(0)).eventId()).isEqualTo("Ev123");
    slack.conns.get(0).disconnect("refresh_requested");
    SlackRendererTest.waitFor(() -> ask(Addresses.gatewayDebug("slack"), new JsonObject())
        .getJsonObject("socket_mode").getLong("reconnects") == 1);
    JsonObject debug = ask(Addresses.gatewayDebug("slack"), new JsonObject().put("limit", 200));
    String shown = debug.encode() + ask(Addresses.gatewayHealth("slack"), new JsonObject()).encode();
    assertThat(shown).doesNotContain(FakeSocketMode.APP_TOKEN).doesNotContain(FakeSlackApi.BOT_TOKEN)
        .doesNotContain("ticket=");
  }

  @Test
  void webhookModeRendersAndCreatesChannelsOverTheBus() {
    SlackGatewayVerticle v = deploy(config("webhook"));
    SlackRendererTest.waitFor(() -> !ready.isEmpty());
    assertThat(ready.get(0).getString("platform")).isEqualTo("slack");
    assertThat(ready.get(0).getString("gateway_id")).isEqualTo(v.gatewayId());
    JsonObject h = ask(Addresses.gatewayHealth("slack"), new JsonObject());
    assertThat(h.getBoolean("listener_ready")).isTrue();
    assertThat(h.getString("connected_since")).isNotNull();

    RenderAck posted = RenderAck.fromJson(ask(Addresses.gatewayRender("slack"),
        SlackRendererTest.render(null, 1, "running", true).toJson()));
    assertThat(posted.gatewayId()).isEqualTo(v.gatewayId());
    assertThat(posted.messageId()).isNotNull();
    RenderAck stale = RenderAck.fromJson(ask(Addresses.gatewayInstanceRender("slack", v.gatewayId()),
        SlackRendererTest.render(posted.messageId(), 1, "running", true).toJson()));
    assertThat(stale.stale()).isTrue();

    ChatReply chat = ChatReply.fromJson(ask(Addresses.gatewayChat("slack"),
        ChatRequest.create("proj-1", "Payments API", "U1").toJson()));
    assertThat(chat.name()).isEqualTo("payments-api");
    ChatReply again = ChatReply.fromJson(ask(Addresses.gatewayChat("slack"),
        ChatRequest.create("proj-1", "Payments API", "U1").toJson()));
    assertThat(again).isEqualTo(chat);
    ask(Addresses.gatewayChat("slack"), ChatRequest.dissolve("proj-1", chat.chatId()).toJson());
    assertThat(fake.calls("conversations.archive")).hasSize(1);

    JsonObject debug = ask(Addresses.gatewayDebug("slack"), new JsonObject().put("limit", 50));
    assertThat(debug.getJsonArray("entries").encode()).contains("post").doesNotContain(FakeSlackApi.BOT_TOKEN);
  }
}
