package dev.poco.gateway.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Slack payloads into the contract (slack.md §2, §3). */
class SlackEventsTest {
  static final String BOT = "U0BOT";

  static JsonObject envelope(JsonObject event) {
    return new JsonObject().put("type", "event_callback").put("team_id", "T1").put("api_app_id", "A1")
        .put("event_id", "Ev123").put("event_time", 1_700_000_000).put("event", event);
  }

  static JsonObject message(String channelType, String channel, String text) {
    return new JsonObject().put("type", "message").put("channel_type", channelType).put("channel", channel)
        .put("user", "U1").put("text", text).put("ts", "1700000000.000100").put("client_msg_id", "c1");
  }

  @Test
  void directMessageBecomesADmInboundMessageThreadedUnderItself() {
    InboundMessage in = SlackEvents.message(envelope(message("im", "D1", "hello")), BOT).value();
    assertThat(in.platform()).isEqualTo(Platforms.SLACK);
    assertThat(in.chatType()).isEqualTo(Platforms.CHAT_DM);
    assertThat(in.chatId()).isEqualTo("D1");
    assertThat(in.userId()).isEqualTo("U1");
    assertThat(in.text()).isEqualTo("hello");
    assertThat(in.messageId()).isEqualTo("1700000000.000100");
    assertThat(in.eventId()).isEqualTo("Ev123");
    assertThat(in.threadId()).isEqualTo("1700000000.000100");
    assertThat(in.slashCommand()).isFalse();
  }

  @Test
  void channelMessageWithMentionIsAGroupMessageWithoutTheMention() {
    InboundMessage in = SlackEvents.message(envelope(message("channel", "C1", "<@U0BOT> fix the tests")), BOT).value();
    assertThat(in.chatType()).isEqualTo(Platforms.CHAT_GROUP);
    assertThat(in.text()).isEqualTo("fix the tests");
    assertThat(SlackEvents.stripBotMention("<@U0BOT|poco>: run it", BOT)).isEqualTo("run it");
    assertThat(SlackEvents.stripBotMention("<@U9OTHER> run it", BOT)).isEqualTo("<@U9OTHER> run it");
  }

  @Test
  void messageInAThreadKeepsItsThread() {
    JsonObject e = message("channel", "C1", "more").put("thread_ts", "1699999999.000001");
    InboundMessage in = SlackEvents.message(envelope(e), BOT).value();
    assertThat(in.threadId()).isEqualTo("1699999999.000001");
    assertThat(in.messageId()).isEqualTo("1700000000.000100");
  }

  @Test
  void botsOwnAndSubtypedMessagesAreIgnored() {
    assertThat(SlackEvents.message(envelope(message("channel", "C1", "x").put("bot_id", "B1")), BOT).ignored())
        .isEqualTo("bot message");
    assertThat(SlackEvents.message(envelope(message("channel", "C1", "x").put("subtype", "bot_message")), BOT)
        .ignored()).contains("bot_message");
    assertThat(SlackEvents.message(envelope(message("channel", "C1", "x").put("subtype", "message_changed")), BOT)
        .ignored()).contains("message_changed");
    assertThat(SlackEvents.message(envelope(message("im", "D1", "x").put("user", BOT)), BOT).ignored())
        .contains("own");
    assertThat(SlackEvents.message(envelope(new JsonObject().put("type", "reaction_added")), BOT).value()).isNull();
  }

  static JsonObject blockActions(String value) {
    JsonObject state = new JsonObject().put("values", new JsonObject()
        .put("in:prompt", new JsonObject().put("prompt", new JsonObject().put("type", "plain_text_input")
            .put("value", "add a test")))
        .put("in:agent", new JsonObject().put("agent", new JsonObject().put("type", "static_select")
            .put("selected_option", new JsonObject().put("text", new JsonObject().put("type", "plain_text")
                .put("text", "Claude")).put("value", "claude")))));
    return new JsonObject().put("type", "block_actions").put("trigger_id", "tr1")
        .put("user", new JsonObject().put("id", "U1").put("username", "ann"))
        .put("container", new JsonObject().put("type", "message").put("message_ts", "1700000000.000200")
            .put("channel_id", "C1").put("is_ephemeral", false))
        .put("channel", new JsonObject().put("id", "C1").put("name", "proj"))
        .put("message", new JsonObject().put("ts", "1700000000.000200").put("thread_ts", "1700000000.000100"))
        .put("response_url", "https://hooks.slack.com/actions/T1/1/x")
        .put("state", state)
        .put("actions", new JsonArray().add(new JsonObject().put("type", "button").put("action_id", "task.run:0")
            .put("block_id", "act:0").put("value", value).put("action_ts", "1700000001.0")));
  }

  @Test
  void buttonClickBecomesACardIntentWithTheFormState() {
    JsonObject value = new JsonObject().put("intent_key", "task.run").put("request_id", "r-1")
        .put("project_id", "p1");
    SlackEvents.Interaction a = SlackEvents.interaction(blockActions(value.encode()), new ButtonValues()).value();
    CardIntent i = a.intent();
    assertThat(i.platform()).isEqualTo(Platforms.SLACK);
    assertThat(i.intentKey()).isEqualTo("task.run");
    assertThat(i.requestId()).isEqualTo("r-1");
    assertThat(i.value()).isEqualTo(value);
    assertThat(i.form()).isEqualTo(new JsonObject().put("prompt", "add a test").put("agent", "claude"));
    assertThat(i.userId()).isEqualTo("U1");
    assertThat(i.chatId()).isEqualTo("C1");
    assertThat(i.chatType()).isEqualTo(Platforms.CHAT_GROUP);
    assertThat(i.messageId()).isEqualTo("1700000000.000200");
    assertThat(i.eventId()).as("Slack has no interaction event id; request_id carries once-only").isNull();
    assertThat(a.threadTs()).isEqualTo("1700000000.000100");
    assertThat(a.responseUrl()).startsWith("https://hooks.slack.com/");
  }

  @Test
  void foreignButtonValuesAreIgnored() {
    assertThat(SlackEvents.interaction(blockActions("not json"), new ButtonValues()).ignored()).contains("JSON");
    assertThat(SlackEvents.interaction(new JsonObject().put("type", "view_submission"), new ButtonValues()).ignored())
        .contains("view_submission");
  }

  @Test
  void slashCommandFormBecomesASlashInboundMessage() {
    Map<String, String> form = SlackEvents.formFields("token=t&team_id=T1&channel_id=D42&user_id=U1&command=%2Fpoco"
        + "&text=new+project+%C3%A9t%C3%A9&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=x");
    SlackEvents.SlashCommand c = SlackEvents.slashCommand(form).value();
    assertThat(c.command()).isEqualTo("/poco");
    assertThat(c.responseUrl()).isEqualTo("https://hooks.slack.com/commands/1");
    assertThat(c.message().slashCommand()).isTrue();
    assertThat(c.message().text()).isEqualTo("new project été");
    assertThat(c.message().chatType()).isEqualTo(Platforms.CHAT_DM);
    form.put("channel_id", "C9");
    assertThat(SlackEvents.slashCommand(form).value().message().chatType()).isEqualTo(Platforms.CHAT_GROUP);
  }
}
