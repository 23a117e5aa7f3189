package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuLongConnection;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.json.JsonObject;

/**
 * What a Feishu user does with their hands, whatever the delivery mode: says something in a chat, clicks a button on
 * a card (with the card's form values when the button submits a form). How it reaches PoCo is the platform's business:
 * signed HTTP posts in webhook mode, data frames over the long connection otherwise; the flow tests are written once
 * against this.
 */
interface FeishuHands {
  /** {@code user} posts {@code text} in {@code chat}; in a group with an @mention of the bot, as a prompt needs. */
  void say(String user, FeishuChat chat, String text);

  /**
   * {@code user} clicks the button labelled {@code label} on {@code card}; {@code form}: the form values submitted with
   * it, or null. Returns the callback's answer ({@code {}} when it had none); it must come, with success, in time.
   */
  JsonObject click(String user, FeishuMessage card, String label, JsonObject form);

  /** Webhook mode: the fake's pusher POSTs encrypted, signed events and callbacks to PoCo's HTTP edge. */
  static FeishuHands webhook(FeishuPusher push) {
    return new FeishuHands() {
      @Override
      public void say(String user, FeishuChat chat, String text) {
        FeishuPusher.Delivery d = push.deliver(push.message(chat, user, text, isGroup(chat)));
        assertThat(d.status()).as("the event was taken: " + d.body()).isEqualTo(200);
      }

      @Override
      public JsonObject click(String user, FeishuMessage card, String label, JsonObject form) {
        FeishuPusher.Delivery d = push.deliver(push.click(user, card, button(card, label), form));
        assertThat(d.status()).as("the click on " + label + " was answered: " + d.body()).isEqualTo(200);
        return d.json() == null ? new JsonObject() : d.json();
      }

      @Override
      public String toString() { return "webhook"; }
    };
  }

  /**
   * Long-connection mode: the fake pushes the same envelopes over the gateway's WebSocket; a callback's answer is the
   * data of its ack, within Feishu's 3 s. {@code envelopes} only builds them (and posts the user's message in the fake).
   */
  static FeishuHands longConnection(FeishuLongConnection socket, FeishuPusher envelopes) {
    return new FeishuHands() {
      @Override
      public void say(String user, FeishuChat chat, String text) {
        socket.push(envelopes.message(chat, user, text, isGroup(chat)).envelope());
      }

      @Override
      public JsonObject click(String user, FeishuMessage card, String label, JsonObject form) {
        JsonObject answer = socket.callback(envelopes.click(user, card, button(card, label), form).envelope());
        assertThat(answer).as("the callback on " + label + " was answered in its ack within 3 s").isNotNull();
        return answer;
      }

      @Override
      public String toString() { return "long connection"; }
    };
  }

  private static boolean isGroup(FeishuChat chat) { return !"p2p".equals(chat.chatType); }

  private static JsonObject button(FeishuMessage m, String label) {
    JsonObject b = FeishuCards.button(m.json(), label);
    assertThat(b).as("button " + label + " on " + m.visibleText()).isNotNull();
    return b;
  }
}
