package dev.poco.testkit;

import static dev.poco.testkit.SlackRig.ALICE;
import static dev.poco.testkit.SlackRig.streams;
import static dev.poco.testkit.SlackRig.taskMessage;
import static dev.poco.testkit.SlackRig.taskMessages;
import static dev.poco.testkit.SlackRig.visible;
import static dev.poco.testkit.SlackRig.workspace;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.TaskStatus;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackInbound;
import dev.poco.testkit.fakes.SlackMessage;
import dev.poco.testkit.fakes.SlackView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a Slack user does with PoCo, end to end through the fake Slack, run by {@link SlackSocketIT} and
 * {@link SlackWebhookIT} in their delivery mode: asserted is what the user sees (messages, thread replies, ephemeral
 * messages), and the call log only where "one message" or "no edit of a live stream" is the point.
 */
abstract class SlackJourneys {
  @TempDir Path home;

  abstract SlackRig.Mode mode();

  @Test
  @DisplayName("/poco → home (ephemeral); New → the New project modal (no name: the error under it; a name: closed) → one channel with Alice and one workspace message; a prompt →"
      + " one task message updated to Done, its output streamed in full in the thread; confirm → Approve → Done; an"
      + " agent approval → Approve for session → Done; no secret in logs, /health or /debug/slack")
  void endToEnd() {
    SlackRig.Logs logs = SlackRig.Logs.capture();
    List<String> secrets = new java.util.ArrayList<>(List.of(SlackRig.BOT_TOKEN, SlackRig.APP_TOKEN,
        SlackRig.SIGNING));
    try (SlackRig rig = SlackRig.start(home, mode(), Map.of(ConfigKeys.STUB_DELTA_MS, "30"))) {
      SlackChannel dm = rig.fake.dm(ALICE);
      SlackMessage homeMsg = rig.once(rig.poco(dm), "New");
      assertThat(visible(homeMsg)).contains("Manage");
      assertThat(dm.messages()).as("/poco answers Alice only").isEmpty();
      rig.click(homeMsg, "New");
      SlackView form = rig.awaitModal(ALICE, "New project");
      assertThat(SlackRig.visible(form)).contains("Project name", "Agent", "Create Project + Group");
      // no name: the modal stays open with the error under the name input
      assertThat(rig.fillAndSubmit(form, Map.of("name", "", "backend", "stub"))).isEqualTo("errors");
      assertThat(form.closed()).isFalse();
      assertThat(form.errors().getString("in:name")).as("the error on the name").contains("name");
      assertThat(rig.fake.channels().stream().filter(c -> !c.isIm()).toList()).as("no channel yet").isEmpty();
      assertThat(rig.fillAndSubmit(form, Map.of("name", "sl-proj", "backend", "stub"))).isEqualTo("clear");
      assertThat(form.closed()).as("the modal closed").isTrue();
      SlackChannel ch = rig.await("the project channel", () -> rig.fake.channelsNamed("sl-proj").stream()
          .findFirst().orElse(null));
      assertThat(ch.members()).as("the bot and Alice").contains(rig.fake.botUserId, ALICE);
      SlackMessage ws = rig.await("the workspace message", () -> workspace(ch));
      assertThat(ws.fromBot()).isTrue();
      assertThat(rig.await("the home replaced by the project", () -> visible(rig.fake.shown(dm.id, homeMsg.ts))
          .contains("sl-proj") ? true : null)).isTrue();

      // a prompt: one task message in its thread, updated to Done; the output streamed in full into the thread
      String prompt = "STREAM:200";
      String ts = rig.say(ch, prompt);
      SlackMessage done = rig.await("the task message Done", () -> taskMessage(ch, ts, "[Done]"));
      SlackRig.settle();
      assertThat(taskMessages(ch, ts)).as("one task message\n" + rig.fake.dump()).hasSize(1);
      assertThat(done.history().size()).as("updated in place").isGreaterThan(1);
      List<SlackMessage> streamed = streams(ch, ts);
      assertThat(streamed).as("the output streamed into the thread").isNotEmpty();
      String text = String.join("", streamed.stream().map(SlackMessage::streamedText).toList());
      assertThat(text).as("the full output, in order").contains(SlackRig.lines(200).strip());
      for (SlackMessage s : streamed) {
        assertThat(s.streamState()).isEqualTo(SlackMessage.StreamState.STOPPED);
        assertThat(rig.callsOn("chat.update", ch.id, s.ts)).as("no chat.update on a live stream").isEmpty();
      }
      assertThat(rig.tasks(prompt)).hasSize(1);
      assertThat(rig.fake.channelsNamed("sl-proj")).hasSize(1);
      assertThat(SlackRig.withButton(ch, "Run")).as("one workspace message\n" + rig.fake.dump()).hasSize(1);

      // confirm: → Approve → Done
      String confirm = "confirm: Reply with exactly: SL-APPROVED";
      String cts = rig.say(ch, confirm);
      SlackMessage waiting = rig.await("the task message with Approve", () -> taskMessages(ch, cts).stream()
          .filter(m -> SlackRig.actionId(m, "Approve") != null).findFirst().orElse(null));
      rig.click(waiting, "Approve");
      SlackMessage approved = rig.await("the approved task Done", () -> taskMessage(ch, cts, "[Done]"));
      assertThat(visible(approved).replace(confirm, "")).contains("SL-APPROVED");
      assertThat(rig.tasks(confirm).get(0).status()).isEqualTo(TaskStatus.COMPLETED);

      // the agent asks (stub ASK_APPROVAL) → Approve for session → Done
      String asking = "ASK_APPROVAL Reply with exactly: SL-ASKED";
      String ats = rig.say(ch, asking);
      SlackMessage ask = rig.await("the task message asking", () -> taskMessages(ch, ats).stream()
          .filter(m -> SlackRig.actionId(m, "Approve for session") != null).findFirst().orElse(null));
      rig.click(ask, "Approve for session");
      rig.await("the asking task Done", () -> taskMessage(ch, ats, "[Done]"));
      assertThat(rig.tasks(asking).get(0).status()).isEqualTo(TaskStatus.COMPLETED);
      assertThat(taskMessages(ch, ats)).hasSize(1);

      String health = rig.system.http.get("/health").raw();
      String debug = rig.system.http.get("/debug/slack?limit=1000").raw();
      assertThat(health).contains("\"slack\"");
      assertThat(debug).contains("entries");
      if (mode() == SlackRig.Mode.SOCKET) secrets.addAll(rig.fake.socket().issuedTickets());
      for (String s : secrets) {
        assertThat(health).as("/health shows a secret").doesNotContain(s);
        assertThat(debug).as("/debug/slack shows a secret").doesNotContain(s);
      }
    } finally {
      logs.stop();
    }
    logs.assertNone(secrets);
  }

  @Test
  @DisplayName("the workspace controls, forms as modals: Working Dir typed, then browsed and chosen inside the modal, the agent applied, Stop on a running task, Continue after"
      + " a failure and after a cancel, and Manage → Delete (the project and its tasks gone)")
  void workspaceControls() throws Exception {
    Path repo = Files.createDirectories(home.resolve("repos/api"));
    Files.createDirectories(repo.resolve("src"));
    try (SlackRig rig = SlackRig.start(home, mode(), Map.of(ConfigKeys.STUB_SLOW_SECONDS, "6"))) {
      SlackChannel ch = rig.project("sl-ctl");
      SlackMessage ws = workspace(ch);

      // Working Dir: the chooser opens as a modal; a typed path submitted closes it and the workspace message
      // shows the dir; a task runs there
      rig.click(ws, "Working Dir");
      SlackView chooser = rig.awaitModal(ALICE, "Working Dir");
      assertThat(SlackRig.visible(chooser)).contains("Path", "Use typed path");
      assertThat(rig.fillAndSubmit(chooser, Map.of("path", repo.toString()))).isEqualTo("clear");
      rig.await("the workspace message showing the dir", () -> visible(rig.fake.message(ch.id, ws.ts))
          .contains(repo.toString()) ? true : null);
      String inRepo = "Reply with exactly: SL-IN-REPO";
      String rts = rig.say(ch, inRepo);
      rig.await("the task Done in the dir", () -> taskMessage(ch, rts, "[Done]"));
      assertThat(rig.tasks(inRepo).get(0).workdir()).isEqualTo(repo.toString());

      // browsing inside the modal: a folder button updates the modal to that folder
      rig.click(rig.fake.message(ch.id, ws.ts), "Working Dir");
      SlackView browse = rig.awaitModal(ALICE, "Working Dir");
      int seen = browse.history().size();
      rig.clickInModal(browse, "src/");
      rig.updated(browse, seen, "Use this folder");
      assertThat(SlackRig.visible(browse)).as("the modal shows the folder").contains(repo.resolve("src").toString());
      // Use this folder: the choice shows as a notice in the modal, and the workspace message shows the folder
      int browsed = browse.history().size();
      rig.clickInModal(browse, "Use this folder");
      String src = repo.resolve("src").toString();
      rig.await("the notice in the modal", () -> browse.history().size() > browsed
          && SlackRig.visible(browse).contains(src) ? true : null);
      assertThat(SlackRig.actionId(browse.view().getJsonArray("blocks"), "Use this folder")).isNull();
      rig.await("the workspace message showing the chosen folder", () -> visible(rig.fake.message(ch.id, ws.ts))
          .contains(src) ? true : null);

      // Agent: the agent modal; Apply keeps the stub and the workspace message says so
      rig.click(rig.fake.message(ch.id, ws.ts), "Agent");
      SlackView agent = rig.awaitModal(ALICE, "Agent");
      assertThat(SlackRig.visible(agent)).contains("stub", "Apply");
      assertThat(rig.fillAndSubmit(agent, Map.of("backend", "stub"))).isEqualTo("clear");
      rig.await("the workspace message naming the stub", () -> visible(rig.fake.message(ch.id, ws.ts))
          .contains("stub") ? true : null);

      // Stop on a running task (the task message's button): cancelled; Continue on it starts a new task
      String slow = "SLOW Reply with exactly: SL-SLOW";
      String sts = rig.say(ch, slow);
      SlackMessage running = rig.await("the running task with Stop", () -> taskMessages(ch, sts).stream()
          .filter(m -> visible(m).contains("Running") || SlackRig.actionId(m, "Stop") != null)
          .filter(m -> SlackRig.actionId(m, "Stop") != null).findFirst().orElse(null));
      rig.click(running, "Stop");
      SlackMessage cancelled = rig.await("the task cancelled", () -> taskMessage(ch, sts, "Cancelled"));
      assertThat(rig.tasks(slow).get(0).status()).isEqualTo(TaskStatus.CANCELLED);
      assertThat(taskMessages(ch, sts)).hasSize(1);
      continueFrom(rig, ch, cancelled);

      // a failed task offers Continue
      String failing = "FAIL this one";
      String fts = rig.say(ch, failing);
      SlackMessage failed = rig.await("the failed task with Continue", () -> taskMessages(ch, fts).stream()
          .filter(m -> SlackRig.actionId(m, "Continue") != null).findFirst().orElse(null));
      continueFrom(rig, ch, failed);

      // Manage → Open → Delete → Delete: the project, its tasks and its channel are gone
      int tasksBefore = rig.allTasks().size();
      assertThat(tasksBefore).isPositive();
      SlackChannel dm = rig.fake.dm(ALICE);
      SlackMessage manage = rig.once(rig.poco(dm), "Manage");
      rig.click(manage, "Manage");
      rig.click(rig.once(manage, "Open sl-ctl"), "Open sl-ctl");
      rig.click(rig.once(manage, "Delete"), "Delete");
      rig.click(rig.once(manage, "Cancel"), "Delete");
      rig.await("no task left", () -> rig.allTasks().isEmpty() ? true : null);
      rig.await("the project list without it", () -> visible(rig.fake.shown(dm.id, manage.ts))
          .contains("No projects") ? true : null);
    }
  }

  @Test
  @DisplayName("a click whose trigger expired before views.open (the fake's clock moved past 3 s): the New form goes"
      + " into the clicked message instead, and submitting it there still creates the project")
  void anExpiredTriggerPutsTheFormInTheMessage() {
    try (SlackRig rig = SlackRig.start(home, mode())) {
      SlackChannel dm = rig.fake.dm(ALICE);
      SlackMessage homeMsg = rig.once(rig.poco(dm), "New");
      SlackInbound click = SlackInbound.click(rig.fake, ALICE, dm.id, homeMsg.ts, SlackRig.actionId(homeMsg, "New"));
      rig.fake.advance(java.time.Duration.ofMillis(3_100)); // the trigger is ~3 s old when the gateway gets to it
      rig.deliver(click);
      SlackMessage form = rig.once(homeMsg, "Create Project + Group");
      assertThat(rig.fake.errors("views.open", "expired_trigger_id")).isEqualTo(1);
      assertThat(rig.fake.views()).as("no modal").isEmpty();
      rig.click(form, "Create Project + Group", Map.of("name", "sl-late"));
      SlackChannel ch = rig.await("the project channel", () -> rig.fake.channelsNamed("sl-late").stream()
          .findFirst().orElse(null));
      rig.await("the workspace message", () -> workspace(ch));
      assertThat(ch.members()).contains(ALICE);
    }
  }

  /** Continue on an ended task message: a new task continuing it, answered in the channel. */
  private static void continueFrom(SlackRig rig, SlackChannel ch, SlackMessage ended) {
    long before = rig.allTasks().stream().filter(t -> t.prompt().startsWith("Continue the previous task")).count();
    rig.click(ended, "Continue");
    rig.await("a continuing task", () -> rig.allTasks().stream()
        .filter(t -> t.prompt().startsWith("Continue the previous task")).count() > before ? true : null);
  }

  @Test
  @DisplayName("with agent sessions on, Slack's own Stop (agent_session_stopped) cancels the thread's running task")
  void slackStopCancelsTheTask() {
    try (SlackRig rig = SlackRig.start(home, mode(), Map.of(ConfigKeys.STUB_SLOW_SECONDS, "8",
        ConfigKeys.SLACK_AGENT_SESSIONS, "true"))) {
      rig.fake.agentSessionStoppedSubscribed(true);
      SlackChannel ch = rig.project("sl-session");
      String slow = "SLOW Reply with exactly: SL-SESSION";
      String ts = rig.say(ch, slow);
      rig.await("the session processing", () -> "processing".equals(rig.fake.agentSessionStatus(ch.id, ts))
          ? true : null);
      rig.deliver(SlackInbound.sessionStopped(rig.fake, ch.id, ts, ALICE));
      rig.await("the task cancelled", () -> taskMessage(ch, ts, "Cancelled"));
      assertThat(rig.tasks(slow).get(0).status()).isEqualTo(TaskStatus.CANCELLED);
      rig.await("the session no longer processing", () -> "processing".equals(rig.fake.agentSessionStatus(ch.id, ts))
          ? null : true);
      assertThat(taskMessages(ch, ts)).hasSize(1);
    }
  }
}
