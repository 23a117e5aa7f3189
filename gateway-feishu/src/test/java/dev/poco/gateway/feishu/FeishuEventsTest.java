package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** im.message.receive_v1 and card.action.trigger envelopes (feishu.md §5, §6) into the contract. */
class FeishuEventsTest {
  static JsonObject message(String chatType, String senderType, String text, JsonArray mentions) {
    JsonObject msg = new JsonObject().put("message_id", "om_1").put("root_id", "").put("chat_id", "oc_1")
        .put("thread_id", "").put("chat_type", chatType).put("message_type", "text")
        .put("content", new JsonObject().put("text", text).encode());
    if (mentions != null) msg.put("mentions", mentions);
    return new JsonObject().put("schema", "2.0")
        .put("header", new JsonObject().put("event_id", "ev-1").put("event_type", "im.message.receive_v1"))
        .put("event", new JsonObject().put("sender", new JsonObject().put("sender_type", senderType)
            .put("sender_id", new JsonObject().put("open_id", "ou_alice"))).put("message", msg));
  }

  static JsonObject mention(String key, String name, String openId) {
    return new JsonObject().put("key", key).put("name", name).put("id", new JsonObject().put("open_id", openId));
  }

  @Test
  void aDirectMessageBecomesADmInboundMessage() {
    InboundMessage in = FeishuEvents.message(message("p2p", "user", "fix the build", null)).value();
    assertThat(in.platform()).isEqualTo(Platforms.FEISHU);
    assertThat(in.chatType()).isEqualTo(Platforms.CHAT_DM);
    assertThat(in.chatId()).isEqualTo("oc_1");
    assertThat(in.userId()).isEqualTo("ou_alice");
    assertThat(in.text()).isEqualTo("fix the build");
    assertThat(in.messageId()).isEqualTo("om_1");
    assertThat(in.eventId()).isEqualTo("ev-1");
    assertThat(in.threadId()).isNull();
    assertThat(in.trusted()).isFalse();
  }

  @Test
  void aGroupMessageLosesTheLeadingBotMentionAndKeepsOthersByName() {
    JsonArray mentions = new JsonArray().add(mention("@_user_1", "PoCo", "ou_bot")).add(mention("@_user_2", "Bob", "ou_bob"));
    InboundMessage in = FeishuEvents.message(message("group", "user", "@_user_1  ask @_user_2 to review", mentions))
        .value();
    assertThat(in.chatType()).isEqualTo(Platforms.CHAT_GROUP);
    assertThat(in.text()).isEqualTo("ask @Bob to review");
  }

  @Test
  void theBotsOwnAndOtherBotsMessagesAreIgnored() {
    FeishuEvents.Parsed<InboundMessage> own = FeishuEvents.message(message("group", "app", "card posted", null));
    assertThat(own.value()).isNull();
    assertThat(own.ignored()).contains("app");
    assertThat(FeishuEvents.message(message("group", "bot", "x", null)).value()).isNull();
  }

  @Test
  void aMessageInAThreadRepliesToTheThreadRoot() {
    JsonObject env = message("topic_group", "user", "go on", null);
    env.getJsonObject("event").getJsonObject("message").put("thread_id", "omt_1").put("root_id", "om_root");
    assertThat(FeishuEvents.message(env).value().threadId()).isEqualTo("om_root");
  }

  @Test
  void aPostMessageGivesItsText() {
    JsonObject env = message("p2p", "user", "", null);
    env.getJsonObject("event").getJsonObject("message").put("message_type", "post").put("content",
        new JsonObject().put("title", "").put("content", new JsonArray().add(new JsonArray()
            .add(new JsonObject().put("tag", "text").put("text", "line one"))).add(new JsonArray()
            .add(new JsonObject().put("tag", "text").put("text", "line two")))).encode());
    assertThat(FeishuEvents.message(env).value().text()).isEqualTo("line one\nline two");
    env.getJsonObject("event").getJsonObject("message").put("message_type", "image");
    assertThat(FeishuEvents.message(env).value()).isNull();
  }

  @Test
  void aCardActionBecomesACardIntentWithValueFormAndIds() {
    JsonObject value = new JsonObject().put("intent_key", "task.approve").put("request_id", "r-1").put("task_id", "t1");
    JsonObject env = new JsonObject().put("schema", "2.0")
        .put("header", new JsonObject().put("event_id", "cb-1").put("event_type", "card.action.trigger"))
        .put("event", new JsonObject().put("operator", new JsonObject().put("open_id", "ou_alice"))
            .put("token", "c-xyz")
            .put("action", new JsonObject().put("value", value).put("tag", "button").put("name", "submit_0")
                .put("form_value", new JsonObject().put("prompt", "hello")))
            .put("context", new JsonObject().put("open_message_id", "om_9").put("open_chat_id", "oc_1")));
    FeishuEvents.CardAction a = FeishuEvents.cardAction(env, Map.of("oc_1", Platforms.CHAT_GROUP)).value();
    CardIntent i = a.intent();
    assertThat(i.intentKey()).isEqualTo("task.approve");
    assertThat(i.requestId()).isEqualTo("r-1");
    assertThat(i.value()).isEqualTo(value);
    assertThat(i.form().getString("prompt")).isEqualTo("hello");
    assertThat(i.userId()).isEqualTo("ou_alice");
    assertThat(i.messageId()).isEqualTo("om_9");
    assertThat(i.chatId()).isEqualTo("oc_1");
    assertThat(i.chatType()).isEqualTo(Platforms.CHAT_GROUP);
    assertThat(i.eventId()).isEqualTo("cb-1");
    assertThat(CardIntent.fromJson(i.toJson())).isEqualTo(i);
    env.getJsonObject("event").getJsonObject("action").put("value", new JsonObject().put("k", "v"));
    assertThat(FeishuEvents.cardAction(env, Map.of()).value()).isNull();
  }
}
