package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

/** Channel names from project names (slack.md §4) and project channels against the fake. */
class SlackChatsTest {
  @Test
  void channelNameIsLowercaseHyphenatedAndValid() {
    assertThat(SlackChats.channelName("My Cool  Project", "p1")).isEqualTo("my-cool-project");
    assertThat(SlackChats.channelName("Café Déjà-Vu!", "p1")).isEqualTo("cafe-deja-vu");
    assertThat(SlackChats.channelName("  --Hello_World--  ", "p1")).isEqualTo("hello_world");
    assertThat(SlackChats.channelName("项目 demo", "p1")).isEqualTo("demo");
    assertThat(SlackChats.channelName("数据分析项目", "proj-9f3a2b7c")).isEqualTo("poco-3a2b7c");
    String hundred = "a".repeat(50) + " " + "b".repeat(49);
    String n = SlackChats.channelName(hundred, "p1");
    assertThat(n).hasSizeLessThanOrEqualTo(80).startsWith("a".repeat(50) + "-b").matches("[a-z0-9_-]+");
  }

  @Test
  void suffixKeepsTheNameWithin80() {
    String long80 = "x".repeat(80);
    String s = SlackChats.withSuffix(long80, "prj_ABCDEF123456");
    assertThat(s).hasSize(80).endsWith("-123456");
    assertThat(SlackChats.withSuffix("demo", "p-1")).isEqualTo("demo-p1");
  }

  @Test
  void createInvitesIsIdempotentAndTakesASuffixWhenTheNameIsTaken() {
    Vertx vertx = Vertx.vertx();
    try {
      FakeSlackApi fake = await(FakeSlackApi.start(vertx));
      SlackApi api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, "s", "webhook", fake.baseUrl()),
          null);
      SlackChats chats = new SlackChats(api, new DebugRing(50));
      fake.takenNames.add("demo");
      ChatReply first = await(chats.handle(ChatRequest.create("proj-000042", "Demo", "U1")));
      assertThat(first.name()).isEqualTo("demo-000042");
      assertThat(first.chatId()).startsWith("C");
      assertThat(fake.calls("conversations.create").get(0).body().getBoolean("is_private")).isFalse();
      assertThat(fake.calls("conversations.invite").get(0).body().getString("users")).isEqualTo("U1");
      ChatReply again = await(chats.handle(ChatRequest.create("proj-000042", "Demo", "U1")));
      assertThat(again).isEqualTo(first);
      assertThat(fake.calls("conversations.create")).hasSize(2); // demo (taken), demo-000042
      await(chats.handle(ChatRequest.dissolve("proj-000042", first.chatId())));
      await(chats.handle(ChatRequest.dissolve("proj-000042", first.chatId())));
      assertThat(fake.calls("conversations.archive")).hasSize(2);
    } finally {
      await(vertx.close());
    }
  }
}
