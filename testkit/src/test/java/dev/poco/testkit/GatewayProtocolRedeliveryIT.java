package dev.poco.testkit;

import static dev.poco.testkit.GatewayScenario.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.ChatRequest;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Placement;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.testkit.RecordingGateway.Interaction;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Platforms redeliver events (same event id) and answer slowly; through a {@link RecordingGateway}, a user still sees
 * one task per message, one project and one chat per create.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Redelivered events and a slow chat create: one task, one project, one chat, as a user sees them")
class GatewayProtocolRedeliveryIT {
  @TempDir Path home;

  private static List<Task> tasks(GatewayScenario s, String prompt) {
    return s.tasks().stream().filter(t -> t.prompt().equals(prompt)).toList();
  }

  private static void assertDuplicate(Interaction i) {
    assertThat(i.duplicate()).as(i.reply().encode()).isTrue();
    assertThat(i.shown()).as("a duplicate shows nothing").isNull();
    assertThat(i.taskId()).isNull();
  }

  @Test
  @DisplayName("a message event delivered twice runs once; after a failed delivery (store away) its redelivery runs"
      + " once; after a PoCo restart both are still duplicates; one card per task")
  void messageRedelivered() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.STORE_RETRY_MS, "800")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("redeliver");
      Interaction first = gw.say(chat, ALICE, "Reply with exactly: ONCE", "evt-once");
      assertThat(first.placement()).isEqualTo(Placement.TOAST);
      int toasts = gw.toasts().size();
      assertDuplicate(gw.redeliver("evt-once"));
      assertThat(gw.toasts()).as("a duplicate shows no toast either").hasSize(toasts);
      assertThat(gw.awaitTaskStatus(first.taskId(), "completed", 10_000).view().body()).isEqualTo("ONCE");

      s.poco.stopStore();
      assertThatThrownBy(() -> gw.say(chat, ALICE, "Reply with exactly: AGAIN", "evt-fail"))
          .as("the delivery fails while the store is away").isNotNull();
      s.poco.startStore();
      Interaction again = gw.redeliver("evt-fail");
      assertThat(again.duplicate()).as(again.reply().encode()).isFalse();
      assertThat(gw.awaitTaskStatus(again.taskId(), "completed", 10_000).view().body()).isEqualTo("AGAIN");
      assertDuplicate(gw.redeliver("evt-fail"));

      s.restartPoco();
      assertDuplicate(gw.redeliver("evt-once"));
      assertDuplicate(gw.redeliver("evt-fail"));
      assertThat(tasks(s, "Reply with exactly: ONCE")).hasSize(1);
      assertThat(tasks(s, "Reply with exactly: AGAIN")).extracting(Task::taskId).containsExactly(again.taskId());
      assertThat(gw.messages(chat).stream().filter(m -> "task".equals(m.view().kind())).toList())
          .as("one card per task\n%s", gw.describe()).hasSize(2);
    }
  }

  @Test
  @DisplayName("a project.create click redelivered (same event id), also after a PoCo restart: one project, one chat,"
      + " one workspace card")
  void createRedelivered() {
    try (GatewayScenario s = GatewayScenario.start(home)) {
      RecordingGateway gw = s.gw;
      String dmCard = gw.dm(ALICE, "hi").shown().messageId();
      gw.click(dmCard, ALICE, "New", null);
      Interaction created = gw.click(dmCard, ALICE, "Create Project + Group",
          new JsonObject().put("name", "create-once"), "evt-create");
      assertThat(created.refused()).as(created.reply().encode()).isZero();
      String chat = s.chatOf("create-once");
      assertDuplicate(gw.redeliver("evt-create"));

      s.restartPoco();
      assertDuplicate(gw.redeliver("evt-create"));
      assertThat(s.projects()).extracting(Project::name).containsExactly("create-once");
      assertThat(gw.projectChats()).as(gw.describe()).hasSize(1);
      assertThat(gw.chatRequests().stream().filter(r -> ChatRequest.CREATE.equals(r.getString("op")))).hasSize(1);
      gw.await("the workspace card", () -> gw.workspaceCard(chat), m -> m != null, 10_000);
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(1);
    }
  }

  @Test
  @DisplayName("the gateway answers a chat create only after the orchestrator's chat timeout: the create is asked"
      + " again with the same project id → exactly one chat, one project, one workspace card")
  void chatCreateAnsweredLate() {
    try (GatewayScenario s = GatewayScenario.start(home, ConfigKeys.CHAT_TIMEOUT_MS, "1500")) {
      RecordingGateway gw = s.gw;
      gw.faults().delayNextChatCreate(2_500);
      String chat = s.newProject("late-chat");
      List<JsonObject> creates = gw.chatRequests().stream()
          .filter(r -> ChatRequest.CREATE.equals(r.getString("op"))).toList();
      assertThat(creates).as("asked again after the timeout").hasSize(2);
      assertThat(creates.get(1).getString("project_id")).isEqualTo(creates.get(0).getString("project_id"));
      assertThat(gw.projectChats()).as(gw.describe()).hasSize(1);
      assertThat(s.projects()).extracting(Project::projectId).containsExactly(creates.get(0).getString("project_id"));
      assertThat(s.projects().get(0).bindings().get(0).chatId()).isEqualTo(chat);
      gw.await("the workspace card", () -> gw.workspaceCard(chat), m -> m != null, 10_000);
      // the late answer to the first create has gone out by now, and changed nothing
      gw.await("the late answer", () -> System.currentTimeMillis() - creates.get(0).getLong("at"), t -> t > 2_700,
          5_000);
      assertThat(gw.projectChats()).hasSize(1);
      assertThat(s.projects()).hasSize(1);
      assertThat(gw.messages(chat)).as(gw.describe()).hasSize(1);
    }
  }
}
