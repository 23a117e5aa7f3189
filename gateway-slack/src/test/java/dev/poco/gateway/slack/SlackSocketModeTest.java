package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.SlackRendererTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.Addresses;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Socket Mode against the faithful fake (slack.md §5, §6, §11), with a stand-in orchestrator on a real event bus. */
class SlackSocketModeTest {
  static final SlackSocketMode.Timing FAST = new SlackSocketMode.Timing(1_500, 300, 500, 300, 2_000, 50, 500, 100);
  Vertx vertx;
  FakeSlackApi api;
  FakeSocketMode slack;
  Context ctx;
  DebugRing debug = new DebugRing(500);
  volatile SlackSocketMode socketMode;
  List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  List<CardIntent> intents = new CopyOnWriteArrayList<>();
  volatile Function<JsonObject, Reply> orchestrator = j -> Reply.of(View.notice("Home", "hi")).placed(Placement.NEW);
  volatile long orchestratorDelayMs;
  ListAppender<ILoggingEvent> logs = new ListAppender<>();
  { logs.list = new java.util.concurrent.CopyOnWriteArrayList<>(); } // appended on other threads, read on this one

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    api = await(FakeSlackApi.start(vertx));
    slack = await(FakeSocketMode.start(vertx));
    api.socketMode = slack;
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> {
      inbound.add(InboundMessage.fromJson(m.body()));
      answer(m);
    }).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> {
      intents.add(CardIntent.fromJson(m.body()));
      answer(m);
    }).completion());
    logs.start();
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    ctx = vertx.getOrCreateContext();
  }

  void answer(Message<JsonObject> m) {
    Reply r = orchestrator.apply(m.body());
    if (orchestratorDelayMs > 0) vertx.setTimer(orchestratorDelayMs, id -> m.reply(r.toJson()));
    else m.reply(r.toJson());
  }

  @AfterEach
  void stop() {
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    if (socketMode != null) ctx.runOnContext(v -> socketMode.close());
    await(vertx.close());
  }

  SlackSocketMode connect(String appToken) {
    SlackConfig config = new SlackConfig(FakeSlackApi.BOT_TOKEN, appToken, null, SlackConfig.SOCKET, api.baseUrl());
    SlackApi web = new SlackApi(vertx, config, null);
    SlackIntake intake = new SlackIntake(vertx, web, null, new ButtonValues(), debug, () -> { },
        () -> FakeSlackApi.BOT_USER, 1_000);
    ctx.runOnContext(v -> {
      socketMode = new SlackSocketMode(vertx, config, intake, debug, FAST, null);
      socketMode.start();
    });
    waitFor(() -> socketMode != null);
    return socketMode;
  }

  SlackSocketMode connected() {
    connect(FakeSocketMode.APP_TOKEN);
    waitFor(() -> socketMode.listenerReady());
    return socketMode;
  }

  static JsonObject event(String eventId, String ts, String text) {
    JsonObject m = SlackEventsTest.message("channel", "C1", text).put("ts", ts);
    return SlackEventsTest.envelope(m).put("event_id", eventId);
  }

  List<JsonObject> acks(String envelopeId) { return slack.acks.getOrDefault(envelopeId, List.of()); }

  @Test
  void eventReachesTheOrchestratorOnceThoughRedeliveredAndSeenOnAnotherEnvelope() {
    connected();
    slack.ackDeadlineMs = 300;
    slack.lateAcks.set(1); // the first ack counts as late: Slack redelivers with retry_attempt 1
    String id = slack.push("events_api", SlackEventsTest.envelope(SlackEventsTest.message("channel", "C1", "<@U0BOT> hi")));
    waitFor(() -> !acks(id).isEmpty());
    assertThat(slack.deliveries).hasSize(2);
    assertThat(slack.deliveries.get(1).getInteger("retry_attempt")).isEqualTo(1);
    assertThat(slack.deliveries.get(1).getString("retry_reason")).isEqualTo("timeout");
    // the same event in a second envelope (as over a second socket during a refresh)
    String again = slack.push("events_api", SlackEventsTest.envelope(SlackEventsTest.message("channel", "C1", "<@U0BOT> hi")));
    waitFor(() -> !acks(again).isEmpty());
    waitFor(() -> !api.calls("chat.postMessage").isEmpty());
    SlackIntakeTest.sleep(300);
    assertThat(inbound).hasSize(1);
    assertThat(inbound.get(0).eventId()).isEqualTo("Ev123"); // as in HTTP mode: the orchestrator's key
    assertThat(inbound.get(0).text()).isEqualTo("hi");
    assertThat(api.calls("chat.postMessage")).hasSize(1);
    assertThat(api.calls("chat.postMessage").get(0).body().getString("thread_ts")).isEqualTo("1700000000.000100");
    assertThat(socketMode.status().getLong("duplicates")).isEqualTo(2);
  }

  @Test
  void envelopeIsAckedBeforeTheWorkIsDone() {
    connected();
    orchestratorDelayMs = 60_000; // the orchestrator never answers within the test
    String id = slack.push("events_api", event("Ev1", "1700000001.000100", "slow"));
    waitFor(() -> !acks(id).isEmpty());
    assertThat(acks(id).get(0)).isEqualTo(new JsonObject().put("envelope_id", id));
    waitFor(() -> inbound.size() == 1);
  }

  JsonObject slash(String text) {
    return new JsonObject().put("token", "t").put("team_id", "T1").put("channel_id", "C1").put("user_id", "U1")
        .put("command", "/poco").put("text", text).put("api_app_id", "A0APP").put("is_enterprise_install", false)
        .put("response_url", api.responseUrl("cmd1")).put("trigger_id", "tr");
  }

  @Test
  void slashCommandAckCarriesTheEphemeralAnswer() {
    connected();
    orchestrator = j -> Reply.of(View.notice("PoCo home", "projects")).placed(Placement.EPHEMERAL);
    String id = slack.push("slash_commands", slash("home"));
    waitFor(() -> !acks(id).isEmpty());
    JsonObject payload = acks(id).get(0).getJsonObject("payload");
    assertThat(payload.getString("response_type")).isEqualTo("ephemeral");
    assertThat(payload.getJsonArray("blocks").encode()).contains("PoCo home");
    assertThat(inbound.get(0).slashCommand()).isTrue();
    assertThat(inbound.get(0).text()).isEqualTo("home");
    assertThat(api.calls("response_url:cmd1")).isEmpty();
  }

  @Test
  void slowSlashCommandIsAckedEmptyAndAnsweredByResponseUrl() {
    connected();
    orchestrator = j -> Reply.of(View.notice("PoCo home", "projects")).placed(Placement.EPHEMERAL);
    orchestratorDelayMs = 1_500; // the intake waits 1 s here
    String id = slack.push("slash_commands", slash("home"));
    waitFor(() -> !acks(id).isEmpty());
    assertThat(acks(id).get(0).containsKey("payload")).isFalse();
    waitFor(() -> !api.calls("response_url:cmd1").isEmpty());
    assertThat(api.calls("response_url:cmd1").get(0).body().getJsonArray("blocks").encode()).contains("PoCo home");
  }

  @Test
  void blockActionsBecomeACardIntentAndTheClickedMessageIsUpdated() {
    connected();
    String ts = await(new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, null, "socket",
        api.baseUrl()), null).postMessage("C1", "card", null, null));
    JsonObject value = new JsonObject().put("intent_key", "task.run").put("request_id", "r-1");
    JsonObject payload = SlackEventsTest.blockActions(value.encode());
    payload.getJsonObject("container").put("message_ts", ts);
    orchestrator = j -> Reply.of(View.notice("Started", "ok")).placed(Placement.REPLACE);
    String id = slack.push("interactive", payload);
    waitFor(() -> api.messages.get("C1/" + ts).getString("text").contains("Started")); // stored after the call is seen
    assertThat(acks(id)).containsExactly(new JsonObject().put("envelope_id", id));
    assertThat(intents).hasSize(1);
    assertThat(intents.get(0).intentKey()).isEqualTo("task.run");
    assertThat(intents.get(0).requestId()).isEqualTo("r-1");
    assertThat(api.messages.get("C1/" + ts).getString("text")).contains("Started");
  }

  @Test
  void aModalSubmissionIsAckedWithItsResponseAction() {
    connected();
    String ts = await(new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, null, "socket",
        api.baseUrl()), null).postMessage("D1", "home", null, null));
    orchestrator = j -> {
      CardIntent in = CardIntent.fromJson(j);
      if (in.intentKey().equals("project.new")) return Reply.of(SlackModalsTest.newProject(null, null)).placed(Placement.REPLACE);
      if ("taken".equals(in.form().getString("name"))) {
        return new Reply(SlackModalsTest.newProject("taken", "Name taken."), null, null, 409, false, Placement.REPLACE);
      }
      return Reply.of(View.notice("Project Config", "ok")).placed(Placement.REPLACE);
    };
    JsonObject click = SlackEventsTest.blockActions(new JsonObject().put("intent_key", "project.new")
        .put("request_id", "r-new").encode()).put("trigger_id", api.trigger());
    click.getJsonObject("container").put("message_ts", ts).put("channel_id", "D1");
    click.getJsonObject("channel").put("id", "D1");
    String clickId = slack.push("interactive", click);
    waitFor(() -> !api.views.isEmpty());
    assertThat(acks(clickId)).containsExactly(new JsonObject().put("envelope_id", clickId));
    JsonObject modal = api.views.values().iterator().next();
    JsonObject values = new JsonObject()
        .put("in:name", new JsonObject().put("name", new JsonObject().put("type", "plain_text_input").put("value", "taken")));
    JsonObject submit = new JsonObject().put("type", "view_submission").put("user", new JsonObject().put("id", "U1"))
        .put("view", modal.copy().put("state", new JsonObject().put("values", values)));
    String refused = slack.push("interactive", submit);
    waitFor(() -> !acks(refused).isEmpty());
    assertThat(acks(refused).get(0).getJsonObject("payload")).isEqualTo(new JsonObject()
        .put("response_action", "errors").put("errors", new JsonObject().put("in:name", "Name taken.")));
    values.getJsonObject("in:name").getJsonObject("name").put("value", "api");
    String done = slack.push("interactive", submit);
    waitFor(() -> !acks(done).isEmpty());
    assertThat(acks(done).get(0).getJsonObject("payload")).isEqualTo(new JsonObject().put("response_action", "clear"));
    assertThat(intents.get(intents.size() - 1).form().getString("name")).isEqualTo("api");
    waitFor(() -> api.messages.get("D1/" + ts).getString("text").contains("Project Config"));
  }

  @Test
  void refreshOpensTheNewSocketBeforeClosingTheOldAndLosesNoEnvelope() {
    connected();
    FakeSocketMode.Conn old = slack.conns.get(0);
    List<String> ids = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 5; i++) ids.add(slack.push("events_api", event("EvA" + i, "1700000100.00010" + i, "a" + i)));
    old.disconnect("warning");
    for (int i = 0; i < 5; i++) ids.add(slack.push("events_api", event("EvB" + i, "1700000200.00010" + i, "b" + i)));
    old.disconnect("refresh_requested");
    for (int i = 0; i < 5; i++) ids.add(slack.push("events_api", event("EvC" + i, "1700000300.00010" + i, "c" + i)));
    waitFor(() -> old.closeReceived);
    // when the old socket was closed, its successor was already connected
    assertThat(slack.conns).hasSize(2);
    FakeSocketMode.Conn next = slack.conns.get(1);
    assertThat(next.tcpClosed).isFalse();
    assertThat(socketMode.listenerReady()).isTrue();
    for (int i = 0; i < 5; i++) ids.add(slack.push("events_api", event("EvD" + i, "1700000400.00010" + i, "d" + i)));
    waitFor(() -> ids.stream().allMatch(id -> !acks(id).isEmpty()));
    waitFor(() -> inbound.size() == 20);
    waitFor(() -> old.tcpClosed); // Slack never closes it: the gateway drops it after the close frame
    assertThat(socketMode.status().getLong("reconnects")).isEqualTo(1);
    assertThat(slack.conns).hasSize(2);
    assertThat(slack.refusedUpgrades.get()).isZero(); // a fresh ticket each time
  }

  @Test
  void twoGatewayInstancesShareTheEnvelopesEachOnce() {
    connected();
    SlackSocketMode first = socketMode;
    socketMode = null;
    connected(); // a second instance with its own socket and its own memory of ids
    SlackSocketMode second = socketMode;
    waitFor(() -> slack.openConns().size() == 2);
    List<String> ids = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 20; i++) ids.add(slack.push("events_api", event("EvM" + i, "1700000500.0001" + (10 + i), "m" + i)));
    waitFor(() -> ids.stream().allMatch(id -> !acks(id).isEmpty()) && inbound.size() == 20);
    assertThat(first.status().getLong("envelopes") + second.status().getLong("envelopes")).isEqualTo(20);
    assertThat(slack.conns.stream().filter(c -> c.received.isEmpty())).isEmpty(); // both sockets acked some
    ctx.runOnContext(v -> first.close());
  }

  @Test
  void tooManyWebsocketsClosesFirstThenReconnects() {
    connected();
    FakeSocketMode.Conn old = slack.conns.get(0);
    old.disconnect("too_many_websockets");
    waitFor(() -> slack.conns.size() == 2 && socketMode.listenerReady());
    assertThat(old.closeReceived).isTrue();
    assertThat(socketMode.status().getString("last_error")).contains("too_many_websockets");
  }

  @Test
  void silentSocketIsReplaced() {
    slack.silent = true; // no pings from the server, no pongs to ours: a half-open socket
    connected();
    slack.silent = false;
    FakeSocketMode.Conn dead = slack.conns.get(0);
    waitFor(() -> slack.conns.size() == 2);

    waitFor(() -> socketMode.listenerReady() && dead.tcpClosed);
    assertThat(dead.pingsReceived.get()).isPositive();
    assertThat(socketMode.status().getLong("reconnects")).isEqualTo(1);
    String id = slack.push("events_api", event("Ev9", "1700000900.000100", "after"));
    waitFor(() -> !acks(id).isEmpty() && inbound.size() == 1);
  }

  @Test
  void socketWithoutServerPingsIsReplaced() {
    slack.serverPingEveryMs = 0; // pongs come, pings do not
    connected();
    slack.serverPingEveryMs = 200;
    waitFor(() -> slack.conns.size() == 2);
    assertThat(socketMode.status().getString("last_error")).contains("no ping from Slack");
  }

  @Test
  void linkDisabledStopsAndSaysSo() {
    connected();
    FakeSocketMode.Conn conn = slack.conns.get(0);
    conn.disconnect("link_disabled");
    waitFor(() -> "stopped".equals(socketMode.status().getString("state")));
    assertThat(socketMode.listenerReady()).isFalse();
    assertThat(socketMode.lastError()).contains("link_disabled");
    waitFor(() -> conn.closeReceived);
    SlackIntakeTest.sleep(500);
    assertThat(slack.conns).hasSize(1);
    assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage)).anyMatch(m -> m.contains("link_disabled"));
  }

  @Test
  void aTicketIsUsableOnce() {
    JsonObject opened = await(WebClient.create(vertx).requestAbs(HttpMethod.POST, api.baseUrl() + "/apps.connections.open")
        .putHeader("Authorization", "Bearer " + FakeSocketMode.APP_TOKEN).send()).bodyAsJsonObject();
    String url = opened.getString("url");
    WebSocketClient client = vertx.createWebSocketClient();
    await(client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)));
    Throwable reused = Await.failure(client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)));
    assertThat(reused).isNotNull();
    assertThat(slack.refusedUpgrades.get()).isEqualTo(1);
  }

  @Test
  void refusedConnectsBackOffThenRecoverWithoutShowingTheTicket() {
    slack.refuseUpgrades = true;
    connect(FakeSocketMode.APP_TOKEN);
    waitFor(() -> socketMode.status().getInteger("consecutive_failures") >= 3);
    assertThat(socketMode.listenerReady()).isFalse();
    assertThat(socketMode.lastError()).isNotNull();
    slack.refuseUpgrades = false;
    waitFor(() -> socketMode.listenerReady());
    assertThat(slack.refusedUpgrades.get()).isGreaterThanOrEqualTo(3);
    String all = debug.newest(500).encode() + socketMode.status().encode()
        + String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertThat(all).doesNotContain("ticket=").doesNotContain(FakeSocketMode.APP_TOKEN);
  }

  @Test
  void rateLimitedOpenIsWaitedOut() {
    api.fault("apps.connections.open", "429:1", "error:internal_error");
    connected();
    assertThat(api.calls("apps.connections.open")).hasSize(3);
    assertThat(socketMode.status().getLong("consecutive_failures")).isZero();
  }

  @Test
  void aRefusedAppTokenStopsAndNoSecretIsShown() {
    connect("xapp-1-wrong-token-value");
    waitFor(() -> "stopped".equals(socketMode.status().getString("state")));
    assertThat(socketMode.lastError()).contains("invalid_auth");
    assertThat(debug.newest(500).encode() + socketMode.status().encode()).doesNotContain("xapp-1-wrong-token-value");
  }

  @Test
  void secretsNeverReachDebugStatusOrLogs() {
    connected();
    slack.conns.get(0).disconnect("refresh_requested");
    waitFor(() -> slack.conns.size() == 2 && socketMode.status().getLong("reconnects") == 1);
    String id = slack.push("events_api", event("Ev7", "1700000700.000100", "x"));
    waitFor(() -> !acks(id).isEmpty());
    String all = debug.newest(500).encode() + socketMode.status().encode()
        + String.join("\n", logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList());
    assertThat(all).doesNotContain(FakeSocketMode.APP_TOKEN).doesNotContain(FakeSlackApi.BOT_TOKEN)
        .doesNotContain("ticket=");
  }
}
