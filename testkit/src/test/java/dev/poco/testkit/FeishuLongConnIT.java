package dev.poco.testkit;

import static dev.poco.testkit.FeishuWebhookIT.ALICE;
import static dev.poco.testkit.FeishuWebhookIT.SECRET;
import static dev.poco.testkit.FeishuWebhookIT.await;
import static dev.poco.testkit.FeishuWebhookIT.card;
import static dev.poco.testkit.FeishuWebhookIT.cards;
import static dev.poco.testkit.FeishuWebhookIT.settle;
import static dev.poco.testkit.FeishuWebhookIT.taskCard;
import static dev.poco.testkit.FeishuWebhookIT.taskCards;
import static dev.poco.testkit.FeishuWebhookIT.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuLongConnection;
import dev.poco.testkit.fakes.FeishuMessage;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole system with the Feishu gateway on the long connection (the default delivery mode) against the fake
 * Feishu: events and card callbacks come as pbbp2 data frames over the fake's WebSocket, the answers go back in acks,
 * the gateway calls the fake's open API; asserted is what a Feishu user would see, and what the platform recorded.
 * Here: the transport (frames, acks, re-pushes, reconnects); the user flows run in both modes in {@link FeishuUserFlows}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("Feishu over the long connection, end to end through the fake Feishu")
class FeishuLongConnIT {
  @TempDir Path home;

  static FeishuRig start(Path home, Map<String, String> extra, int fragments) {
    return FeishuRig.longConnection(home, extra, fragments);
  }

  /** Every push was acked (by message_id), with code 200. */
  static void everyPushAcked(FeishuRig rig) {
    Map<String, List<FeishuLongConnection.Ack>> byMessage = rig.socket.acks().stream()
        .collect(Collectors.groupingBy(FeishuLongConnection.Ack::messageId));
    for (FeishuLongConnection.Push p : rig.socket.pushes()) {
      if (!"event".equals(p.frameType())) continue;
      assertThat(byMessage.get(p.messageId())).as("an ack for " + p).isNotNull();
      assertThat(byMessage.get(p.messageId()).get(0).code()).isEqualTo(200);
      assertThat(byMessage.get(p.messageId()).get(0).bizRt()).as("biz_rt").isNotNull();
    }
  }

  @Test
  @DisplayName("DM hi → home card; New → name → a group over socket callbacks; a prompt → one task card Done; every"
      + " data frame acked, the event's ack before its card, fragments joined")
  void longConnectionEndToEnd() {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger poco = logs.getLogger("dev.poco");
    Logger root = logs.getLogger(Logger.ROOT_LOGGER_NAME);
    Level before = poco.getLevel();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.list = new java.util.concurrent.CopyOnWriteArrayList<>(); // appended on other threads, read on this one
    seen.start();
    poco.setLevel(Level.DEBUG);
    poco.addAppender(seen);
    root.addAppender(seen);
    List<String> secrets = new ArrayList<>(List.of(SECRET));
    try {
      endToEnd(secrets);
    } finally {
      poco.detachAppender(seen);
      root.detachAppender(seen);
      poco.setLevel(before);
    }
    assertThat(seen.list).isNotEmpty();
    for (ILoggingEvent e : seen.list) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      for (String s : secrets) assertThat(line).as(e.getLoggerName() + " logs a secret").doesNotContain(s);
    }
  }

  private void endToEnd(List<String> secrets) {
    try (FeishuRig rig = start(home, Map.of(), 3)) {
      FeishuChat dm = rig.fake.p2pChat(ALICE);
      rig.hands.say(ALICE, dm, "hi");
      FeishuMessage homeCard = await(rig.fake, "a home card with New in the DM", () -> card(dm, "New"));
      FeishuLongConnection.Ack hiAck = rig.socket.acks().get(0);
      assertThat(hiAck.eventType()).isEqualTo("im.message.receive_v1");
      assertThat(hiAck.late()).isFalse();
      assertThat(hiAck.data()).as("an event's ack has no data").isNull();
      assertThat(hiAck.atMs()).as("ack first, then the work").isLessThanOrEqualTo(homeCard.createTimeMs);

      // the callbacks come over the socket and their answers in the acks
      rig.hands.click(ALICE, homeCard, "New", null);
      FeishuMessage form = await(rig.fake, "the new-project form", () -> card(dm, "Create Project + Group"));
      rig.hands.click(ALICE, form, "Create Project + Group", FeishuCards.formValue(form.json(), "name",
          new JsonObject().put("name", "lc-proj")));
      FeishuChat group = await(rig.fake, "the project group", () -> rig.fake.groupsNamed("lc-proj").stream()
          .findFirst().orElse(null));
      await(rig.fake, "the workspace card", () -> card(group, "Run"));
      settle();
      assertThat(rig.fake.groupsNamed("lc-proj")).hasSize(1);
      assertThat(cards(group, "Run")).as("one workspace card\n" + rig.fake.dump()).hasSize(1);

      String prompt = "Reply with exactly: LC-ANSWER-1";
      rig.hands.say(ALICE, group, prompt);
      await(rig.fake, "the task card Done", () -> taskCard(group, prompt, "LC-ANSWER-1"));
      assertThat(tasks(rig.system, prompt)).hasSize(1);
      assertThat(taskCards(group, prompt)).hasSize(1);
      assertThat(rig.socket.pushes()).allMatch(p -> p.fragments() == 3);
      everyPushAcked(rig);
      assertThat(rig.socket.acks()).as("no ack late").noneMatch(FeishuLongConnection.Ack::late);
      assertThat(rig.socket.acks().stream().filter(a -> "card.action.trigger".equals(a.eventType())))
          .as("callback acks carry the answer").allMatch(a -> a.data() != null);
      assertThat(rig.socket.pings()).isPositive();
      JsonObject h = rig.health();
      assertThat(h.getBoolean("listener_ready")).isTrue();
      assertThat(h.getString("connected_since")).isNotNull();
      assertThat(h.getString("last_event_at")).isNotNull();
      assertThat(h.getJsonObject("long_connection").getString("last_pong_at")).isNotNull();
      assertThat(h.encode()).doesNotContain(SECRET).doesNotContain("ticket");

      // a type=card frame is ignored and never acked, as every SDK does (feishu.md §7.5, §12)
      String ignored = "Reply with exactly: LC-CARD-FRAME";
      rig.socket.pushCardTypeFrame(rig.push.message(group, ALICE, ignored, true).envelope());
      settle();
      assertThat(tasks(rig.system, ignored)).isEmpty();
      FeishuLongConnection.Push cardFrame = rig.socket.pushes().get(rig.socket.pushes().size() - 1);
      assertThat(cardFrame.frameType()).isEqualTo("card");
      assertThat(rig.socket.acks()).noneMatch(a -> a.messageId().equals(cardFrame.messageId()));
      secrets.addAll(rig.socket.issuedTickets());
      secrets.addAll(rig.fake.issuedTokens());
    }
  }

  @Test
  @DisplayName("an event whose ack is late is re-pushed (same event_id): it runs once, one task card")
  void lateAckRedeliveryRunsOnce() {
    try (FeishuRig rig = start(home, Map.of(), 1)) {
      FeishuChat group = rig.project("lc-redeliver");
      rig.socket.acksLate(true); // every ack is late now: the platform pushes each event again
      rig.socket.maxRedeliveries(1);
      String prompt = "Reply with exactly: LC-ONCE";
      rig.hands.say(ALICE, group, prompt);
      await(rig.fake, "the task card Done", () -> taskCard(group, prompt, "LC-ONCE"));
      String eventId = await(rig.fake, "the re-push", () -> rig.socket.pushes().stream()
          .collect(Collectors.groupingBy(FeishuLongConnection.Push::eventId, Collectors.counting())).entrySet()
          .stream().filter(e -> e.getValue() >= 2).map(Map.Entry::getKey).findFirst().orElse(null));
      settle();
      assertThat(rig.socket.pushes().stream().filter(p -> p.eventId().equals(eventId))).hasSize(2);
      assertThat(rig.socket.acks().stream().filter(a -> eventId.equals(a.eventId()))).as("both pushes acked (late)")
          .hasSize(2).allMatch(FeishuLongConnection.Ack::late);
      assertThat(tasks(rig.system, prompt)).as("a re-pushed event is not a second task").hasSize(1);
      assertThat(taskCards(group, prompt)).as("one task card\n" + rig.fake.dump()).hasSize(1);
      everyPushAcked(rig);
    }
  }

  @Test
  @DisplayName("the socket dropped mid-task and then a silent (half-open) socket are replaced; the task cards still"
      + " end Done")
  void droppedAndSilentSocketsAreReplaced() {
    try (FeishuRig rig = start(home, Map.of(ConfigKeys.STUB_SLOW_SECONDS, "4"), 1)) {
      FeishuChat group = rig.project("lc-faults");
      String slow = "SLOW Reply with exactly: LC-DROPPED";
      rig.hands.say(ALICE, group, slow);
      await(rig.fake, "the running task card", () -> taskCards(group, slow).stream().findFirst().orElse(null));
      int before = rig.socket.opened();
      rig.socket.dropSockets();
      await(rig.fake, "a new socket after the drop", () -> rig.socket.opened() > before && rig.socket.connected() > 0
          ? true : null);
      await(rig.fake, "the task card Done after the drop", () -> taskCard(group, slow, "LC-DROPPED"));

      int beforeSilence = rig.socket.opened();
      rig.socket.goSilent();
      String afterSilence = "Reply with exactly: LC-SILENT";
      rig.hands.say(ALICE, group, afterSilence); // held by the platform: no live connection takes it until the new one
      await(rig.fake, "a new socket after the silence", () -> rig.socket.opened() > beforeSilence ? true : null);
      await(rig.fake, "the task card Done after the silence", () -> taskCard(group, afterSilence, "LC-SILENT"));
      assertThat(tasks(rig.system, slow)).hasSize(1);
      assertThat(tasks(rig.system, afterSilence)).hasSize(1);
      JsonObject h = rig.health();
      assertThat(h.getBoolean("listener_ready")).isTrue();
      assertThat(h.getInteger("reconnects")).isGreaterThanOrEqualTo(2);
      everyPushAcked(rig);
    }
  }

  @Test
  @DisplayName("the server's ClientConfig ReconnectCount (2): after a drop the gateway tries twice against a busy"
      + " endpoint, then stops and says so in health")
  void reconnectCountIsHonoured() {
    try (FeishuRig rig = start(home, Map.of(), 1)) {
      rig.socket.clientConfig(new JsonObject().put("ReconnectCount", 2).put("ReconnectInterval", 1)
          .put("ReconnectNonce", 0).put("PingInterval", 120));
      int before = rig.socket.opened();
      rig.socket.dropSockets(); // the reconnect fetches the endpoint again and with it the new ClientConfig
      await(rig.fake, "a new socket on the new config", () -> rig.socket.opened() > before
          && rig.socket.connected() > 0 ? true : null);
      await(rig.fake, "health showing ReconnectCount 2", () -> rig.health().getJsonObject("long_connection")
          .getJsonObject("config").getInteger("ReconnectCount") == 2 ? true : null);
      rig.fake.failNext(FakeFeishu.WS_ENDPOINT, 10, 1, 200); // code 1: busy, retried (feishu.md §7.1)
      long endpointCalls = rig.fake.calls(FakeFeishu.WS_ENDPOINT);
      rig.socket.dropSockets();
      JsonObject lc = await(rig.fake, "health saying the gateway gave up", () -> {
        JsonObject l = rig.health().getJsonObject("long_connection");
        return l.getString("gave_up") != null ? l : null;
      });
      assertThat(lc.getString("gave_up")).contains("ReconnectCount 2");
      assertThat(rig.health().getBoolean("listener_ready")).isFalse();
      settle(); // more than a ReconnectInterval: nothing more is tried
      assertThat(rig.fake.calls(FakeFeishu.WS_ENDPOINT) - endpointCalls).as("exactly two attempts").isEqualTo(2);
    }
  }
}
