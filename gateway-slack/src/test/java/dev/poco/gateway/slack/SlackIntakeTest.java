package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.SlackRendererTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** HTTP intake on a real event bus with a stand-in orchestrator and the Web API fake (slack.md §1–§3). */
class SlackIntakeTest {
  static final String SECRET = "test-signing-secret";
  Vertx vertx;
  FakeSlackApi fake;
  SlackSignature signature = new SlackSignature(SECRET, System::currentTimeMillis);
  List<InboundMessage> inbound = new CopyOnWriteArrayList<>();
  List<CardIntent> intents = new CopyOnWriteArrayList<>();
  volatile Function<JsonObject, Reply> orchestrator = j -> Reply.of(View.notice("Home", "hi")).placed(Placement.NEW);
  volatile long orchestratorDelayMs;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    SlackApi api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, SECRET, "webhook",
        fake.baseUrl()), null);
    SlackIntake intake = new SlackIntake(vertx, api, signature, new ButtonValues(), new DebugRing(100), () -> { },
        () -> FakeSlackApi.BOT_USER, 500);
    await(vertx.eventBus().consumer(Addresses.gatewayWebhook("slack"), intake::onWebhook).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> {
      inbound.add(InboundMessage.fromJson(m.body()));
      answer(m);
    }).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> {
      intents.add(CardIntent.fromJson(m.body()));
      answer(m);
    }).completion());
  }

  void answer(Message<JsonObject> m) {
    Reply r = orchestrator.apply(m.body());
    if (orchestratorDelayMs > 0) vertx.setTimer(orchestratorDelayMs, id -> m.reply(r.toJson()));
    else m.reply(r.toJson());
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  RawHttpResponse post(String path, String body, String ts, boolean sign) {
    String sig = sign ? signature.sign(ts, body.getBytes(StandardCharsets.UTF_8)) : "v0=00";
    JsonObject headers = new JsonObject().put("x-slack-request-timestamp", ts).put("x-slack-signature", sig)
        .put("content-type", path.endsWith("events") ? "application/json" : "application/x-www-form-urlencoded");
    RawHttpRequest req = RawHttpRequest.of("POST", path, headers, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    return RawHttpResponse.fromJson(await(Bus.request(vertx.eventBus(), Addresses.gatewayWebhook("slack"),
        req.toJson(), Bus.PLATFORM_ANSWER_MS)));
  }

  RawHttpResponse post(String path, String body) { return post(path, body, now(), true); }

  static String now() { return String.valueOf(System.currentTimeMillis() / 1000); }

  @Test
  void badOrStaleSignatureIs401AndNothingRuns() {
    String body = new JsonObject().put("type", "url_verification").put("challenge", "c").encode();
    assertThat(post("/platform/slack/events", body, now(), false).status()).isEqualTo(401);
    String stale = String.valueOf(System.currentTimeMillis() / 1000 - 301);
    RawHttpResponse r = post("/platform/slack/events", body, stale, true);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.body()).contains("window");
    assertThat(inbound).isEmpty();
  }

  @Test
  void urlVerificationAnswersTheChallenge() {
    RawHttpResponse r = post("/platform/slack/events",
        new JsonObject().put("type", "url_verification").put("challenge", "3eZbrw1aB").put("token", "t").encode());
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getString("challenge")).isEqualTo("3eZbrw1aB");
  }

  @Test
  void messageIsAckedPassedOnAndAnsweredInItsThread() {
    JsonObject event = SlackEventsTest.message("channel", "C1", "<@U0BOT> hello");
    RawHttpResponse r = post("/platform/slack/events", SlackEventsTest.envelope(event).encode());
    assertThat(r.status()).isEqualTo(200);
    waitFor(() -> !fake.calls("chat.postMessage").isEmpty());
    InboundMessage in = inbound.get(0);
    assertThat(in.text()).isEqualTo("hello");
    assertThat(in.eventId()).isEqualTo("Ev123");
    JsonObject posted = fake.calls("chat.postMessage").get(0).body();
    assertThat(posted.getString("channel")).isEqualTo("C1");
    assertThat(posted.getString("thread_ts")).isEqualTo("1700000000.000100");
    assertThat(posted.getJsonArray("blocks").encode()).contains("Home");
  }

  @Test
  void ephemeralReplyGoesToTheUserAndToastOrDuplicateToNobody() {
    orchestrator = j -> Reply.refusal(403, View.notice("Not allowed", "ask an admin"), "no").placed(Placement.EPHEMERAL);
    post("/platform/slack/events", SlackEventsTest.envelope(SlackEventsTest.message("channel", "C1", "x")).encode());
    waitFor(() -> !fake.calls("chat.postEphemeral").isEmpty());
    assertThat(fake.calls("chat.postEphemeral").get(0).body().getString("user")).isEqualTo("U1");
    orchestrator = j -> Reply.duplicate(View.notice("", ""));
    post("/platform/slack/events", SlackEventsTest.envelope(SlackEventsTest.message("channel", "C1", "x")).encode());
    waitFor(() -> inbound.size() == 2);
    sleep(200);
    assertThat(fake.calls("chat.postMessage")).isEmpty();
    assertThat(fake.calls("chat.postEphemeral")).hasSize(1);
  }

  @Test
  void slacksOwnStopOfAnAgentSessionStopsTheTaskOfItsThread() {
    SlackApi api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, SECRET, "webhook",
        fake.baseUrl()), null);
    SlackSessions sessions = new SlackSessions(api, new DebugRing(10), false);
    View running = new View(ViewKinds.TASK, "[Running] Task: x", "running", "…", null, null, null, 1, 1,
        new JsonObject());
    sessions.shown(new RenderRequest(new ReplyTarget("slack", "C1", "1700000000.000100"), null, running, "t1", "p1",
        false, 1, RenderRequest.taskKey("t1")), "1700000000.000100", "1700000001.000200");
    SlackIntake intake = new SlackIntake(vertx, api, null, new ButtonValues(), new DebugRing(100), () -> { },
        () -> FakeSlackApi.BOT_USER, 500, sessions);
    JsonObject stopped = new JsonObject().put("type", "event_callback").put("event_id", "EvStop1").put("event",
        new JsonObject().put("type", "agent_session_stopped").put("channel", "C1")
            .put("thread_ts", "1700000000.000100").put("user", "U1").put("event_ts", "1700000100.000001"));
    intake.event(stopped.copy().put("event_id", "EvStop0").put("event", stopped.getJsonObject("event").copy()
        .put("thread_ts", "1700000099.000001")), new JsonObject()); // a thread with no task: nothing
    intake.event(stopped, new JsonObject());
    waitFor(() -> !intents.isEmpty());
    sleep(200);
    assertThat(intents).hasSize(1);
    CardIntent stop = intents.get(0);
    assertThat(stop.intentKey()).isEqualTo("task.stop");
    assertThat(stop.param("task_id")).isEqualTo("t1");
    assertThat(stop.userId()).isEqualTo("U1");
    assertThat(stop.messageId()).isEqualTo("1700000001.000200");
    assertThat(inbound).as("not a message to the orchestrator").isEmpty();
  }

  @Test
  void botMessagesAreAckedAndIgnored() {
    JsonObject event = SlackEventsTest.message("channel", "C1", "x").put("bot_id", "B1");
    assertThat(post("/platform/slack/events", SlackEventsTest.envelope(event).encode()).status()).isEqualTo(200);
    sleep(200);
    assertThat(inbound).isEmpty();
  }

  static String form(String key, String value) {
    return key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void buttonClickIsAckedAndTheClickedMessageUpdated() {
    String ts = await(new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, SECRET, "webhook",
        fake.baseUrl()), null).postMessage("C1", "card", null, null));
    JsonObject value = new JsonObject().put("intent_key", "task.run").put("request_id", "r-1");
    JsonObject payload = SlackEventsTest.blockActions(value.encode());
    payload.getJsonObject("container").put("message_ts", ts);
    orchestrator = j -> Reply.of(View.notice("Started", "ok")).placed(Placement.REPLACE);
    RawHttpResponse r = post("/platform/slack/interactive", form("payload", payload.encode()));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    waitFor(() -> fake.messages.get("C1/" + ts).getString("text").contains("Started")); // stored after the call is seen
    assertThat(intents.get(0).form().getString("prompt")).isEqualTo("add a test");
    assertThat(fake.messages.get("C1/" + ts).getString("text")).contains("Started");
  }

  @Test
  void toastReplyOfAClickIsAnEphemeralLine() {
    JsonObject value = new JsonObject().put("intent_key", "task.cancel").put("request_id", "r-2");
    orchestrator = j -> new Reply(View.notice("Task", "cancelling"), "t1", "Cancelling…", 0, false, Placement.TOAST);
    post("/platform/slack/interactive", form("payload", SlackEventsTest.blockActions(value.encode()).encode()));
    waitFor(() -> !fake.calls("chat.postEphemeral").isEmpty());
    JsonObject e = fake.calls("chat.postEphemeral").get(0).body();
    assertThat(e.getString("text")).isEqualTo("Cancelling…");
    assertThat(e.getString("user")).isEqualTo("U1");
  }

  String slash(String responseUrl) {
    return String.join("&", form("token", "t"), form("team_id", "T1"), form("channel_id", "C1"),
        form("user_id", "U1"), form("command", "/poco"), form("text", "home"), form("response_url", responseUrl),
        form("trigger_id", "tr"));
  }

  @Test
  void slashCommandInTimeAnswersTheViewEphemerally() {
    orchestrator = j -> Reply.of(View.notice("PoCo home", "projects")).placed(Placement.EPHEMERAL);
    RawHttpResponse r = post("/platform/slack/commands", slash(fake.responseUrl("cmd1")));
    assertThat(r.status()).isEqualTo(200);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("response_type")).isEqualTo("ephemeral");
    assertThat(body.getJsonArray("blocks").encode()).contains("PoCo home");
    assertThat(inbound.get(0).slashCommand()).isTrue();
    assertThat(inbound.get(0).text()).isEqualTo("home");
    sleep(200);
    assertThat(fake.calls("response_url:cmd1")).isEmpty();
  }

  @Test
  void slashCommandLateAnswersEmptyThenPostsToResponseUrl() {
    orchestrator = j -> Reply.of(View.notice("PoCo home", "projects")).placed(Placement.EPHEMERAL);
    orchestratorDelayMs = 900; // the intake waits 500 ms here
    RawHttpResponse r = post("/platform/slack/commands", slash(fake.responseUrl("cmd2")));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    waitFor(() -> !fake.calls("response_url:cmd2").isEmpty());
    JsonObject late = fake.calls("response_url:cmd2").get(0).body();
    assertThat(late.getString("response_type")).isEqualTo("ephemeral");
    assertThat(late.getJsonArray("blocks").encode()).contains("PoCo home");
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
