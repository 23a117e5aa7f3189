package dev.poco.testkit.fakes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The fake's Web API, streams, response_urls and HTTP pushes refuse what slack.md says Slack refuses. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeSlackTest {
  static final String BOT = "xoxb-1-test-bot";
  static final String APP = "xapp-1-test-app";
  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String ALICE = "UALICE01";
  static final String BOB = "UBOB0002";

  Vertx vertx;
  FakeSlack fake;
  WebClient web;
  SlackChannel dev;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = FakeSlack.start(vertx, BOT, APP);
    fake.freezeClock();
    web = WebClient.create(vertx);
    dev = fake.channel("dev", List.of(ALICE, BOB), true);
  }

  @AfterEach
  void stop() {
    web.close();
    fake.close();
    vertx.close().await();
  }

  HttpResponse<Buffer> json(String method, String token, JsonObject args) {
    var req = web.postAbs(fake.apiUrl() + method);
    if (token != null) req.putHeader("Authorization", "Bearer " + token);
    return req.sendJsonObject(args).await();
  }

  JsonObject call(String method, JsonObject args) {
    HttpResponse<Buffer> r = json(method, BOT, args);
    assertThat(r.statusCode()).as(method).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  JsonObject form(String method, String token, MultiMap fields) {
    var req = web.postAbs(fake.apiUrl() + method);
    if (token != null) req.putHeader("Authorization", "Bearer " + token);
    HttpResponse<Buffer> r = req.sendForm(fields).await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  static String error(JsonObject body) {
    assertThat(body.getBoolean("ok")).as(body.encode()).isFalse();
    return body.getString("error");
  }

  JsonObject post(String channel, String text) {
    JsonObject r = call("chat.postMessage", new JsonObject().put("channel", channel).put("text", text));
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    fake.advance(Duration.ofSeconds(1)); // the next post in this channel is within 1/s
    return r;
  }

  static JsonObject section(String text) {
    return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn").put("text", text));
  }

  static JsonArray buttons(String... actionIds) {
    JsonArray els = new JsonArray();
    for (String id : actionIds) {
      els.add(new JsonObject().put("type", "button").put("action_id", id).put("value", "v-" + id)
          .put("text", new JsonObject().put("type", "plain_text").put("text", id)));
    }
    return new JsonArray().add(section("pick")).add(new JsonObject().put("type", "actions").put("block_id", "b1")
        .put("elements", els));
  }

  // ---- auth ----

  @Test
  void tokensAreCheckedAndEveryAnswerIsHttp200() {
    assertThat(error(json("chat.postMessage", null, new JsonObject().put("channel", dev.id).put("text", "x"))
        .bodyAsJsonObject())).isEqualTo("not_authed");
    assertThat(error(call("chat.postMessage", new JsonObject()).copy())).isEqualTo("channel_not_found");
    assertThat(error(json("chat.postMessage", "xoxb-wrong", new JsonObject()).bodyAsJsonObject()))
        .isEqualTo("invalid_auth");
    assertThat(error(json("chat.postMessage", APP, new JsonObject()).bodyAsJsonObject()))
        .isEqualTo("not_allowed_token_type");
    assertThat(error(json("apps.connections.open", BOT, new JsonObject()).bodyAsJsonObject()))
        .isEqualTo("not_allowed_token_type");
    // the app token as a POST param is refused (slack.md §4 table); a JSON body cannot carry the token
    assertThat(error(form("apps.connections.open", null, MultiMap.caseInsensitiveMultiMap().add("token", APP))))
        .isEqualTo("not_authed");
    assertThat(error(json("auth.test", null, new JsonObject().put("token", BOT)).bodyAsJsonObject()))
        .isEqualTo("not_authed");
    assertThat(form("auth.test", null, MultiMap.caseInsensitiveMultiMap().add("token", BOT)).getBoolean("ok"))
        .isTrue();
    JsonObject me = call("auth.test", new JsonObject());
    assertThat(me.getString("user_id")).isEqualTo(fake.botUserId);
    assertThat(me.getString("team_id")).isEqualTo(FakeSlack.TEAM_ID);
    assertThat(json("auth.test", APP, new JsonObject()).bodyAsJsonObject().getBoolean("ok")).isTrue();
    assertThat(error(call("chat.nonsense", new JsonObject()))).isEqualTo("unknown_method");
    fake.revokeBotToken();
    assertThat(error(call("auth.test", new JsonObject()))).isEqualTo("token_revoked");
  }

  // ---- chat.postMessage ----

  @Test
  void postMessageTakesFormAndJsonAndGivesUniqueTsPerChannel() {
    fake.rateLimits(false);
    JsonObject a = form("chat.postMessage", BOT, MultiMap.caseInsensitiveMultiMap().add("channel", dev.id)
        .add("text", "fallback").add("blocks", buttons("ok").encode()));
    JsonObject b = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "second"));
    JsonObject reply = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "in thread")
        .put("thread_ts", a.getString("ts")));
    assertThat(List.of(a, b, reply)).allSatisfy(r -> {
      assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
      assertThat(r.getString("ts")).matches("\\d{10}\\.\\d{6}");
    });
    assertThat(a.getString("ts")).isNotEqualTo(b.getString("ts"));
    assertThat(a.getJsonObject("message").getString("bot_id")).isEqualTo(fake.botId);
    assertThat(dev.messages()).extracting(SlackMessage::text).containsExactly("fallback", "second");
    assertThat(dev.messages().get(0).blocks()).isEqualTo(buttons("ok"));
    assertThat(dev.replies(a.getString("ts"))).extracting(SlackMessage::text).containsExactly("in thread");
    // a user id posts to the DM with that user
    JsonObject dm = call("chat.postMessage", new JsonObject().put("channel", ALICE).put("text", "hi"));
    assertThat(dm.getString("channel")).startsWith("D").isEqualTo(fake.dm(ALICE).id);
  }

  @Test
  void postMessageRefusesWhatSlackRefuses() {
    fake.rateLimits(false);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 51; i++) tooMany.add(section("b" + i));
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("blocks", tooMany))))
        .isEqualTo("invalid_blocks");
    JsonArray fifty = new JsonArray();
    for (int i = 0; i < 50; i++) fifty.add(section("b" + i));
    assertThat(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("blocks", fifty))
        .getBoolean("ok")).isTrue();
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", dev.id)
        .put("blocks", new JsonArray().add(section("x".repeat(3001))))))).isEqualTo("invalid_blocks");
    assertThat(error(form("chat.postMessage", BOT, MultiMap.caseInsensitiveMultiMap().add("channel", dev.id)
        .add("blocks", "[{not json")))).isEqualTo("invalid_blocks");
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", dev.id)))).isEqualTo("no_text");
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "a")
        .put("markdown_text", "b")))).isEqualTo("markdown_text_conflict");
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", "CNOPE").put("text", "x"))))
        .isEqualTo("channel_not_found");
    SlackChannel elsewhere = fake.channel("elsewhere", List.of(ALICE), false);
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", elsewhere.id).put("text", "x"))))
        .isEqualTo("not_in_channel");
    fake.archive(dev.id);
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "x"))))
        .isEqualTo("is_archived");
    // above 40,000 chars the text is truncated, not refused (slack.md §4 Size limits)
    SlackChannel big = fake.channel("big", List.of(ALICE), true);
    assertThat(call("chat.postMessage", new JsonObject().put("channel", big.id).put("text", "y".repeat(40_100)))
        .getBoolean("ok")).isTrue();
    assertThat(big.messages().get(0).text()).hasSize(40_000);
  }

  @Test
  void postMessageIsLimitedToAboutOnePerSecondPerChannel() {
    SlackChannel other = fake.channel("other", List.of(ALICE), true);
    assertThat(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "1")).getBoolean("ok"))
        .isTrue();
    HttpResponse<Buffer> second = json("chat.postMessage", BOT, new JsonObject().put("channel", dev.id)
        .put("text", "2"));
    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.getHeader("Retry-After")).isEqualTo("1");
    assertThat(second.bodyAsJsonObject().getString("error")).isEqualTo("ratelimited");
    assertThat(call("chat.postMessage", new JsonObject().put("channel", other.id).put("text", "elsewhere"))
        .getBoolean("ok")).isTrue();
    fake.advance(Duration.ofMillis(1000));
    assertThat(call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "2")).getBoolean("ok"))
        .isTrue();
    assertThat(fake.rateLimited("chat.postMessage")).isEqualTo(1);
    assertThat(fake.calls("chat.postMessage")).isEqualTo(4);
    assertThat(dev.messages()).extracting(SlackMessage::text).containsExactly("1", "2");
    // the same limit, answered as chat.postMessage's docs also list it: HTTP 200 rate_limited
    fake.channelLimitAsOkFalse(true);
    HttpResponse<Buffer> third = json("chat.postMessage", BOT, new JsonObject().put("channel", dev.id)
        .put("text", "3"));
    assertThat(third.statusCode()).isEqualTo(200);
    assertThat(third.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
  }

  // ---- chat.update, chat.postEphemeral ----

  @Test
  void updateRefusesMissingMessagesLongTextOthersMessagesAndIsTier3() {
    String ts = post(dev.id, "v1").getString("ts");
    assertThat(error(call("chat.update", new JsonObject().put("channel", dev.id).put("ts", "1.000001")
        .put("text", "x")))).isEqualTo("message_not_found");
    assertThat(error(call("chat.update", new JsonObject().put("channel", dev.id).put("ts", ts)
        .put("text", "z".repeat(4001))))).isEqualTo("msg_too_long");
    SlackMessage alices = fake.post(dev.id, ALICE, "mine", null);
    assertThat(error(call("chat.update", new JsonObject().put("channel", dev.id).put("ts", alices.ts)
        .put("text", "x")))).isEqualTo("cant_update_message");
    JsonObject ok = call("chat.update", new JsonObject().put("channel", dev.id).put("ts", ts).put("text", "v2")
        .put("blocks", buttons("go")));
    assertThat(ok.getBoolean("ok")).as(ok.encode()).isTrue();
    assertThat(ok.getString("text")).isEqualTo("v2");
    assertThat(fake.message(dev.id, ts).history()).extracting(v -> v.getString("text")).containsExactly("v1", "v2");
    // Tier 3: 50 per minute (one already spent above counts; 3 refusals before it too)
    int accepted = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 60; i++) {
      last = json("chat.update", BOT, new JsonObject().put("channel", dev.id).put("ts", ts).put("text", "n" + i));
      if (last.statusCode() == 429) break;
      accepted++;
    }
    assertThat(last.statusCode()).isEqualTo(429);
    assertThat(accepted).isEqualTo(50 - 4);
    assertThat(Integer.parseInt(last.getHeader("Retry-After"))).isBetween(1, 60);
    fake.advance(Duration.ofSeconds(60));
    assertThat(call("chat.update", new JsonObject().put("channel", dev.id).put("ts", ts).put("text", "later"))
        .getBoolean("ok")).isTrue();
  }

  @Test
  void ephemeralGoesToOneMemberOnly() {
    assertThat(error(call("chat.postEphemeral", new JsonObject().put("channel", dev.id).put("user", "UCAROL03")
        .put("text", "x")))).isEqualTo("user_not_in_channel");
    JsonObject ok = call("chat.postEphemeral", new JsonObject().put("channel", dev.id).put("user", ALICE)
        .put("text", "only you"));
    assertThat(ok.getString("message_ts")).matches("\\d+\\.\\d{6}");
    assertThat(dev.ephemeralsFor(ALICE)).extracting(SlackMessage::text).containsExactly("only you");
    assertThat(dev.ephemeralsFor(BOB)).isEmpty();
    assertThat(dev.messages()).isEmpty();
  }

  // ---- conversations ----

  @Test
  void conversationsFollowNameRulesMembershipAndDmIds() {
    assertThat(error(call("conversations.create", new JsonObject().put("name", "Dev")))).isEqualTo(
        "invalid_name_specials");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "a b")))).isEqualTo(
        "invalid_name_specials");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "a.b")))).isEqualTo(
        "invalid_name_specials");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "x".repeat(81))))).isEqualTo(
        "invalid_name_maxlength");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "")))).isEqualTo(
        "invalid_name_required");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "--")))).isEqualTo(
        "invalid_name_punctuation");
    assertThat(error(call("conversations.create", new JsonObject().put("name", "dev")))).isEqualTo("name_taken");
    JsonObject made = call("conversations.create", new JsonObject().put("name", "poco-task-1").put("is_private", true));
    String id = made.getJsonObject("channel").getString("id");
    assertThat(made.getJsonObject("channel").getBoolean("is_private")).isTrue();
    assertThat(fake.channel(id).members()).containsExactly(fake.botUserId);

    JsonObject invited = call("conversations.invite", new JsonObject().put("channel", id).put("users", ALICE));
    assertThat(invited.getBoolean("ok")).as(invited.encode()).isTrue();
    assertThat(error(call("conversations.invite", new JsonObject().put("channel", id).put("users", ALICE))))
        .isEqualTo("already_in_channel");
    assertThat(error(call("conversations.invite", new JsonObject().put("channel", id).put("users",
        fake.botUserId)))).isEqualTo("cant_invite_self");
    assertThat(error(call("conversations.invite", new JsonObject().put("channel", id).put("users", "nobody"))))
        .isEqualTo("user_not_found");
    assertThat(call("conversations.archive", new JsonObject().put("channel", id)).getBoolean("ok")).isTrue();
    assertThat(error(call("conversations.archive", new JsonObject().put("channel", id)))).isEqualTo(
        "already_archived");
    assertThat(error(call("chat.postMessage", new JsonObject().put("channel", id).put("text", "x"))))
        .isEqualTo("is_archived");

    JsonObject dm1 = call("conversations.open", new JsonObject().put("users", BOB));
    JsonObject dm2 = call("conversations.open", new JsonObject().put("users", BOB));
    assertThat(dm1.getJsonObject("channel").getString("id")).startsWith("D")
        .isEqualTo(dm2.getJsonObject("channel").getString("id"));
    assertThat(dm1.getBoolean("already_open")).isNull();
    assertThat(dm2.getBoolean("already_open")).isTrue();
    assertThat(error(call("conversations.open", new JsonObject()))).isEqualTo("not_enough_users");
    assertThat(error(call("conversations.open", new JsonObject().put("users",
        "UA1,UA2,UA3,UA4,UA5,UA6,UA7,UA8,UA9")))).isEqualTo("too_many_users");
  }

  // ---- views.open and response_url ----

  @Test
  void triggerIdsLastThreeSecondsAndWorkOnce() {
    String ts = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "pick")
        .put("blocks", buttons("open"))).getString("ts");
    JsonObject modal = new JsonObject().put("type", "modal").put("callback_id", "ask")
        .put("title", new JsonObject().put("type", "plain_text").put("text", "Ask"))
        .put("blocks", new JsonArray().add(section("what?")));
    SlackInbound click = SlackInbound.click(fake, ALICE, dev.id, ts, "open");
    String trigger = click.payload().getString("trigger_id");
    assertThat(click.payload().getJsonArray("actions").getJsonObject(0).getString("value")).isEqualTo("v-open");
    JsonObject opened = call("views.open", new JsonObject().put("trigger_id", trigger).put("view", modal));
    assertThat(opened.getBoolean("ok")).as(opened.encode()).isTrue();
    String viewId = opened.getJsonObject("view").getString("id");
    assertThat(fake.view(viewId).callbackId()).isEqualTo("ask");
    assertThat(error(call("views.open", new JsonObject().put("trigger_id", trigger).put("view", modal))))
        .isEqualTo("exchanged_trigger_id");
    String late = SlackInbound.click(fake, ALICE, dev.id, ts, "open").payload().getString("trigger_id");
    fake.advance(Duration.ofMillis(3_001));
    assertThat(error(call("views.open", new JsonObject().put("trigger_id", late).put("view", modal))))
        .isEqualTo("expired_trigger_id");
    assertThat(error(call("views.open", new JsonObject().put("trigger_id", "123.456.abc").put("view", modal))))
        .isEqualTo("invalid_trigger_id");
  }

  JsonObject openModal(JsonArray blocks) {
    fake.advance(Duration.ofSeconds(1)); // the next post in this channel is within 1/s
    String ts = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "pick")
        .put("blocks", buttons("open"))).getString("ts");
    String trigger = SlackInbound.click(fake, ALICE, dev.id, ts, "open").payload().getString("trigger_id");
    JsonObject modal = new JsonObject().put("type", "modal").put("callback_id", "ask").put("private_metadata", "m1")
        .put("external_id", "ext-1").put("title", new JsonObject().put("type", "plain_text").put("text", "Ask"))
        .put("blocks", blocks);
    JsonObject opened = call("views.open", new JsonObject().put("trigger_id", trigger).put("view", modal));
    assertThat(opened.getBoolean("ok")).as(opened.encode()).isTrue();
    return opened.getJsonObject("view");
  }

  @Test
  void viewsUpdateReplacesAnOpenModalByIdOrExternalIdAndRefusesUnknownClosedOrStale() {
    JsonObject opened = openModal(new JsonArray().add(section("first")));
    String viewId = opened.getString("id");
    JsonObject next = new JsonObject().put("type", "modal").put("callback_id", "ask")
        .put("title", new JsonObject().put("type", "plain_text").put("text", "Ask"))
        .put("blocks", new JsonArray().add(section("second")));
    JsonObject updated = call("views.update", new JsonObject().put("view_id", viewId).put("view", next)
        .put("hash", opened.getString("hash")));
    assertThat(updated.getBoolean("ok")).as(updated.encode()).isTrue();
    assertThat(fake.view(viewId).history()).hasSize(2);
    assertThat(fake.view(viewId).view().encode()).contains("second");
    assertThat(error(call("views.update", new JsonObject().put("view_id", viewId).put("view", next)
        .put("hash", opened.getString("hash"))))).as("a stale hash").isEqualTo("hash_conflict");
    assertThat(error(call("views.update", new JsonObject().put("view_id", "VNOPE").put("view", next))))
        .isEqualTo("not_found");
    assertThat(error(call("views.update", new JsonObject().put("view", next)))).isEqualTo("invalid_arguments");

    JsonObject byExternal = openModal(new JsonArray().add(section("third")));
    assertThat(call("views.update", new JsonObject().put("external_id", "ext-1").put("view",
        next.copy().put("external_id", "ext-1"))).getBoolean("ok")).isTrue();
    assertThat(fake.view(byExternal.getString("id")).history().size() + fake.view(viewId).history().size())
        .isEqualTo(4);

    // submitted and cleared: the modal is gone
    fake.web().applyViewResponse(viewId, new JsonObject().put("response_action", "clear"));
    assertThat(fake.view(viewId).closed()).isTrue();
    assertThat(error(call("views.update", new JsonObject().put("view_id", viewId).put("view", next))))
        .isEqualTo("not_found");
  }

  @Test
  void aClickInsideAModalCarriesTheViewAndAFreshTrigger() {
    JsonArray blocks = buttons("browse", "go");
    blocks.add(0, new JsonObject().put("type", "input").put("block_id", "in:path").put("element",
        new JsonObject().put("type", "plain_text_input").put("action_id", "path")));
    String viewId = openModal(blocks).getString("id");
    JsonObject values = new JsonObject().put("in:path", new JsonObject().put("path",
        new JsonObject().put("type", "plain_text_input").put("value", "/tmp")));
    SlackInbound in = SlackInbound.clickInView(fake, ALICE, viewId, "browse", values);
    JsonObject p = in.payload();
    assertThat(p.getString("type")).isEqualTo("block_actions");
    assertThat(p.getJsonObject("container").getString("type")).isEqualTo("view");
    assertThat(p.getJsonObject("container").getString("view_id")).isEqualTo(viewId);
    assertThat(p.getJsonObject("view").getString("id")).isEqualTo(viewId);
    assertThat(p.getJsonObject("view").getString("callback_id")).isEqualTo("ask");
    assertThat(p.getJsonObject("view").getString("private_metadata")).isEqualTo("m1");
    assertThat(p.getJsonObject("view").getJsonObject("state").getJsonObject("values")).isEqualTo(values);
    assertThat(p.getJsonArray("actions").getJsonObject(0).getString("value")).isEqualTo("v-browse");
    assertThat(p.containsKey("channel")).isFalse();
    assertThat(p.containsKey("response_url")).isFalse();
    // the trigger is fresh: it opens another view
    JsonObject modal = new JsonObject().put("type", "modal").put("title", new JsonObject().put("type", "plain_text")
        .put("text", "More")).put("blocks", new JsonArray().add(section("x")));
    assertThat(call("views.open", new JsonObject().put("trigger_id", p.getString("trigger_id")).put("view", modal))
        .getBoolean("ok")).isTrue();
    assertThatThrownBy(() -> SlackInbound.clickInView(fake, ALICE, viewId, "nope", null))
        .isInstanceOf(IllegalArgumentException.class);
    fake.web().applyViewResponse(viewId, new JsonObject());
    assertThatThrownBy(() -> SlackInbound.clickInView(fake, ALICE, viewId, "go", null))
        .as("a closed modal has no buttons").isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void responseUrlsWorkFiveTimesWithinThirtyMinutes() {
    String ts = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "pick")
        .put("blocks", buttons("yes"))).getString("ts");
    String url = SlackInbound.click(fake, ALICE, dev.id, ts, "yes").payload().getString("response_url");
    assertThat(url).startsWith(fake.baseUrl() + "/actions/");
    assertThat(web.postAbs(url).sendJsonObject(new JsonObject().put("text", "just you")).await().statusCode())
        .isEqualTo(200);
    assertThat(dev.ephemeralsFor(ALICE)).extracting(SlackMessage::text).containsExactly("just you");
    web.postAbs(url).sendJsonObject(new JsonObject().put("response_type", "in_channel").put("text", "all")).await();
    web.postAbs(url).sendJsonObject(new JsonObject().put("replace_original", true).put("text", "decided")).await();
    assertThat(fake.message(dev.id, ts).text()).isEqualTo("decided");
    assertThat(fake.message(dev.id, ts).blocks()).isNull();
    web.postAbs(url).sendJsonObject(new JsonObject().put("text", "4")).await();
    web.postAbs(url).sendJsonObject(new JsonObject().put("delete_original", true)).await();
    assertThat(fake.message(dev.id, ts).deleted()).isTrue();
    assertThat(dev.messages()).extracting(SlackMessage::text).containsExactly("all");
    HttpResponse<Buffer> sixth = web.postAbs(url).sendJsonObject(new JsonObject().put("text", "6")).await();
    assertThat(sixth.statusCode()).isEqualTo(404);
    assertThat(sixth.bodyAsJsonObject().getString("error")).isEqualTo("used_url");

    SlackInbound cmd = SlackInbound.slashCommand(fake, BOB, dev.id, "/poco", "status");
    String cmdUrl = cmd.payload().getString("response_url");
    assertThat(cmdUrl).startsWith(fake.baseUrl() + "/commands/");
    fake.advance(Duration.ofMinutes(31));
    HttpResponse<Buffer> expired = web.postAbs(cmdUrl).sendJsonObject(new JsonObject().put("text", "late")).await();
    assertThat(expired.bodyAsJsonObject().getString("error")).isEqualTo("expired_url");
  }

  @Test
  void aClickOnAnEphemeralMessageCanReplaceOrDeleteItByResponseUrl() {
    String ts = call("chat.postEphemeral", new JsonObject().put("channel", dev.id).put("user", ALICE)
        .put("text", "pick").put("blocks", buttons("yes"))).getString("message_ts");
    SlackInbound click = SlackInbound.click(fake, ALICE, dev.id, ts, "yes");
    assertThat(click.payload().getJsonObject("container").getBoolean("is_ephemeral")).isTrue();
    String url = click.payload().getString("response_url");
    web.postAbs(url).sendJsonObject(new JsonObject().put("replace_original", true).put("text", "decided")).await();
    assertThat(dev.ephemeralsFor(ALICE)).extracting(SlackMessage::text).containsExactly("decided");
    assertThat(fake.message(dev.id, ts)).as("an ephemeral message is no channel message").isNull();
    web.postAbs(url).sendJsonObject(new JsonObject().put("delete_original", true)).await();
    assertThat(dev.ephemeralsFor(ALICE)).isEmpty();
  }

  // ---- streaming ----

  JsonObject startStream(SlackChannel ch, String threadTs, String text) {
    return call("chat.startStream", new JsonObject().put("channel", ch.id).put("thread_ts", threadTs)
        .put("markdown_text", text));
  }

  @Test
  void aStreamAppendsUntilStoppedAndCannotBeEditedWhileStreaming() {
    SlackChannel dm = fake.dm(ALICE);
    String root = fake.post(dm.id, ALICE, "do it", null).ts;
    JsonObject started = startStream(dm, root, "Hello");
    assertThat(started.getBoolean("ok")).as(started.encode()).isTrue();
    String ts = started.getString("ts");
    assertThat(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("markdown_text", " world")).getBoolean("ok")).isTrue();
    JsonObject chunks = call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("chunks", new JsonArray()
            .add(new JsonObject().put("type", "task_update").put("id", "t1").put("title", "Read").put("status",
                "in_progress").put("details", "a"))
            .add(new JsonObject().put("type", "task_update").put("id", "t1").put("title", "Read files").put("status",
                "complete").put("details", "b"))
            .add(new JsonObject().put("type", "markdown_text").put("text", "!"))));
    assertThat(chunks.getBoolean("ok")).as(chunks.encode()).isTrue();
    assertThat(error(call("chat.update", new JsonObject().put("channel", dm.id).put("ts", ts).put("text", "x"))))
        .isEqualTo("streaming_state_conflict");
    assertThat(error(call("chat.delete", new JsonObject().put("channel", dm.id).put("ts", ts))))
        .isEqualTo("cant_delete_message");
    JsonObject stopped = call("chat.stopStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("blocks", buttons("again")));
    assertThat(stopped.getBoolean("ok")).as(stopped.encode()).isTrue();
    SlackMessage m = fake.message(dm.id, ts);
    assertThat(m.streamedText()).isEqualTo("Hello world!");
    assertThat(m.streamTasks().get("t1").getString("title")).isEqualTo("Read files");
    assertThat(m.streamTasks().get("t1").getString("details")).isEqualTo("ab");
    assertThat(m.streamState()).isEqualTo(SlackMessage.StreamState.STOPPED);
    assertThat(m.threadTs).isEqualTo(root);
    assertThat(dm.replies(root)).containsExactly(m);
    assertThat(error(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("markdown_text", "more")))).isEqualTo("message_not_in_streaming_state");
    assertThat(error(call("chat.stopStream", new JsonObject().put("channel", dm.id).put("ts", ts))))
        .isEqualTo("message_not_in_streaming_state");
    assertThat(call("chat.update", new JsonObject().put("channel", dm.id).put("ts", ts).put("text", "edited"))
        .getBoolean("ok")).isTrue();
    assertThat(m.text()).isEqualTo("edited");
  }

  @Test
  void aStreamTimesOutAfterFiveMinutesAndOnlyUpdateRecoversIt() {
    SlackChannel dm = fake.dm(ALICE);
    String root = fake.post(dm.id, ALICE, "long job", null).ts;
    String ts = startStream(dm, root, "part 1").getString("ts");
    fake.advance(Duration.ofMinutes(4));
    assertThat(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("markdown_text", " part 2")).getBoolean("ok")).isTrue();
    fake.advance(Duration.ofMinutes(1)); // appends do not extend it (slack.md §10.2)
    assertThat(error(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", ts)
        .put("markdown_text", " part 3")))).isEqualTo("message_not_in_streaming_state");
    assertThat(error(call("chat.stopStream", new JsonObject().put("channel", dm.id).put("ts", ts))))
        .isEqualTo("message_not_in_streaming_state");
    SlackMessage m = fake.message(dm.id, ts);
    assertThat(m.streamState()).isEqualTo(SlackMessage.StreamState.EXPIRED);
    assertThat(m.text()).isEqualTo("part 1 part 2");
    assertThat(call("chat.update", new JsonObject().put("channel", dm.id).put("ts", ts).put("text", "final"))
        .getBoolean("ok")).isTrue();
    assertThat(m.history()).extracting(v -> v.getString("text")).containsExactly("part 1 part 2", "final");
  }

  @Test
  void streamsRefuseBadArgumentsAndShareTheAppendBudget() {
    SlackChannel dm = fake.dm(ALICE);
    String root = fake.post(dm.id, ALICE, "go", null).ts;
    // in a channel the recipient is required (slack.md §10.1)
    String chRoot = fake.post(dev.id, ALICE, "go", null).ts;
    assertThat(error(startStream(dev, chRoot, "x"))).isEqualTo("missing_recipient_user_id");
    assertThat(error(call("chat.startStream", new JsonObject().put("channel", dev.id).put("thread_ts", chRoot)
        .put("recipient_user_id", ALICE).put("markdown_text", "x")))).isEqualTo("missing_recipient_team_id");
    assertThat(call("chat.startStream", new JsonObject().put("channel", dev.id).put("thread_ts", chRoot)
        .put("recipient_user_id", ALICE).put("recipient_team_id", FakeSlack.TEAM_ID).put("markdown_text", "x"))
        .getBoolean("ok")).isTrue();
    assertThat(error(startStream(dm, root, "y".repeat(12_001)))).isEqualTo("msg_too_long");
    assertThat(error(call("chat.startStream", new JsonObject().put("channel", dm.id).put("thread_ts", root)
        .put("chunks", new JsonArray().add(new JsonObject().put("type", "task_update").put("id", "t")
            .put("title", "z".repeat(257)).put("status", "pending")))))).isEqualTo("invalid_chunks");
    assertThat(error(call("chat.startStream", new JsonObject().put("channel", dm.id).put("thread_ts", root)
        .put("chunks", new JsonArray().add(new JsonObject().put("type", "confetti")))))).isEqualTo("invalid_chunks");
    assertThat(error(call("chat.startStream", new JsonObject().put("channel", dm.id).put("thread_ts", root))))
        .isEqualTo("invalid_arguments");
    // a top-level stream works only in channels (slack.md §10.1 thread_ts)
    assertThat(error(call("chat.startStream", new JsonObject().put("channel", dm.id).put("markdown_text", "x"))))
        .isEqualTo("invalid_arguments");
    assertThat(call("chat.startStream", new JsonObject().put("channel", dev.id).put("recipient_user_id", ALICE)
        .put("recipient_team_id", FakeSlack.TEAM_ID).put("markdown_text", "top")).getBoolean("ok")).isTrue();
    String a = startStream(dm, root, "a").getString("ts");
    String b = startStream(dm, root, "b").getString("ts");
    assertThat(error(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", a)
        .put("markdown_text", "q".repeat(12_001))))).isEqualTo("msg_too_long");
    // appendStream is Tier 4 per app, shared by every stream (slack.md §10.5): 100 per minute in all (1 spent above)
    int accepted = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 120; i++) {
      last = json("chat.appendStream", BOT, new JsonObject().put("channel", dm.id).put("ts", i % 2 == 0 ? a : b)
          .put("markdown_text", "."));
      if (last.statusCode() == 429) break;
      accepted++;
    }
    assertThat(accepted).isEqualTo(99);
    assertThat(last.getHeader("Retry-After")).isNotNull();
    // the user pressed Stop: the thread's streams end, writes get stopped_by_user (slack.md §10.2, §10.3)
    fake.advance(Duration.ofSeconds(61));
    SlackInbound stopped = SlackInbound.sessionStopped(fake, dm.id, root, ALICE);
    assertThat(stopped.payload().getJsonObject("event").getJsonArray("streaming_message_ts").getList())
        .containsExactlyInAnyOrder(a, b);
    assertThat(error(call("chat.appendStream", new JsonObject().put("channel", dm.id).put("ts", a)
        .put("markdown_text", "x")))).isEqualTo("stopped_by_user");
  }

  // ---- assistant status and agent sessions ----

  @Test
  void assistantStatusIsValidatedRecordedAndClearedByAReply() {
    SlackChannel dm = fake.dm(ALICE);
    String root = fake.post(dm.id, ALICE, "hi", null).ts;
    assertThat(error(call("assistant.threads.setStatus", new JsonObject().put("channel_id", dm.id)
        .put("status", "is thinking")))).isEqualTo("invalid_arguments");
    assertThat(call("assistant.threads.setStatus", new JsonObject().put("channel_id", dm.id).put("thread_ts", root)
        .put("status", "is thinking")).getBoolean("ok")).isTrue();
    assertThat(fake.assistantStatus(dm.id, root)).isEqualTo("is thinking");
    call("chat.postMessage", new JsonObject().put("channel", dm.id).put("thread_ts", root).put("text", "done"));
    assertThat(fake.assistantStatus(dm.id, root)).isEmpty();
    call("assistant.threads.setStatus", new JsonObject().put("channel_id", dm.id).put("thread_ts", root)
        .put("status", "streaming soon"));
    startStream(dm, root, "a streamed reply clears it too");
    assertThat(fake.assistantStatus(dm.id, root)).isEmpty();
    call("assistant.threads.setStatus", new JsonObject().put("channel_id", dm.id).put("thread_ts", root)
        .put("status", "again"));
    assertThat(fake.assistantStatus(dm.id, root)).isEqualTo("again");
    fake.advance(Duration.ofMinutes(2).plusSeconds(1));
    assertThat(fake.assistantStatus(dm.id, root)).isEmpty();
    assertThat(error(call("agents.sessions.setStatus", new JsonObject().put("channel_id", dm.id)
        .put("thread_ts", root).put("status", "busy")))).isEqualTo("invalid_arguments");
    fake.agentSessionStoppedSubscribed(false);
    JsonObject warned = call("agents.sessions.setStatus", new JsonObject().put("channel_id", dm.id)
        .put("thread_ts", root).put("status", "processing"));
    assertThat(warned.getBoolean("ok")).isTrue();
    assertThat(warned.getString("warning")).isEqualTo("missing_agent_session_stopped_event_subscription");
    assertThat(fake.agentSessionStatus(dm.id, root)).isEqualTo("processing");
    assertThat(fake.statusCalls()).extracting(c -> c.getString("method")).containsExactly(
        "assistant.threads.setStatus", "assistant.threads.setStatus", "assistant.threads.setStatus",
        "agents.sessions.setStatus");
  }

  // ---- faults ----

  @Test
  void scriptedFaultsComeInOrder() {
    fake.failNext("chat.postMessage", 1, FakeSlack.Fault.rateLimited(7));
    fake.failNext("chat.postMessage", 1, FakeSlack.Fault.error("rate_limited"));
    fake.failNext("chat.postMessage", 1, FakeSlack.Fault.status(503));
    JsonObject args = new JsonObject().put("channel", dev.id).put("text", "x");
    HttpResponse<Buffer> r1 = json("chat.postMessage", BOT, args);
    assertThat(r1.statusCode()).isEqualTo(429);
    assertThat(r1.getHeader("Retry-After")).isEqualTo("7");
    HttpResponse<Buffer> r2 = json("chat.postMessage", BOT, args);
    assertThat(r2.statusCode()).isEqualTo(200);
    assertThat(r2.bodyAsJsonObject().getString("error")).isEqualTo("rate_limited");
    assertThat(json("chat.postMessage", BOT, args).statusCode()).isEqualTo(503);
    fake.latency("chat.postMessage", 200);
    assertThat(json("chat.postMessage", BOT, args).bodyAsJsonObject().getBoolean("ok")).isTrue();
    assertThat(fake.calls("chat.postMessage")).isEqualTo(4);
    assertThat(fake.rateLimited("chat.postMessage")).isEqualTo(1);
    assertThat(fake.calls()).allSatisfy(c -> assertThat(c.encode()).doesNotContain(BOT));
  }

  // ---- HTTP pushes ----

  @Test
  void signatureMatchesTheTestVector() {
    String body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
        + "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url"
        + "=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id"
        + "=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    assertThat(SlackPusher.signature(SECRET, 1531420618L, body.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503");
  }

  @Test
  void eventsAreRetriedWithTheSameEventIdInteractionsAreNot() {
    List<JsonObject> seen = new CopyOnWriteArrayList<>();
    AtomicInteger slowFor = new AtomicInteger(2);
    HttpServer bot = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      String ts = req.getHeader("X-Slack-Request-Timestamp");
      boolean signed = SlackPusher.signature(SECRET, Long.parseLong(ts), buf.getBytes())
          .equals(req.getHeader("X-Slack-Signature"));
      seen.add(new JsonObject().put("path", req.path()).put("signed", signed).put("body", buf.toString())
          .put("retry", req.getHeader("X-Slack-Retry-Num")).put("reason", req.getHeader("X-Slack-Retry-Reason"))
          .put("type", req.getHeader("Content-Type")));
      if (req.path().endsWith("/commands")) {
        req.response().putHeader("content-type", "application/json")
            .end(new JsonObject().put("response_type", "in_channel").put("text", "on it").encode());
      } else if (req.path().endsWith("/events") && slowFor.getAndDecrement() > 0) {
        vertx.setTimer(1_000, id -> req.response().end()); // past the deadline
      } else if (req.path().endsWith("/interactive")) {
        req.response().setStatusCode(500).end();
      } else {
        req.response().end();
      }
    })).listen(0, "127.0.0.1").await();
    try (SlackPusher pusher = new SlackPusher(vertx, fake, "http://127.0.0.1:" + bot.actualPort(), SECRET)) {
      pusher.deadlineMs(300);
      pusher.retryDelaysMs(0, 10, 10);
      SlackInbound msg = SlackInbound.message(fake, dev.id, ALICE, "hello bot", null);
      SlackPusher.Delivery d = pusher.deliver(msg);
      assertThat(d.attempts()).extracting(SlackPusher.Attempt::status).containsExactly(-1, -1, 200);
      List<JsonObject> events = seen.stream().filter(s -> s.getString("path").endsWith("/events")).toList();
      assertThat(events).hasSize(3).allSatisfy(e -> {
        assertThat(e.getBoolean("signed")).isTrue();
        assertThat(new JsonObject(e.getString("body")).getString("event_id")).isEqualTo(msg.eventId());
      });
      assertThat(events).extracting(e -> e.getString("retry")).containsExactly(null, "1", "2");
      assertThat(events.get(1).getString("reason")).isEqualTo("http_timeout");
      assertThat(new JsonObject(events.get(0).getString("body")).getJsonObject("event").getString("text"))
          .isEqualTo("hello bot");

      String ts = call("chat.postMessage", new JsonObject().put("channel", dev.id).put("text", "pick")
          .put("blocks", buttons("ok"))).getString("ts");
      SlackPusher.Delivery click = pusher.deliver(SlackInbound.click(fake, ALICE, dev.id, ts, "ok"));
      assertThat(click.attempts()).hasSize(1);
      assertThat(pusher.userErrors()).hasSize(1);
      JsonObject interactive = seen.stream().filter(s -> s.getString("path").endsWith("/interactive")).findFirst()
          .orElseThrow();
      assertThat(interactive.getString("type")).startsWith("application/x-www-form-urlencoded");
      assertThat(interactive.getString("body")).startsWith("payload=%7B");

      pusher.deliver(SlackInbound.slashCommand(fake, BOB, dev.id, "/poco", "status"));
      assertThat(dev.messages()).extracting(SlackMessage::text).contains("on it");
      JsonObject command = seen.stream().filter(s -> s.getString("path").endsWith("/commands")).findFirst()
          .orElseThrow();
      assertThat(command.getString("body")).contains("command=%2Fpoco", "text=status", "user_id=" + BOB);
    } finally {
      bot.close().await();
    }
  }

  @Test
  void noRetryHeaderStopsRetries() {
    HttpServer bot = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b ->
        req.response().setStatusCode(500).putHeader("X-Slack-No-Retry", "1").end())).listen(0, "127.0.0.1").await();
    try (SlackPusher pusher = new SlackPusher(vertx, fake, "http://127.0.0.1:" + bot.actualPort(), SECRET)) {
      assertThat(pusher.deliver(SlackInbound.message(fake, dev.id, ALICE, "x", null)).attempts()).hasSize(1);
    } finally {
      bot.close().await();
    }
  }
}
