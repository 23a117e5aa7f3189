package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.SlackRendererTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.Failures;
import dev.poco.contract.Placement;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Forms as modals over HTTP (issue 12; slack.md §3, §4): a stand-in orchestrator on the event bus answers as the real
 * one does (New → the New project form over the home card; Create → the project config, or the form again with a
 * field error), the Web API fake checks triggers (3 s, single use) and views as Slack does.
 */
class SlackModalsTest {
  static final String SECRET = "test-signing-secret";
  Vertx vertx;
  FakeSlackApi fake;
  SlackApi api;
  SlackSignature signature = new SlackSignature(SECRET, System::currentTimeMillis);
  List<CardIntent> intents = new CopyOnWriteArrayList<>();
  DebugRing debug = new DebugRing(200);
  String homeTs;
  volatile long delayMs;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, SECRET, "webhook", fake.baseUrl()), null);
    SlackIntake intake = new SlackIntake(vertx, api, signature, new ButtonValues(), debug, () -> { },
        () -> FakeSlackApi.BOT_USER, 1_500);
    await(vertx.eventBus().consumer(Addresses.gatewayWebhook("slack"), intake::onWebhook).completion());
    await(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INTENT, m -> {
      CardIntent in = CardIntent.fromJson(m.body());
      intents.add(in);
      if ("boom".equals(in.form().getString("name"))) {
        m.fail(Failures.UNAVAILABLE, "the store is not answering");
        return;
      }
      Reply r = orchestrator(in);
      if (delayMs > 0) vertx.setTimer(delayMs, id -> m.reply(r.toJson()));
      else m.reply(r.toJson());
    }).completion());
    homeTs = await(api.postMessage("D1", "PoCo", SlackBlocks.blocks(home(), new ButtonValues()), null));
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  // ---- the stand-in orchestrator: the views and placements of IntentHandler/Views ----

  static View.Action action(String label, String style, boolean submits, String intent, String... params) {
    JsonObject v = new JsonObject().put("intent_key", intent).put("request_id", "req-" + intent);
    for (int i = 0; i + 1 < params.length; i += 2) v.put(params[i], params[i + 1]);
    return new View.Action(label, style, submits, v);
  }

  static View home() {
    return new View(ViewKinds.HOME, "PoCo", null, "No projects yet. **New** creates one.", null, null,
        List.of(action("New", "primary", false, "project.new"), action("Manage", "default", false, "project.manage")),
        1, 1, null);
  }

  static View newProject(String name, String nameError) {
    View.Input nameInput = View.Input.text("name", "Project name", "e.g. api-server", name).withError(nameError);
    View.Input backend = View.Input.select("backend", "Agent", "claude",
        List.of(new View.Option("claude", "claude"), new View.Option("codex", "codex")));
    return new View(ViewKinds.PROJECT_NEW, "New project", null,
        (nameError == null ? "" : "**" + nameError + "**\n\n") + "Name the project and pick its agent.", null,
        List.of(nameInput, backend), List.of(action("Create Project + Group", "primary", true, "project.create"),
            action("Back", "default", false, "project.home")), 1, 1, null);
  }

  Reply orchestrator(CardIntent in) {
    return switch (in.intentKey()) {
      case "project.new" -> Reply.of(newProject(null, null)).placed(Placement.REPLACE);
      case "project.home" -> Reply.of(home()).placed(Placement.REPLACE);
      case "workdir.choose" -> new Reply(View.notice("api · claude · /srv/app", "Working dir changed."), null,
          "Working dir: /srv/app").placed(Placement.TOAST);
      case "project.create" -> {
        String name = in.form().getString("name");
        if ("taken".equals(name)) {
          yield new Reply(newProject(name, "A project named 'taken' exists already."), null, "taken",
              Failures.CONFLICT, false, Placement.REPLACE);
        }
        yield new Reply(View.notice("Project Config · " + name, "Agent: " + in.form().getString("backend")), null,
            "Created " + name).placed(Placement.REPLACE);
      }
      default -> Reply.of(View.notice("?", "?")).placed(Placement.REPLACE);
    };
  }

  // ---- Slack's side ----

  /** The user clicks a button of the home card in the DM. */
  JsonObject click(String intent, String triggerId) {
    View.Action a = home().actions().stream().filter(x -> x.intentKey().equals(intent)).findFirst().orElseThrow();
    JsonObject payload = SlackEventsTest.blockActions(a.value().encode()).put("trigger_id", triggerId);
    payload.getJsonObject("container").put("message_ts", homeTs).put("channel_id", "D1");
    payload.getJsonObject("channel").put("id", "D1");
    payload.remove("state");
    payload.remove("message");
    return payload;
  }

  /** The user fills in the open modal and presses its submit: Slack's view_submission of it. */
  JsonObject submission(JsonObject openView, String name, String backend) {
    JsonObject values = new JsonObject()
        .put("in:name", new JsonObject().put("name", new JsonObject().put("type", "plain_text_input").put("value", name)))
        .put("in:backend", new JsonObject().put("backend", new JsonObject().put("type", "static_select")
            .put("selected_option", new JsonObject().put("value", backend))));
    JsonObject view = openView.copy().put("state", new JsonObject().put("values", values));
    return new JsonObject().put("type", "view_submission").put("trigger_id", fake.trigger())
        .put("user", new JsonObject().put("id", "U1")).put("view", view)
        .put("response_urls", new JsonArray());
  }

  RawHttpResponse post(JsonObject payload) {
    String body = SlackIntakeTest.form("payload", payload.encode());
    String ts = SlackIntakeTest.now();
    JsonObject headers = new JsonObject().put("x-slack-request-timestamp", ts)
        .put("x-slack-signature", signature.sign(ts, body.getBytes(StandardCharsets.UTF_8)))
        .put("content-type", "application/x-www-form-urlencoded");
    RawHttpRequest req = RawHttpRequest.of("POST", "/platform/slack/interactive", headers,
        body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    return RawHttpResponse.fromJson(await(Bus.request(vertx.eventBus(), Addresses.gatewayWebhook("slack"),
        req.toJson(), Bus.PLATFORM_ANSWER_MS)));
  }

  /** The home card in the DM as Slack shows it now. */
  JsonObject homeCard() { return fake.messages.get("D1/" + homeTs); }

  JsonObject openedModal() {
    waitFor(() -> !fake.views.isEmpty());
    return fake.views.values().iterator().next();
  }

  static List<String> blockTypes(JsonArray blocks) {
    return blocks.stream().map(b -> ((JsonObject) b).getString("type")).toList();
  }

  @Test
  void newOpensTheFormAsAModalAndItsSubmitCreatesTheProject() {
    String trigger = fake.trigger();
    assertThat(post(click("project.new", trigger)).body()).isEmpty(); // a click is acked at once
    JsonObject modal = openedModal();
    assertThat(fake.calls("views.open").get(0).body().getString("trigger_id")).isEqualTo(trigger);
    assertThat(modal.getJsonObject("title").getString("text")).isEqualTo("New project");
    assertThat(modal.getJsonObject("submit").getString("text")).isEqualTo("Create Project + Group");
    assertThat(modal.getString("private_metadata").length()).isLessThanOrEqualTo(3_000);
    JsonArray blocks = modal.getJsonArray("blocks");
    assertThat(blockTypes(blocks)).contains("input");
    assertThat(blocks.encode()).contains("in:name", "in:backend", "Back").doesNotContain("\"Create Project + Group\",");
    // the home card the click came from is untouched
    assertThat(fake.calls("chat.update")).isEmpty();
    assertThat(fake.calls("chat.postMessage")).hasSize(1);

    RawHttpResponse r = post(submission(modal, "api", "codex"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("response_action", "clear"));
    CardIntent create = intents.get(intents.size() - 1);
    assertThat(create.intentKey()).isEqualTo("project.create");
    assertThat(create.requestId()).isEqualTo("req-project.create");
    assertThat(create.form()).isEqualTo(new JsonObject().put("name", "api").put("backend", "codex"));
    assertThat(create.userId()).isEqualTo("U1");
    assertThat(create.chatId()).isEqualTo("D1");
    assertThat(create.messageId()).isEqualTo(homeTs);
    // the reply (REPLACE) goes over the card the form was opened from
    waitFor(() -> homeCard().getString("text").contains("Project Config · api"));
  }

  @Test
  void aRefusedSubmitShowsTheFieldErrorOnItsInput() {
    post(click("project.new", fake.trigger()));
    JsonObject modal = openedModal();
    RawHttpResponse r = post(submission(modal, "taken", "claude"));
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("response_action")).isEqualTo("errors");
    assertThat(body.getJsonObject("errors")).isEqualTo(
        new JsonObject().put("in:name", "A project named 'taken' exists already."));
    SlackIntakeTest.sleep(200);
    assertThat(fake.calls("chat.update")).as("nothing shown in the conversation").isEmpty();
    assertThat(fake.messages.get("D1/" + homeTs).getString("text")).isEqualTo("PoCo");
  }

  @Test
  void aSubmissionTheOrchestratorFailsSaysSoOnTheFormAndKeepsItOpen() {
    post(click("project.new", fake.trigger()));
    JsonObject body = new JsonObject(post(submission(openedModal(), "boom", "claude")).body());
    assertThat(body.getString("response_action")).isEqualTo("errors");
    assertThat(body.getJsonObject("errors").getString("in:name")).contains("the store is not answering");
  }

  @Test
  void anExpiredTriggerPutsTheFormIntoTheMessage() {
    String trigger = fake.trigger();
    fake.advance(3_500); // the trigger is past its 3 s when views.open comes
    post(click("project.new", trigger));
    waitFor(() -> homeCard().getJsonArray("blocks").encode().contains("in:name"));
    assertThat(fake.errorsAnswered).contains("views.open:expired_trigger_id");
    assertThat(fake.views).isEmpty();
    JsonArray blocks = fake.messages.get("D1/" + homeTs).getJsonArray("blocks");
    assertThat(blockTypes(blocks)).contains("input");
    assertThat(blocks.encode()).contains("in:name", "Create Project + Group");
  }

  @Test
  void aTriggerIsUsedOnceAndASecondClickWithItGetsTheFormInTheMessage() {
    String trigger = fake.trigger();
    post(click("project.new", trigger));
    openedModal();
    post(click("project.new", trigger));
    waitFor(() -> homeCard().getJsonArray("blocks").encode().contains("in:name"));
    assertThat(fake.errorsAnswered).contains("views.open:exchanged_trigger_id");
    assertThat(fake.messages.get("D1/" + homeTs).getJsonArray("blocks").encode()).contains("in:name");
  }

  @Test
  void aClickWithoutTriggerOrAReplyWithoutFormStaysInTheMessage() {
    post(click("project.manage", fake.trigger())); // a notice: nothing to fill in
    waitFor(() -> !fake.calls("chat.update").isEmpty());
    assertThat(fake.calls("views.open")).isEmpty();
  }

  @Test
  void aButtonInsideTheModalShowsItsReplyInTheModal() {
    post(click("project.new", fake.trigger()));
    JsonObject modal = openedModal();
    View.Action back = newProject(null, null).actions().get(1);
    JsonObject payload = new JsonObject().put("type", "block_actions").put("trigger_id", fake.trigger())
        .put("user", new JsonObject().put("id", "U1"))
        .put("container", new JsonObject().put("type", "view").put("view_id", modal.getString("id")))
        .put("view", modal.copy().put("state", new JsonObject().put("values", new JsonObject())))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "button").put("action_id", "project.home:1")
            .put("block_id", "act:0").put("value", back.value().encode())));
    post(payload);
    JsonObject updated = updatedView(modal);
    assertThat(updated.getJsonArray("blocks").encode()).contains("No projects yet", "New", "Manage");
    assertThat(updated.containsKey("submit")).isFalse();
    assertThat(intents.get(intents.size() - 1).chatId()).isEqualTo("D1");
    assertThat(fake.calls("chat.update")).isEmpty();
  }

  /** The user presses a button inside the open modal: block_actions with the view. */
  JsonObject clickInModal(JsonObject modal, JsonObject buttonValue) {
    return new JsonObject().put("type", "block_actions").put("trigger_id", fake.trigger())
        .put("user", new JsonObject().put("id", "U1"))
        .put("container", new JsonObject().put("type", "view").put("view_id", modal.getString("id")))
        .put("view", modal.copy().put("state", new JsonObject().put("values", new JsonObject())))
        .put("actions", new JsonArray().add(new JsonObject().put("type", "button")
            .put("action_id", buttonValue.getString("intent_key") + ":0").put("block_id", "act:0")
            .put("value", buttonValue.encode())));
  }

  /** The modal once Slack has applied a views.update of it. */
  JsonObject updatedView(JsonObject opened) {
    waitFor(() -> !fake.views.get(opened.getString("id")).getString("hash").equals(opened.getString("hash")));
    return fake.views.get(opened.getString("id"));
  }

  @Test
  void aToastAnswerToAButtonInsideTheModalShowsThereAsANotice() {
    post(click("project.new", fake.trigger()));
    JsonObject modal = openedModal();
    post(clickInModal(modal, new JsonObject().put("intent_key", "workdir.choose").put("request_id", "r-c")
        .put("path", "/srv/app")));
    JsonObject updated = updatedView(modal);
    assertThat(updated.getJsonArray("blocks").encode()).contains("Working dir: /srv/app");
    assertThat(updated.getJsonObject("close").getString("text")).isEqualTo("Close");
    assertThat(updated.containsKey("submit")).isFalse();
  }

  @Test
  void aLateSubmissionReplyClosesTheModalAndShowsInTheConversation() {
    post(click("project.new", fake.trigger()));
    JsonObject modal = openedModal();
    delayMs = 2_000; // the gateway answers Slack after 1.5 s here
    RawHttpResponse r = post(submission(modal, "taken", "claude"));
    assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("response_action", "clear"));
    // the refusal comes after the modal closed: the form with its error goes over the card it was opened from
    waitFor(() -> homeCard().getJsonArray("blocks").encode().contains("in:name"));
    assertThat(homeCard().getJsonArray("blocks").encode()).contains("exists already");
  }

  @Test
  void aSubmissionOfAViewPocoDidNotOpenIsIgnored() {
    JsonObject foreign = new JsonObject().put("type", "view_submission").put("user", new JsonObject().put("id", "U1"))
        .put("view", new JsonObject().put("id", "V1").put("callback_id", "someone-else"));
    RawHttpResponse r = post(foreign);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).isEmpty();
    assertThat(intents).isEmpty();
  }
}
