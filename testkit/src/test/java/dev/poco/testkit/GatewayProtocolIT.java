package dev.poco.testkit;

import static dev.poco.testkit.GatewayScenario.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Placement;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.View;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The render protocol as a user on Feishu sees it, through a {@link RecordingGateway}: one card per prompt, posted
 * once and patched to its final state, whatever the gateway's speed, restarts or replays.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Render protocol: one card per task, held until bound, final state always shown, stale renders dropped")
class GatewayProtocolIT {
  @TempDir Path home;

  /** Statuses in the order shown, repeats folded: must be a subsequence of {@code order}. */
  static boolean inOrder(List<String> shown, List<String> order) {
    int at = 0;
    for (String s : shown) {
      int i = order.subList(at, order.size()).indexOf(s);
      if (i < 0) return false;
      at += i;
    }
    return true;
  }

  @Test
  @DisplayName("one prompt → exactly one task card message, queued → running → completed, ending with the full"
      + " result; the prompt's Reply is a toast")
  void onePromptOneCard() {
    try (GatewayScenario s = GatewayScenario.start(home)) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("one-card");
      int before = gw.messages(chat).size();

      RecordingGateway.Interaction i = gw.say(chat, ALICE, "Reply with exactly: THE FULL RESULT 42");
      assertThat(i.placement()).as("a prompt's Reply: %s", i.reply()).isEqualTo(Placement.TOAST);
      assertThat(i.shown()).as("a toast adds no message").isNull();
      String key = RenderRequest.taskKey(i.taskId());

      ShownMessage card = gw.awaitTaskStatus(i.taskId(), "completed", 15_000);
      gw.awaitQuiet(key, 400, 10_000);
      assertThat(card.chatId()).isEqualTo(chat);
      assertThat(card.view().body()).isEqualTo("THE FULL RESULT 42");
      assertThat(card.view().status()).isEqualTo("completed");
      assertThat(inOrder(card.statuses(), List.of("queued", "running", "completed"))).as(card.statuses().toString())
          .isTrue();
      assertThat(gw.renders(key).stream().filter(ReceivedRender::post).toList()).as("posted once").hasSize(1);
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(before + 1);
      assertThat(gw.messages(chat).stream().filter(m -> key.equals(m.cardKey())).toList()).hasSize(1);
      assertThat(gw.phoneNotices()).as("the phone hears once that the task ended, in reply to the prompt")
          .containsExactly(new RecordingGateway.PhoneNotice(chat, "um_" + i.eventId(), ALICE, i.taskId(), "completed",
              "@" + ALICE + " task " + i.taskId() + ": completed"));
    }
  }

  @Test
  @DisplayName("renders held until bound: the post's ack comes 1.5 s late while the agent streams → one post, nothing"
      + " else sent for the card before its ack, then the current state, ending with the final one")
  void heldUntilBound() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STUB_DELTA_MS, "250",
        ConfigKeys.RENDER_INTERVAL_MS, "0")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("held");
      int before = gw.messages(chat).size();
      gw.faults().delayPostAcks(1_500);

      String taskId = s.prompt(chat, "Reply with exactly: ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT");
      String key = RenderRequest.taskKey(taskId);
      ShownMessage card = gw.awaitTaskStatus(taskId, "completed", 15_000);
      List<ReceivedRender> all = gw.awaitQuiet(key, 400, 10_000);

      List<ReceivedRender> posts = all.stream().filter(ReceivedRender::post).toList();
      assertThat(posts).as(all.toString()).hasSize(1);
      ReceivedRender post = all.get(0);
      assertThat(post.post()).as("the first render is the post").isTrue();
      assertThat(post.ackedMessageId()).isEqualTo(card.messageId());
      for (ReceivedRender r : all.subList(1, all.size())) {
        assertThat(r.receivedAt()).as("sent only after the post's ack: %s", r).isGreaterThanOrEqualTo(post.ackedAt());
        assertThat(r.messageId()).as("a patch of the bound message: %s", r).isEqualTo(card.messageId());
      }
      assertThat(card.view().body()).isEqualTo("ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT");
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(before + 1);
    }
  }

  @Test
  @DisplayName("the gateway stops while a SLOW task runs; the task ends; a new gateway instance starts (ready) → the"
      + " same card message reaches the final state")
  void finalStateAcrossGatewayRestart() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STUB_SLOW_SECONDS, "2")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("restart-gw");
      String taskId = s.prompt(chat, "SLOW Reply with exactly: AFTER THE GAP");
      ShownMessage running = gw.awaitTaskStatus(taskId, "running", 10_000);
      int messages = gw.messages(chat).size();
      String first = gw.gatewayId();

      gw.stop();
      assertThat(s.awaitEnded(taskId, 15)).isEqualTo("completed");
      assertThat(gw.taskCard(taskId).view().status()).as("nobody could show it yet").isEqualTo("running");
      gw.start(s.poco.vertx);
      assertThat(gw.gatewayId()).isNotEqualTo(first);
      JsonObject health = Bus.request(s.poco.vertx.eventBus(), Addresses.gatewayHealth(GatewayScenario.PLATFORM),
          new JsonObject()).await();
      assertThat(health.getBoolean("listener_ready")).isTrue();

      ShownMessage done = gw.awaitTaskStatus(taskId, "completed", 15_000);
      assertThat(done.messageId()).as("the same message, patched").isEqualTo(running.messageId());
      assertThat(done.view().body()).isEqualTo("AFTER THE GAP");
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(messages);
      assertThat(gw.renders(RenderRequest.taskKey(taskId)).stream()
          .filter(r -> r.post() && "posted".equals(r.outcome()))).hasSize(1);
    }
  }

  @Test
  @DisplayName("the platform refuses the next two renders (500) as the task ends: the must-show states are retried"
      + " until shown, on the same messages")
  void refusedRendersRetried() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STUB_SLOW_SECONDS, "1")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("refused");
      String taskId = s.prompt(chat, "SLOW Reply with exactly: SHOWN AT LAST");
      String key = RenderRequest.taskKey(taskId);
      gw.awaitTaskStatus(taskId, "running", 10_000);
      gw.awaitQuiet(key, 200, 5_000);
      int messages = gw.messages(chat).size();
      gw.faults().failNextRenders(2);

      ShownMessage card = gw.awaitTaskStatus(taskId, "completed", 15_000);
      assertThat(card.view().body()).isEqualTo("SHOWN AT LAST");
      gw.await("the workspace card showing the task completed", () -> gw.workspaceCard(chat),
          m -> "completed".equals(m.view().status()), 15_000);
      assertThat(gw.renders().stream().filter(r -> "failed".equals(r.outcome()))).as(gw.describe()).hasSize(2);
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(messages);
    }
  }

  @Test
  @DisplayName("a post's ack is lost (the card is shown, the orchestrator never hears): after the render timeout the"
      + " post comes again and patches the same message → still one message, in its final state")
  void lostPostAck() {
    try (GatewayScenario s = GatewayScenario.start(home)) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("lost-ack");
      gw.awaitQuiet(RenderRequest.workspaceKey(GatewayScenario.PLATFORM, chat), 300, 5_000);
      int messages = gw.messages(chat).size();
      gw.faults().loseNextAcks(1);

      String taskId = s.prompt(chat, "Reply with exactly: SHOWN ONCE");
      String key = RenderRequest.taskKey(taskId);
      ShownMessage card = gw.awaitTaskStatus(taskId, "completed", Bus.RENDER_TIMEOUT_MS + 15_000);
      assertThat(card.view().body()).isEqualTo("SHOWN ONCE");
      List<ReceivedRender> renders = gw.renders(key);
      assertThat(renders.get(0).outcome()).as(renders.toString()).isEqualTo("posted,ack_lost");
      assertThat(renders.stream().filter(r -> "reposted".equals(r.outcome()))).as(renders.toString()).isNotEmpty();
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(messages + 1);
    }
  }

  @Test
  @DisplayName("versions grow strictly per card in what the gateway receives; an older render replayed is acked stale"
      + " and changes nothing")
  void staleDropped() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STUB_DELTA_MS, "100")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("stale");
      String a = s.prompt(chat, "Reply with exactly: FIRST ONE");
      gw.awaitTaskStatus(a, "completed", 15_000);
      String b = s.prompt(chat, "Reply with exactly: SECOND ONE");
      gw.awaitTaskStatus(b, "completed", 15_000);
      gw.awaitQuiet(RenderRequest.taskKey(b), 400, 10_000);
      gw.awaitQuiet(RenderRequest.workspaceKey(GatewayScenario.PLATFORM, chat), 400, 10_000);

      Map<String, List<Long>> versions = new LinkedHashMap<>();
      for (ReceivedRender r : gw.renders()) {
        versions.computeIfAbsent(r.cardKey(), k -> new ArrayList<>()).add(r.version());
      }
      assertThat(versions).as("cards rendered").containsKeys(RenderRequest.taskKey(a), RenderRequest.taskKey(b));
      versions.forEach((key, list) -> {
        for (int i = 1; i < list.size(); i++) {
          assertThat(list.get(i)).as("%s versions %s", key, list).isGreaterThan(list.get(i - 1));
        }
      });

      String key = RenderRequest.taskKey(a);
      ShownMessage card = gw.taskCard(a);
      List<View> shown = card.history();
      List<ReceivedRender> renders = gw.renders(key);
      for (ReceivedRender old : List.of(renders.get(0), renders.get(renders.size() - 1))) {
        JsonObject ack = Bus.request(s.poco.vertx.eventBus(), Addresses.gatewayRender(GatewayScenario.PLATFORM),
            old.body()).await();
        assertThat(RenderAck.fromJson(ack).stale()).as("replayed %s: %s", old, ack).isTrue();
        assertThat(RenderAck.fromJson(ack).messageId()).isEqualTo(card.messageId());
      }
      assertThat(card.history()).as("nothing changed").isEqualTo(shown);
      assertThat(card.view().body()).isEqualTo("FIRST ONE");
    }
  }

  @Test
  @DisplayName("creating a project (DM: hi → New → form) posts exactly one workspace card in its new chat; after"
      + " three tasks it is still the one workspace message, showing the latest task")
  void oneWorkspaceCard() {
    try (GatewayScenario s = GatewayScenario.start(home)) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("ws-one");
      String wsKey = RenderRequest.workspaceKey(GatewayScenario.PLATFORM, chat);
      ShownMessage ws = gw.awaitMessage(m -> wsKey.equals(m.cardKey()), 10_000);
      assertThat(ws.chatId()).isEqualTo(chat);
      assertThat(ws.view().kind()).isEqualTo("workspace");
      assertThat(gw.messages(chat)).as(gw.describe()).containsExactly(ws);

      String last = null;
      for (String word : List.of("FIRST", "SECOND", "THIRD")) {
        last = s.prompt(chat, "Reply with exactly: " + word);
        gw.awaitTaskStatus(last, "completed", 15_000);
      }
      String third = last;
      gw.await("the workspace card showing the third task completed", () -> gw.workspaceCard(chat),
          m -> m != null && third.equals(m.view().refs().getString("task_id"))
              && "completed".equals(m.view().status()), 10_000);
      gw.awaitQuiet(wsKey, 400, 10_000);
      List<ShownMessage> inChat = gw.messages(chat);
      assertThat(inChat.stream().filter(m -> "workspace".equals(m.view().kind())).toList()).as(gw.describe())
          .containsExactly(ws);
      assertThat(inChat).as("the workspace card and three task cards").hasSize(4);
      assertThat(gw.renders(wsKey).stream().filter(r -> "posted".equals(r.outcome()))).hasSize(1);
    }
  }

  @Test
  @DisplayName("Stop on a queued task's card (A SLOW running, B queued): B's card shows cancelled, A's still running,"
      + " then A completes")
  void stopQueuedFromItsCard() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STUB_SLOW_SECONDS, "3")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("stop-queued");
      String a = s.prompt(chat, "SLOW Reply with exactly: A DONE");
      gw.awaitTaskStatus(a, "running", 10_000);
      String b = s.prompt(chat, "Reply with exactly: NEVER");
      ShownMessage cardB = gw.awaitTaskStatus(b, "queued", 10_000);

      RecordingGateway.Interaction stop = gw.click(cardB.messageId(), ALICE, "Stop", null);
      assertThat(stop.refused()).as(stop.reply().encode()).isZero();
      assertThat(stop.placement()).isEqualTo(Placement.TOAST);
      assertThat(stop.shown()).isNull();
      ShownMessage cancelled = gw.awaitTaskStatus(b, "cancelled", 10_000);
      assertThat(cancelled.statuses()).doesNotContain("running", "completed");
      assertThat(gw.taskCard(a).view().status()).isEqualTo("running");

      ShownMessage doneA = gw.awaitTaskStatus(a, "completed", 15_000);
      assertThat(doneA.view().body()).isEqualTo("A DONE");
      assertThat(gw.taskCard(b).view().status()).isEqualTo("cancelled");
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(3);
    }
  }
}
