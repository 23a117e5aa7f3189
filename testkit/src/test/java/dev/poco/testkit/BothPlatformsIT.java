package dev.poco.testkit;

import static dev.poco.testkit.FeishuWebhookIT.button;
import static dev.poco.testkit.FeishuWebhookIT.card;
import static dev.poco.testkit.FeishuWebhookIT.taskCard;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FakeSlack;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuLongConnection;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import dev.poco.testkit.fakes.SlackChannel;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * One PoCo configured for Feishu (long connection) and Slack (Socket Mode) at once, against both fakes: a project and
 * a task on each platform, each answered on its own platform only.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Feishu and Slack at once, end to end through both fakes")
class BothPlatformsIT {
  static final String FEISHU_GATEWAY = "dev.poco.gateway.feishu.FeishuGatewayVerticle";
  static final String APP = "cli_poco_both_it";
  static final String SECRET = "app-secret-feishu-both-4242";
  static final String FALICE = "ou_alice_both";

  @TempDir Path home;

  @Test
  @DisplayName("a task from Slack is answered in Slack, a task from Feishu in Feishu, and neither shows on the other")
  void eachPlatformAnswersItsOwn() {
    Vertx platform = Vertx.vertx();
    FakeFeishu feishu = FakeFeishu.start(platform, APP, SECRET);
    FakeSlack slack = SlackRig.fake(platform);
    Map<String, String> config = new HashMap<>(SlackRig.config(slack, SlackRig.Mode.SOCKET));
    config.putAll(Map.of(ConfigKeys.FEISHU_APP_ID, APP, ConfigKeys.FEISHU_APP_SECRET, SECRET,
        ConfigKeys.FEISHU_DELIVERY_MODE, "longconn", ConfigKeys.FEISHU_API_BASE_URL, feishu.baseUrl(),
        ConfigKeys.ALLOWED_USERS, "slack:" + SlackRig.ALICE + ",feishu:" + FALICE));
    EmbeddedPoco system = EmbeddedPoco.start(home, config);
    FeishuPusher events = new FeishuPusher(platform, feishu, "http://127.0.0.1:1", "unused-vt", null);
    try (SlackRig rig = SlackRig.on(platform, slack, system, SlackRig.Mode.SOCKET)) {
      try {
        system.vertx.deployVerticle(FEISHU_GATEWAY, new DeploymentOptions().setConfig(system.config)).await();
        FeishuLongConnection socket = feishu.longConn();
        rig.await("the Feishu long connection", () -> socket.connected() > 0 ? true : null);
        assertThat(system.http.get("/health").json().getString("mode")).isEqualTo("feishu+slack");

        SlackChannel channel = rig.project("both-sl");
        FeishuChat group = feishuProject(rig, feishu, events, socket, "both-fs");

        String fromSlack = "Reply with exactly: FROM-SLACK";
        String fromFeishu = "Reply with exactly: FROM-FEISHU";
        String ts = rig.say(channel, fromSlack);
        socket.push(events.message(group, FALICE, fromFeishu, true).envelope());
        rig.await("the Slack task Done in Slack", () -> SlackRig.taskMessage(channel, ts, "[Done]"));
        FeishuWebhookIT.await(feishu, "the Feishu task Done in Feishu", () -> taskCard(group, fromFeishu,
            "FROM-FEISHU"));
        SlackRig.settle();
        assertThat(slack.dump()).as("Slack shows nothing of the Feishu task").doesNotContain("FROM-FEISHU");
        assertThat(slack.calls().toString()).doesNotContain("FROM-FEISHU");
        assertThat(feishu.dump()).as("Feishu shows nothing of the Slack task").doesNotContain("FROM-SLACK");
        assertThat(feishu.requests().toString()).doesNotContain("FROM-SLACK");
        assertThat(rig.tasks(fromSlack)).hasSize(1);
        assertThat(rig.tasks(fromFeishu)).hasSize(1);
      } finally {
        System.out.println("what Feishu shows at the end:\n" + feishu.dump());
        events.close();
        feishu.close();
      }
    }
  }

  /** Feishu DM hi → New → a name: the project group (over the long connection). */
  private static FeishuChat feishuProject(SlackRig rig, FakeFeishu feishu, FeishuPusher events,
      FeishuLongConnection socket, String name) {
    FeishuChat dm = feishu.p2pChat(FALICE);
    socket.push(events.message(dm, FALICE, "hi", false).envelope());
    FeishuMessage home = FeishuWebhookIT.await(feishu, "a home card", () -> card(dm, "New"));
    socket.callback(events.click(FALICE, home, button(home, "New"), null).envelope());
    FeishuMessage form = FeishuWebhookIT.await(feishu, "the new-project form", () -> card(dm,
        "Create Project + Group"));
    socket.callback(events.click(FALICE, form, button(form, "Create Project + Group"), FeishuCards.formValue(
        form.json(), "name", new JsonObject().put("name", name))).envelope());
    FeishuChat group = FeishuWebhookIT.await(feishu, "the group", () -> feishu.groupsNamed(name).stream()
        .findFirst().orElse(null));
    FeishuWebhookIT.await(feishu, "the workspace card", () -> card(group, "Run"));
    return group;
  }
}
