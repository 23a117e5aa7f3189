package dev.poco.testkit.fakes;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The fake Feishu refuses what feishu.md says Feishu refuses, with the notes' codes, and its webhook pusher encrypts
 * and signs as §5 says (checked against the notes' AES test vector and a sha256sum-computed signature).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeFeishuTest {
  static final String APP = "cli_test";
  static final String SECRET = "s3cret-app";
  static final String ALICE = "ou_alice";

  Vertx vertx;
  FakeFeishu fake;
  WebClient web;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = FakeFeishu.start(vertx, APP, SECRET);
    web = WebClient.create(vertx);
  }

  @AfterEach
  void stop() {
    web.close();
    fake.close();
    vertx.close().await();
  }

  record Answer(int status, JsonObject json, String reset) {
    int code() { return json.getInteger("code"); }
    JsonObject data() { return json.getJsonObject("data"); }
  }

  Future<Answer> callAsync(HttpMethod method, String uri, String token, JsonObject body) {
    var req = web.requestAbs(method, fake.baseUrl() + uri);
    if (token != null) req.putHeader("Authorization", "Bearer " + token);
    Future<HttpResponse<Buffer>> f = body == null ? req.send() : req.sendJsonObject(body);
    return f.map(r -> new Answer(r.statusCode(), r.bodyAsJsonObject(), r.getHeader("x-ogw-ratelimit-reset")));
  }

  Answer call(HttpMethod method, String uri, String token, JsonObject body) {
    return callAsync(method, uri, token, body).await();
  }

  Answer tokenCall(String appId, String secret) {
    return call(HttpMethod.POST, "/open-apis/auth/v3/tenant_access_token/internal", null,
        new JsonObject().put("app_id", appId).put("app_secret", secret));
  }

  String token() {
    Answer a = tokenCall(APP, SECRET);
    assertThat(a.code()).isZero();
    return a.json().getString("tenant_access_token");
  }

  static JsonObject card(String text) {
    return new JsonObject().put("schema", "2.0").put("config", new JsonObject().put("update_multi", true))
        .put("header", new JsonObject().put("title", new JsonObject().put("tag", "plain_text").put("content", "T")))
        .put("body", new JsonObject().put("elements", new JsonArray()
            .add(new JsonObject().put("tag", "markdown").put("content", text))));
  }

  Answer send(String token, String chatId, String msgType, Object content) {
    return call(HttpMethod.POST, "/open-apis/im/v1/messages?receive_id_type=chat_id", token,
        new JsonObject().put("receive_id", chatId).put("msg_type", msgType).put("content", content));
  }

  Answer patch(String token, String messageId, Object content) {
    return call(HttpMethod.PATCH, "/open-apis/im/v1/messages/" + messageId, token,
        new JsonObject().put("content", content));
  }

  @Test
  @DisplayName("§1 tokens: bad app secret or id refused, expire in seconds, same token with ≥ 30 min left, a new one"
      + " below while the old stays valid, expired or missing tokens refused with 99991663 / 99991661")
  void tokens() {
    Answer bad = tokenCall(APP, "wrong");
    assertThat(bad.code()).isEqualTo(FakeFeishu.APP_SECRET_INVALID);
    assertThat(bad.json().getString("tenant_access_token")).isNull();
    assertThat(tokenCall("cli_other", SECRET).code()).isNotZero();

    Answer ok = tokenCall(APP, SECRET);
    assertThat(ok.json().getString("msg")).isEqualTo("ok");
    assertThat(ok.json().containsKey("data")).as("top-level fields, no data wrapper").isFalse();
    assertThat(ok.json().getInteger("expire")).isBetween(7190, 7200);
    String t1 = ok.json().getString("tenant_access_token");
    assertThat(t1).startsWith("t-");
    assertThat(token()).as("≥ 30 min left: the same token").isEqualTo(t1);

    fake.advance(Duration.ofMinutes(100));
    String t2 = token();
    assertThat(t2).as("< 30 min left: a new token").isNotEqualTo(t1);
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", t1, null).code()).as("the old one stays valid").isZero();

    fake.advance(Duration.ofMinutes(21));
    Answer expired = call(HttpMethod.GET, "/open-apis/bot/v3/info", t1, null);
    assertThat(expired.status()).isEqualTo(400);
    assertThat(expired.code()).isEqualTo(FakeFeishu.TOKEN_INVALID);
    assertThat(expired.json().getJsonObject("error").getString("log_id")).isNotBlank();
    fake.tokenErrorStatus(401);
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", "t-unknown", null).status()).isEqualTo(401);
    Answer missing = call(HttpMethod.GET, "/open-apis/bot/v3/info", null, null);
    assertThat(missing.code()).isEqualTo(FakeFeishu.TOKEN_MISSING);
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", t2, null).code()).isZero();

    fake.tokenExpireSeconds(5);
    fake.advance(Duration.ofHours(3));
    String shortLived = token();
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", shortLived, null).code()).isZero();
    fake.advance(Duration.ofSeconds(6));
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", shortLived, null).code()).isEqualTo(FakeFeishu.TOKEN_INVALID);
  }

  @Test
  @DisplayName("§3/§4 send: content must be a JSON string; cards 2.0 only, ≤ 30 KB (230025), ≤ 200 elements,"
      + " update_multi true; bot must be in the group (230002); a good card becomes a Message; uuid sends once")
  void send() {
    String t = token();
    FeishuChat group = fake.group("g", List.of(ALICE), true);
    assertThat(send(t, group.chatId, "interactive", card("x")).code()).as("content as an object")
        .isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(send(t, group.chatId, "interactive", "{not json").code()).isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(send(t, group.chatId, "interactive", card("x").put("schema", "1.0").encode()).code())
        .isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(send(t, group.chatId, "interactive", card("x").put("elements", new JsonArray()).encode()).code())
        .as("unknown top-level property").isEqualTo(FakeFeishu.INVALID_PARAM);
    JsonObject single = card("x");
    single.getJsonObject("config").put("update_multi", false);
    assertThat(send(t, group.chatId, "interactive", single.encode()).code()).isEqualTo(FakeFeishu.INVALID_PARAM);
    Answer big = send(t, group.chatId, "interactive", card("中".repeat(11_000)).encode());
    assertThat(big.status()).isEqualTo(400);
    assertThat(big.code()).as("33 KB of CJK, counted in bytes").isEqualTo(FakeFeishu.CONTENT_TOO_LONG);
    JsonObject many = card("x");
    for (int i = 0; i < 200; i++) many.getJsonObject("body").getJsonArray("elements").add(new JsonObject().put("tag", "hr"));
    assertThat(send(t, group.chatId, "interactive", many.encode()).code()).isEqualTo(FakeFeishu.CARD_CREATE_FAILED);
    assertThat(send(t, group.chatId, "wat", "{}").code()).isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(group.messages()).as("nothing refused was posted").isEmpty();

    Answer ok = send(t, group.chatId, "interactive", card("hello").encode());
    assertThat(ok.code()).isZero();
    JsonObject msg = ok.data();
    assertThat(msg.getString("message_id")).startsWith("om_");
    assertThat(msg.getString("chat_id")).isEqualTo(group.chatId);
    assertThat(msg.getString("msg_type")).isEqualTo("interactive");
    assertThat(msg.getString("create_time")).matches("\\d{13}");
    assertThat(msg.getJsonObject("sender").getString("id")).isEqualTo(APP);
    assertThat(msg.getJsonObject("sender").getString("id_type")).isEqualTo("app_id");
    assertThat(msg.getJsonObject("sender").getString("sender_type")).isEqualTo("app");
    assertThat(group.messages()).hasSize(1);
    assertThat(group.messages().get(0).visibleText()).contains("hello");

    FeishuChat noBot = fake.group("other", List.of(ALICE), false);
    assertThat(send(t, noBot.chatId, "text", "{\"text\":\"hi\"}").code()).isEqualTo(FakeFeishu.BOT_NOT_IN_CHAT);
    assertThat(send(t, "oc_nope", "text", "{\"text\":\"hi\"}").code()).isEqualTo(FakeFeishu.INVALID_PARAM);

    Answer dm = call(HttpMethod.POST, "/open-apis/im/v1/messages?receive_id_type=open_id", t,
        new JsonObject().put("receive_id", ALICE).put("msg_type", "text").put("content", "{\"text\":\"hi\"}"));
    assertThat(dm.data().getString("chat_id")).as("open_id sends land in the p2p chat").isEqualTo(fake.p2pChat(ALICE).chatId);

    JsonObject once = new JsonObject().put("receive_id", group.chatId).put("msg_type", "text")
        .put("content", "{\"text\":\"once\"}").put("uuid", "u-1");
    String first = call(HttpMethod.POST, "/open-apis/im/v1/messages?receive_id_type=chat_id", t, once).data()
        .getString("message_id");
    String again = call(HttpMethod.POST, "/open-apis/im/v1/messages?receive_id_type=chat_id", t, once).data()
        .getString("message_id");
    assertThat(again).isEqualTo(first);
    assertThat(group.messages()).hasSize(2);
  }

  static JsonObject withElement(JsonObject element) {
    JsonObject c = card("x");
    c.getJsonObject("body").getJsonArray("elements").add(element);
    return c;
  }

  @Test
  @DisplayName("§4 card structure: header template, button type, form_action_type, no form in a form/column/panel,"
      + " no table in a form or column, panel title tag and padding, column nesting ≤ 5, element_id format → 230001")
  void cardRules() {
    JsonObject form = new JsonObject().put("tag", "form").put("name", "f").put("elements", new JsonArray());
    JsonObject table = new JsonObject().put("tag", "table");
    JsonObject button = new JsonObject().put("tag", "button").put("text", new JsonObject().put("tag", "plain_text")
        .put("content", "B"));
    List<JsonObject> bad = List.of(
        card("x").put("header", new JsonObject().put("template", "pink")),
        withElement(button.copy().put("type", "fancy")),
        withElement(button.copy().put("form_action_type", "send")),
        withElement(form.copy().put("elements", new JsonArray().add(form.copy()))),
        withElement(form.copy().put("elements", new JsonArray().add(table))),
        withElement(new JsonObject().put("tag", "column_set").put("columns", new JsonArray().add(new JsonObject()
            .put("tag", "column").put("elements", new JsonArray().add(form.copy()))))),
        withElement(new JsonObject().put("tag", "column_set").put("columns", new JsonArray().add(new JsonObject()
            .put("tag", "column").put("elements", new JsonArray().add(table))))),
        withElement(new JsonObject().put("tag", "collapsible_panel").put("header", new JsonObject().put("title",
            new JsonObject().put("tag", "lark_md").put("content", "d"))).put("elements", new JsonArray())),
        withElement(new JsonObject().put("tag", "collapsible_panel").put("header", new JsonObject().put("title",
            new JsonObject().put("tag", "markdown").put("content", "d")).put("padding", "4px 8px"))),
        withElement(new JsonObject().put("tag", "collapsible_panel").put("elements", new JsonArray().add(form.copy()))),
        withElement(new JsonObject().put("tag", "markdown").put("content", "m").put("element_id", "1bad")),
        withElement(nested(6)));
    for (JsonObject c : bad) {
      assertThat(FeishuCards.check(c.encode())).as(c.encode()).isNotNull()
          .extracting(FeishuCards.Refusal::code).isEqualTo(FakeFeishu.INVALID_PARAM);
    }
    JsonObject good = withElement(form.copy().put("elements", new JsonArray()
        .add(new JsonObject().put("tag", "input").put("name", "reason"))
        .add(button.copy().put("type", "primary").put("form_action_type", "submit"))));
    good.getJsonObject("body").getJsonArray("elements").add(nested(5)).add(new JsonObject().put("tag", "collapsible_panel")
        .put("header", new JsonObject().put("title", new JsonObject().put("tag", "markdown").put("content", "d"))
            .put("padding", "4px 8px 4px 8px")).put("elements", new JsonArray()));
    good.put("header", new JsonObject().put("template", "green"));
    assertThat(FeishuCards.check(good.encode())).isNull();
  }

  /** column_sets nested {@code levels} deep. */
  static JsonObject nested(int levels) {
    JsonObject inner = new JsonObject().put("tag", "markdown").put("content", "deep");
    for (int i = 0; i < levels; i++) {
      inner = new JsonObject().put("tag", "column_set").put("columns", new JsonArray().add(new JsonObject()
          .put("tag", "column").put("elements", new JsonArray().add(inner))));
    }
    return inner;
  }

  @Test
  @DisplayName("§3 PATCH: only this app's interactive messages, not recalled (230011), within 14 days (230031),"
      + " update_multi true, ≤ 30 KB; each PATCH appends to the history; replies to recalled messages refused")
  void patches() {
    String t = token();
    FeishuChat group = fake.group("g", List.of(ALICE), true);
    String id = send(t, group.chatId, "interactive", card("v1").encode()).data().getString("message_id");
    assertThat(patch(t, id, card("v2")).code()).as("content as an object").isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(patch(t, id, card("v2").encode()).code()).isZero();
    assertThat(patch(t, id, card("v3").encode()).code()).isZero();
    assertThat(patch(t, id, card("中".repeat(11_000)).encode()).code()).isEqualTo(FakeFeishu.CONTENT_TOO_LONG);
    JsonObject single = card("x");
    single.getJsonObject("config").put("update_multi", false);
    assertThat(patch(t, id, single.encode()).code()).isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(fake.message(id).history()).hasSize(3);
    assertThat(fake.message(id).visibleText()).contains("v3");

    String text = send(t, group.chatId, "text", "{\"text\":\"plain\"}").data().getString("message_id");
    assertThat(patch(t, text, card("x").encode()).code()).as("a text message").isEqualTo(FakeFeishu.INVALID_PARAM);
    FeishuMessage foreign = fake.post(group.chatId, "app:cli_other", "interactive", card("theirs").encode());
    assertThat(patch(t, foreign.messageId, card("mine").encode()).code()).isEqualTo(FakeFeishu.NO_PERMISSION);
    FeishuMessage users = fake.post(group.chatId, ALICE, "text", "{\"text\":\"yo\"}");
    assertThat(patch(t, users.messageId, card("x").encode()).code()).isEqualTo(FakeFeishu.INVALID_PARAM);
    assertThat(patch(t, "om_nope", card("x").encode()).code()).isEqualTo(FakeFeishu.INVALID_PARAM);

    Answer reply = call(HttpMethod.POST, "/open-apis/im/v1/messages/" + users.messageId + "/reply", t,
        new JsonObject().put("msg_type", "text").put("content", "{\"text\":\"done\"}"));
    assertThat(reply.data().getString("parent_id")).isEqualTo(users.messageId);
    assertThat(reply.data().getString("chat_id")).isEqualTo(group.chatId);

    fake.recall(id);
    assertThat(patch(t, id, card("v4").encode()).code()).isEqualTo(FakeFeishu.RECALLED);
    fake.recall(users.messageId);
    assertThat(call(HttpMethod.POST, "/open-apis/im/v1/messages/" + users.messageId + "/reply", t,
        new JsonObject().put("msg_type", "text").put("content", "{\"text\":\"x\"}")).code()).isEqualTo(FakeFeishu.RECALLED);

    String old = send(t, group.chatId, "interactive", card("old").encode()).data().getString("message_id");
    fake.advance(Duration.ofDays(14).plusMinutes(1));
    String t2 = token();
    Answer tooOld = patch(t2, old, card("new").encode());
    assertThat(tooOld.code()).isEqualTo(FakeFeishu.TOO_OLD);
    assertThat(tooOld.json().getString("msg")).contains("fourteen days");
  }

  @Test
  @DisplayName("§2 limits: the 429 burst with x-ogw-ratelimit-reset and 99991400, 50/s per app, 5/s per chat and per"
      + " message PATCH (230020, HTTP 400), scripted failures")
  void limits() {
    fake.freezeClock();
    String t = token();
    fake.rateLimitBurst(2, 3);
    Answer limited = call(HttpMethod.GET, "/open-apis/bot/v3/info", t, null);
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.code()).isEqualTo(FakeFeishu.RATE_LIMITED);
    assertThat(limited.json().getString("msg")).isEqualTo("request trigger frequency limit");
    assertThat(limited.reset()).isEqualTo("3");
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", t, null).status()).isEqualTo(429);
    assertThat(call(HttpMethod.GET, "/open-apis/bot/v3/info", t, null).status()).isEqualTo(200);

    FeishuChat group = fake.group("g", List.of(ALICE), true);
    List<Future<Answer>> burst = new ArrayList<>();
    for (int i = 0; i < 8; i++) burst.add(callAsync(HttpMethod.POST, "/open-apis/im/v1/messages?receive_id_type=chat_id",
        t, new JsonObject().put("receive_id", group.chatId).put("msg_type", "text").put("content", "{\"text\":\"b\"}")));
    List<Answer> answers = burst.stream().map(f -> f.await()).toList();
    assertThat(answers.stream().filter(a -> a.code() == FakeFeishu.FREQUENCY_LIMIT && a.status() == 400).count())
        .as("over 5/s into one chat").isEqualTo(3);
    assertThat(answers.stream().filter(a -> a.code() == 0).count()).isEqualTo(5);

    fake.advance(Duration.ofMillis(1100));
    String id = send(t, group.chatId, "interactive", card("p").encode()).data().getString("message_id");
    List<Future<Answer>> patches = new ArrayList<>();
    for (int i = 0; i < 8; i++) patches.add(callAsync(HttpMethod.PATCH, "/open-apis/im/v1/messages/" + id, t,
        new JsonObject().put("content", card("p" + i).encode())));
    assertThat(patches.stream().map(f -> f.await()).filter(a -> a.code() == FakeFeishu.FREQUENCY_LIMIT).count())
        .as("over 5 PATCH/s on one message").isEqualTo(3);

    fake.advance(Duration.ofMillis(1100));
    List<Future<Answer>> flood = new ArrayList<>();
    for (int i = 0; i < 70; i++) flood.add(callAsync(HttpMethod.GET, "/open-apis/bot/v3/info", t, null));
    List<Answer> flooded = flood.stream().map(f -> f.await()).toList();
    assertThat(flooded.stream().filter(a -> a.status() == 429 && a.code() == FakeFeishu.RATE_LIMITED).count())
        .as("over 50/s per app").isEqualTo(20);
    assertThat(flooded.stream().filter(a -> a.status() == 429).allMatch(a -> a.reset() != null)).isTrue();

    fake.rateLimits(false);
    fake.failNext(FakeFeishu.SEND, 2, FakeFeishu.FREQUENCY_LIMIT, 400);
    assertThat(send(t, group.chatId, "text", "{\"text\":\"a\"}").code()).isEqualTo(FakeFeishu.FREQUENCY_LIMIT);
    assertThat(send(t, group.chatId, "text", "{\"text\":\"a\"}").code()).isEqualTo(FakeFeishu.FREQUENCY_LIMIT);
    assertThat(send(t, group.chatId, "text", "{\"text\":\"a\"}").code()).isZero();
    assertThat(fake.calls(FakeFeishu.SEND)).isGreaterThanOrEqualTo(3);
  }

  @Test
  @DisplayName("§3 groups: the bot owns a chat it creates, the users are members, the same uuid gives the same chat,"
      + " members can be added, a dissolved chat takes no message")
  void chats() {
    String t = token();
    JsonObject body = new JsonObject().put("name", "proj").put("user_id_list", new JsonArray().add(ALICE))
        .put("chat_mode", "group").put("chat_type", "private");
    Answer created = call(HttpMethod.POST, "/open-apis/im/v1/chats?user_id_type=open_id&uuid=p-1", t, body);
    String chatId = created.data().getString("chat_id");
    assertThat(chatId).startsWith("oc_");
    assertThat(created.data().getString("owner_id")).isEqualTo(APP);
    assertThat(call(HttpMethod.POST, "/open-apis/im/v1/chats?user_id_type=open_id&uuid=p-1", t, body).data()
        .getString("chat_id")).isEqualTo(chatId);
    assertThat(fake.groupsNamed("proj")).hasSize(1);
    assertThat(fake.chat(chatId).members()).containsExactly(APP, ALICE);

    Answer added = call(HttpMethod.POST, "/open-apis/im/v1/chats/" + chatId + "/members?member_id_type=open_id", t,
        new JsonObject().put("id_list", new JsonArray().add("ou_bob").add("garbage")));
    assertThat(added.data().getJsonArray("invalid_id_list")).containsExactly("garbage");
    assertThat(added.data().getJsonArray("not_existed_id_list")).isEmpty();
    assertThat(added.data().getJsonArray("pending_approval_id_list")).isEmpty();
    assertThat(fake.chat(chatId).members()).contains("ou_bob");

    assertThat(call(HttpMethod.DELETE, "/open-apis/im/v1/chats/" + chatId, t, null).code()).isZero();
    assertThat(fake.chat(chatId).dissolved()).isTrue();
    assertThat(send(t, chatId, "text", "{\"text\":\"late\"}").code()).isEqualTo(FakeFeishu.BOT_NOT_IN_CHAT);
  }

  @Test
  @DisplayName("§11 CardKit: create 2.0 only, send once by card_id, stream full text with streaming on, 300309 when"
      + " closed, 300317 on a sequence that does not increase; every write lands in the message history")
  void cardKit() {
    String t = token();
    FeishuChat group = fake.group("g", List.of(ALICE), true);
    JsonObject streaming = card("start");
    streaming.getJsonObject("config").put("streaming_mode", true);
    streaming.getJsonObject("body").getJsonArray("elements").getJsonObject(0).put("element_id", "md_1");
    assertThat(call(HttpMethod.POST, "/open-apis/cardkit/v1/cards", t, new JsonObject().put("type", "card_json")
        .put("data", card("x").put("schema", "1.0").encode())).code()).isEqualTo(300303);
    String cardId = call(HttpMethod.POST, "/open-apis/cardkit/v1/cards", t, new JsonObject().put("type", "card_json")
        .put("data", streaming.encode())).data().getString("card_id");
    String ref = new JsonObject().put("type", "card").put("data", new JsonObject().put("card_id", cardId)).encode();
    String id = send(t, group.chatId, "interactive", ref).data().getString("message_id");
    assertThat(send(t, group.chatId, "interactive", ref).code()).as("an entity is sent once").isNotZero();
    String content = "/open-apis/cardkit/v1/cards/" + cardId + "/elements/md_1/content";
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "hello").put("sequence", 1)).code()).isZero();
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "hello wo").put("sequence", 1)).code())
        .isEqualTo(300317);
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "hello world").put("sequence", 2)).code())
        .isZero();
    assertThat(call(HttpMethod.PATCH, "/open-apis/cardkit/v1/cards/" + cardId + "/settings", t, new JsonObject()
        .put("settings", "{\"config\":{\"streaming_mode\":false}}").put("sequence", 3)).code()).isZero();
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "more").put("sequence", 4)).code())
        .isEqualTo(300309);
    assertThat(call(HttpMethod.PUT, "/open-apis/cardkit/v1/cards/" + cardId, t, new JsonObject().put("card",
        new JsonObject().put("type", "card_json").put("data", card("final").encode())).put("sequence", 5)).code()).isZero();
    FeishuMessage m = fake.message(id);
    assertThat(m.history()).as("sent, two texts, settings, replace").hasSize(5);
    assertThat(m.visibleText()).contains("final");
    assertThat(FeishuCards.visibleText(new JsonObject(m.history().get(1)))).contains("hello");
  }

  @Test
  @DisplayName("§11.4 CardKit: streaming closes by itself 10 minutes after it was last opened (200850, then 300309);"
      + " settings re-open it and the clock starts again")
  void cardKitStreamingTimesOut() {
    String t = token();
    FeishuChat group = fake.group("g", List.of(ALICE), true);
    JsonObject streaming = card("start");
    streaming.getJsonObject("config").put("streaming_mode", true);
    streaming.getJsonObject("body").getJsonArray("elements").getJsonObject(0).put("element_id", "md_1");
    String cardId = call(HttpMethod.POST, "/open-apis/cardkit/v1/cards", t, new JsonObject().put("type", "card_json")
        .put("data", streaming.encode())).data().getString("card_id");
    send(t, group.chatId, "interactive", new JsonObject().put("type", "card")
        .put("data", new JsonObject().put("card_id", cardId)).encode());
    String content = "/open-apis/cardkit/v1/cards/" + cardId + "/elements/md_1/content";
    fake.advance(java.time.Duration.ofMinutes(11));
    t = token();
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "a").put("sequence", 1)).code())
        .isEqualTo(200850);
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "a").put("sequence", 2)).code())
        .isEqualTo(300309);
    assertThat(call(HttpMethod.PATCH, "/open-apis/cardkit/v1/cards/" + cardId + "/settings", t, new JsonObject()
        .put("settings", "{\"config\":{\"streaming_mode\":true}}").put("sequence", 3)).code()).isZero();
    assertThat(call(HttpMethod.PUT, content, t, new JsonObject().put("content", "ab").put("sequence", 4)).code()).isZero();
  }

  @Test
  @DisplayName("§5 crypto: the notes' AES test vector decrypts to 'hello world'; encryption round-trips with a random"
      + " IV; the signature is plain SHA-256 of timestamp+nonce+key+body (vector from sha256sum)")
  void crypto() {
    assertThat(FeishuCrypto.decrypt("test key", "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=")).isEqualTo("hello world");
    String a = FeishuCrypto.encrypt("test key", "hello world");
    String b = FeishuCrypto.encrypt("test key", "hello world");
    assertThat(a).isNotEqualTo(b);
    assertThat(FeishuCrypto.decrypt("test key", a)).isEqualTo("hello world");
    assertThat(FeishuCrypto.signature("1700000000", "nonce123", "test key",
        "{\"encrypt\":\"abc\"}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("fa24b1676251ac6f7e77ce096f97c39d68faf9c7ce89a34ee58abf9ecad1558f");
  }

  @Test
  @DisplayName("§5/§6 pusher: encrypted and signed bodies that verify and decrypt to the v2 envelope; a redelivery keeps"
      + " the event_id; plaintext mode carries header.token and no signature; url_verification has no header")
  void pusher() {
    List<JsonObject> got = new CopyOnWriteArrayList<>();
    HttpServer bot = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(buf -> {
      got.add(new JsonObject().put("path", req.path()).put("body", buf.toString())
          .put("ts", req.getHeader("X-Lark-Request-Timestamp")).put("nonce", req.getHeader("X-Lark-Request-Nonce"))
          .put("sig", req.getHeader("X-Lark-Signature")));
      req.response().end("{}");
    }));
    bot.listen(0, "127.0.0.1").await();
    String base = "http://127.0.0.1:" + bot.actualPort();
    FeishuChat dm = fake.p2pChat(ALICE);
    try (FeishuPusher enc = new FeishuPusher(vertx, fake, base, "vt", "ek");
        FeishuPusher plain = new FeishuPusher(vertx, fake, base, "vt", null)) {
      FeishuPusher.Event e = enc.message(dm, ALICE, "hi", false);
      assertThat(enc.deliver(e).status()).isEqualTo(200);
      assertThat(enc.deliver(e).status()).isEqualTo(200);
      JsonObject first = got.get(0);
      JsonObject second = got.get(1);
      assertThat(first.getString("path")).isEqualTo(FeishuPusher.EVENTS_PATH);
      assertThat(first.getString("sig")).isEqualTo(FeishuCrypto.signature(first.getString("ts"), first.getString("nonce"),
          "ek", first.getString("body").getBytes(StandardCharsets.UTF_8)));
      assertThat(Math.abs(Long.parseLong(first.getString("ts")) - System.currentTimeMillis() / 1000)).isLessThan(5);
      JsonObject env = new JsonObject(FeishuCrypto.decrypt("ek", new JsonObject(first.getString("body")).getString("encrypt")));
      JsonObject env2 = new JsonObject(FeishuCrypto.decrypt("ek", new JsonObject(second.getString("body")).getString("encrypt")));
      assertThat(second.getString("body")).as("fresh IV").isNotEqualTo(first.getString("body"));
      assertThat(env2.getJsonObject("header").getString("event_id")).isEqualTo(env.getJsonObject("header").getString("event_id"));
      assertThat(env.getString("schema")).isEqualTo("2.0");
      JsonObject header = env.getJsonObject("header");
      assertThat(header.getString("event_type")).isEqualTo("im.message.receive_v1");
      assertThat(header.getString("token")).isEqualTo("vt");
      assertThat(header.getString("app_id")).isEqualTo(APP);
      assertThat(header.getString("create_time")).matches("\\d{13}");
      JsonObject message = env.getJsonObject("event").getJsonObject("message");
      assertThat(message.getString("chat_type")).isEqualTo("p2p");
      assertThat(new JsonObject(message.getString("content")).getString("text")).isEqualTo("hi");
      assertThat(env.getJsonObject("event").getJsonObject("sender").getJsonObject("sender_id").getString("open_id"))
          .isEqualTo(ALICE);
      assertThat(fake.message(message.getString("message_id")).senderId).isEqualTo(ALICE);

      FeishuChat group = fake.group("g", List.of(ALICE), true);
      JsonObject mention = plain.message(group, ALICE, "run it", true).envelope();
      assertThat(new JsonObject(mention.getJsonObject("event").getJsonObject("message").getString("content"))
          .getString("text")).isEqualTo("@_user_1 run it");
      assertThat(mention.getJsonObject("event").getJsonObject("message").getJsonArray("mentions").getJsonObject(0)
          .getJsonObject("id").getString("open_id")).isEqualTo(fake.botOpenId);
      plain.deliver(plain.urlVerification("ch-1"));
      JsonObject challenge = got.get(2);
      assertThat(challenge.getString("sig")).isNull();
      assertThat(new JsonObject(challenge.getString("body"))).isEqualTo(new JsonObject().put("challenge", "ch-1")
          .put("token", "vt").put("type", "url_verification"));

      JsonObject c = card("x");
      c.getJsonObject("body").getJsonArray("elements").add(new JsonObject().put("tag", "button").put("name", "b1")
          .put("text", new JsonObject().put("tag", "plain_text").put("content", "Go"))
          .put("behaviors", new JsonArray().add(new JsonObject().put("type", "callback").put("value",
              new JsonObject().put("k", "v")))));
      FeishuMessage shown = fake.post(group.chatId, "app:" + APP, "interactive", c.encode());
      JsonObject click = plain.click(ALICE, shown, FeishuCards.button(c, "Go"), new JsonObject().put("reason", "r"))
          .envelope();
      plain.deliver(new FeishuPusher.Event(FeishuPusher.CARD_ACTIONS_PATH, click, shown.messageId));
      JsonObject delivered = new JsonObject(got.get(3).getString("body"));
      assertThat(got.get(3).getString("path")).isEqualTo(FeishuPusher.CARD_ACTIONS_PATH);
      assertThat(delivered.getJsonObject("header").getString("event_type")).isEqualTo("card.action.trigger");
      assertThat(delivered.getJsonObject("header").getString("create_time")).as("microseconds").matches("\\d{16}");
      JsonObject ev = delivered.getJsonObject("event");
      assertThat(ev.getJsonObject("operator").getString("open_id")).isEqualTo(ALICE);
      assertThat(ev.getJsonObject("action").getJsonObject("value")).isEqualTo(new JsonObject().put("k", "v"));
      assertThat(ev.getJsonObject("action").getString("name")).isEqualTo("b1");
      assertThat(ev.getJsonObject("action").getJsonObject("form_value").getString("reason")).isEqualTo("r");
      assertThat(ev.getJsonObject("context").getString("open_message_id")).isEqualTo(shown.messageId);
      assertThat(ev.getJsonObject("context").getString("open_chat_id")).isEqualTo(group.chatId);
    } finally {
      bot.close().await();
    }
  }
}
