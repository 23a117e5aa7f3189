package dev.poco.testkit;

import static dev.poco.testkit.FeishuWebhookIT.APP;
import static dev.poco.testkit.FeishuWebhookIT.await;
import static dev.poco.testkit.FeishuWebhookIT.card;
import static dev.poco.testkit.FeishuWebhookIT.cards;
import static dev.poco.testkit.FeishuWebhookIT.settle;
import static dev.poco.testkit.FeishuWebhookIT.taskCard;
import static dev.poco.testkit.FeishuWebhookIT.taskCards;
import static dev.poco.testkit.FeishuWebhookIT.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.orchestrator.StoreClient;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuMessage;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feishu's user flows through the whole system with the stub agent, written once against the user's {@link
 * FeishuHands} and run in each delivery mode by a subclass. One PoCo per class: each test is its own user with their
 * own DM and project, so the tests do not see each other's cards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class FeishuUserFlows {
  static final String FIRST = "ou_flow_first", ASKER = "ou_flow_ask", STOPPER = "ou_flow_stop", DIRS = "ou_flow_dirs",
      AGENT = "ou_flow_agent", FAILER = "ou_flow_fail", MANAGER = "ou_flow_manage", LONG = "ou_flow_long";
  /** SLOW tasks sleep this long: time to click Stop on a running card, and for the fake's clock to jump. */
  static final Map<String, String> CONFIG = Map.of(ConfigKeys.STUB_SLOW_SECONDS, "6", ConfigKeys.STUB_DELTA_MS, "20",
      ConfigKeys.ALLOWED_USERS, String.join(",", List.of(FIRST, ASKER, STOPPER, DIRS, AGENT, FAILER, MANAGER, LONG)
          .stream().map(u -> "feishu:" + u).toList()));
  static final String CARDS = "/open-apis/cardkit/v1/cards/";

  FeishuRig rig;
  FakeFeishu fake;
  FeishuHands hands;
  Path home;

  /** PoCo and the fake Feishu in this class's delivery mode. */
  abstract FeishuRig start(Path home);

  @BeforeAll
  void startSystem(@TempDir Path home) {
    this.home = home;
    rig = start(home);
    fake = rig.fake;
    hands = rig.hands;
  }

  @AfterAll
  void stopSystem() {
    if (rig != null) rig.close();
  }

  @Test
  @DisplayName("DM hi → home card; New → name → one group with the user and one workspace card; a prompt → one task"
      + " card, streamed, Done with the full result; confirm: → Approve → Done")
  void homeNewPromptAndConfirm() {
    FeishuChat dm = fake.p2pChat(FIRST);
    hands.say(FIRST, dm, "hi");
    FeishuMessage homeCard = await(fake, "a home card with New in the DM", () -> card(dm, "New"));
    hands.click(FIRST, homeCard, "New", null);
    FeishuMessage form = await(fake, "the new-project form", () -> card(dm, "Create Project + Group"));
    hands.click(FIRST, form, "Create Project + Group", FeishuCards.formValue(form.json(), "name",
        new JsonObject().put("name", "fl-first")));
    FeishuChat group = await(fake, "the project group", () -> fake.groupsNamed("fl-first").stream().findFirst()
        .orElse(null));
    assertThat(group.members()).as("the bot and the user are members").contains(APP, FIRST);
    FeishuMessage workspace = await(fake, "the workspace card in the group", () -> card(group, "Run"));
    assertThat(workspace.senderId).isEqualTo(APP);

    String prompt = "STREAM:40";
    hands.say(FIRST, group, prompt);
    FeishuMessage task = await(fake, "the task card Done with every line", () -> taskCards(group, prompt).stream()
        .filter(m -> m.visibleText().contains("Done") && m.visibleText().contains("line 39")).findFirst().orElse(null));
    assertThat(task.visibleText()).contains("line 0", "line 39");
    assertThat(task.cardId()).as("the task card is a card entity").isNotNull();
    assertThat(fake.requests().stream().filter(r -> r.getString("path").startsWith(CARDS + task.cardId()))
        .filter(r -> FakeFeishu.CARDKIT_CONTENT.equals(r.getString("endpoint"))))
        .as("the output was streamed into the card").isNotEmpty();
    Task done = awaitStatus(prompt, "COMPLETED");
    assertThat(done.result()).contains("line 0", "line 39");

    String confirm = "confirm: Reply with exactly: FL-APPROVED";
    hands.say(FIRST, group, confirm);
    FeishuMessage waiting = await(fake, "the confirm card with Approve", () -> withButton(group, confirm, "Approve"));
    hands.click(FIRST, waiting, "Approve", null);
    await(fake, "the approved task Done", () -> taskCard(group, confirm, "FL-APPROVED"));
    awaitStatus(confirm, "COMPLETED");

    settle();
    assertThat(fake.groupsNamed("fl-first")).as(fake.dump()).hasSize(1);
    assertThat(cards(group, "Run")).as("exactly one workspace card\n" + fake.dump()).hasSize(1);
    assertThat(taskCards(group, prompt)).as("one task card per task\n" + fake.dump()).hasSize(1);
    assertThat(taskCards(group, confirm)).hasSize(1);
  }

  @Test
  @DisplayName("the agent asks permission mid-turn (stub ASK_APPROVAL): Approve for session on its card → Done")
  void agentApprovalForSession() {
    FeishuChat group = rig.project(ASKER, "fl-ask");
    String asking = "ASK_APPROVAL Reply with exactly: FL-ASKED";
    hands.say(ASKER, group, asking);
    FeishuMessage ask = await(fake, "the card asking for approval", () -> withButton(group, asking,
        "Approve for session"));
    awaitStatus(asking, "WAITING_CONFIRMATION");
    hands.click(ASKER, ask, "Approve for session", null);
    await(fake, "the asking task Done", () -> taskCards(group, asking).stream()
        .filter(m -> m.visibleText().contains("[Done]")).findFirst().orElse(null));
    Task done = awaitStatus(asking, "COMPLETED");
    assertThat(done.result()).as("the agent went on with the approval").isEqualTo("approved");
    assertThat(taskCards(group, asking)).hasSize(1);
  }

  @Test
  @DisplayName("Stop on a queued card cancels it; Stop on the running card cancels the running task; the next prompt"
      + " runs")
  void stopQueuedAndRunning() {
    FeishuChat group = rig.project(STOPPER, "fl-stop");
    String a = "SLOW Reply with exactly: FL-A";
    String b = "Reply with exactly: FL-B";
    hands.say(STOPPER, group, a);
    awaitStatus(a, "RUNNING");
    hands.say(STOPPER, group, b);
    FeishuMessage queued = await(fake, "B's queued card with Stop", () -> withButton(group, b, "Stop"));
    awaitStatus(b, "QUEUED");
    hands.click(STOPPER, queued, "Stop", null);
    await(fake, "B's card Cancelled", () -> withText(group, b, "Cancelled"));
    awaitStatus(b, "CANCELLED");

    FeishuMessage running = await(fake, "A's running card with Stop", () -> withButton(group, a, "Stop"));
    assertThat(single(a).status().name()).as("A still runs").isEqualTo("RUNNING");
    hands.click(STOPPER, running, "Stop", null);
    await(fake, "A's card Cancelled", () -> withText(group, a, "Cancelled"));
    awaitStatus(a, "CANCELLED");
    assertThat(single(a).result()).as("the stopped task never answered").isNotEqualTo("FL-A");

    String c = "Reply with exactly: FL-C";
    hands.say(STOPPER, group, c);
    await(fake, "the next task Done", () -> taskCard(group, c, "FL-C"));
    assertThat(taskCards(group, a)).hasSize(1);
    assertThat(taskCards(group, b)).hasSize(1);
  }

  @Test
  @DisplayName("Working Dir: browsed and chosen, a typed path, a typed path saved as a named preset and chosen, then"
      + " Use Default; the workspace card shows each and the tasks run there")
  void workingDirByBrowseTypedPresetAndDefault() throws Exception {
    Path api = Files.createDirectories(home.resolve("repos/api"));
    Path web = Files.createDirectories(home.resolve("repos/web"));
    FeishuChat group = rig.project(DIRS, "fl-dirs");
    FeishuMessage ws = card(group, "Run");

    // browse repos/ → api/ → Use this folder, on a new card (never over the workspace card)
    hands.click(DIRS, ws, "Working Dir", null);
    FeishuMessage chooser = await(fake, "the working-dir chooser", () -> card(group, "Use this folder"));
    assertThat(chooser.messageId).as("a new card, never over the workspace card").isNotEqualTo(ws.messageId);
    hands.click(DIRS, chooser, "repos/", null);
    await(fake, "the chooser inside repos/", () -> FeishuCards.button(now(chooser).json(), "api/"));
    hands.click(DIRS, now(chooser), "api/", null);
    await(fake, "the chooser inside api/", () -> now(chooser).visibleText().contains("repos/api")
        && FeishuCards.button(now(chooser).json(), "api/") == null ? true : null);
    hands.click(DIRS, now(chooser), "Use this folder", null);
    await(fake, "the workspace card showing repos/api", () -> shows(ws, api.toString()));

    // a typed path
    FeishuMessage again = now(chooser);
    hands.click(DIRS, again, "Use typed path", FeishuCards.formValue(again.json(), "path",
        new JsonObject().put("path", web.toString())));
    await(fake, "the workspace card showing repos/web", () -> shows(ws, web.toString()));
    String inWeb = "Reply with exactly: FL-IN-WEB";
    hands.say(DIRS, group, inWeb);
    await(fake, "a task Done in repos/web", () -> taskCard(group, inWeb, "FL-IN-WEB"));
    assertThat(single(inWeb).workdir()).isEqualTo(web.toString());

    // a typed path saved as a preset, then the preset's button
    hands.click(DIRS, now(ws), "Working Dir", null);
    FeishuMessage chooser2 = await(fake, "a chooser with Save as preset", () -> cards(group, "Save as preset").stream()
        .filter(m -> !m.messageId.equals(chooser.messageId)).reduce((x, y) -> y).orElse(null));
    hands.click(DIRS, chooser2, "Save as preset", FeishuCards.formValue(chooser2.json(), "path",
        new JsonObject().put("path", api.toString()).put("label", "apirepo")));
    FeishuMessage withPreset = await(fake, "a chooser offering the preset", () -> card(group, "Preset: apirepo"));
    assertThat(project("fl-dirs").presets()).as("the preset is saved").anySatisfy(d -> {
      assertThat(d.label()).isEqualTo("apirepo");
      assertThat(d.path()).isEqualTo(api.toString());
    });
    hands.click(DIRS, withPreset, "Preset: apirepo", null);
    await(fake, "the workspace card showing the preset's path", () -> shows(ws, api.toString()));
    String inApi = "Reply with exactly: FL-IN-PRESET";
    hands.say(DIRS, group, inApi);
    await(fake, "a task Done in the preset's dir", () -> taskCard(group, inApi, "FL-IN-PRESET"));
    assertThat(single(inApi).workdir()).isEqualTo(api.toString());

    // Use Default: the workspace card says "default dir" again, and a task no longer runs in the preset's dir
    hands.click(DIRS, now(ws), "Working Dir", null);
    FeishuMessage chooser3 = await(fake, "the chooser with Use Default", () -> card(group, "Use Default"));
    hands.click(DIRS, chooser3, "Use Default", null);
    await(fake, "the workspace card on the default dir", () -> shows(ws, "default dir"));
    String inDefault = "Reply with exactly: FL-IN-DEFAULT";
    hands.say(DIRS, group, inDefault);
    await(fake, "a task Done in the default dir", () -> taskCard(group, inDefault, "FL-IN-DEFAULT"));
    assertThat(single(inDefault).workdir()).isNotEqualTo(api.toString());
  }

  @Test
  @DisplayName("Agent: another backend chosen with a setting (codex, sandbox read-only): the workspace card names it"
      + " and the Agent card shows the setting; back to the stub with a timeout: it names the stub and a task runs")
  void agentSwitchWithASetting() {
    FeishuChat group = rig.project(AGENT, "fl-agent");
    FeishuMessage ws = card(group, "Run");
    hands.click(AGENT, ws, "Agent", null);
    FeishuMessage agent = await(fake, "the agent card", () -> card(group, "Apply"));
    assertThat(agent.messageId).as("a new card, never over the workspace card").isNotEqualTo(ws.messageId);
    assertThat(agent.visibleText()).contains("stub** (current)", "codex");
    assertThat(FeishuCards.formOf(agent.json(), "timeout_seconds")).as("the stub's setting").isNotNull();

    chooseAgent(AGENT, group, ws, "codex", new JsonObject().put("sandbox", "read-only"));
    Project p = project("fl-agent");
    assertThat(p.workspace().backend()).isEqualTo("codex");
    assertThat(p.workspace().settings().getString("sandbox")).isEqualTo("read-only");
    hands.click(AGENT, now(ws), "Agent", null);
    FeishuMessage reopened = await(fake, "the agent card on codex", () -> cards(group, "Apply").stream()
        .filter(m -> m.visibleText().contains("codex** (current)")).reduce((x, y) -> y).orElse(null));
    assertThat(FeishuCards.formValue(reopened.json(), "sandbox", new JsonObject()).getString("sandbox"))
        .as("the Agent card shows the chosen setting").isEqualTo("read-only");

    chooseAgent(AGENT, group, ws, "stub", new JsonObject().put("timeout_seconds", "120"));
    assertThat(project("fl-agent").workspace().settings().getString("timeout_seconds")).isEqualTo("120");
    String prompt = "Reply with exactly: FL-AGENT";
    hands.say(AGENT, group, prompt);
    await(fake, "a task Done on the stub", () -> taskCard(group, prompt, "FL-AGENT"));
    assertThat(single(prompt).backend()).isEqualTo("stub");
  }

  @Test
  @DisplayName("a task fails (its agent, codex, is not installed): its card offers Continue; with the stub chosen,"
      + " Continue runs a new task in the same project to Done")
  void continueAfterAFailure() {
    FeishuChat group = rig.project(FAILER, "fl-fail");
    FeishuMessage ws = card(group, "Run");
    chooseAgent(FAILER, group, ws, "codex", new JsonObject());
    String prompt = "Reply with exactly: FL-CONTINUED";
    hands.say(FAILER, group, prompt);
    FeishuMessage failed = await(fake, "the failed card with Continue", () -> withButton(group, prompt, "Continue"));
    awaitStatus(prompt, "FAILED");
    chooseAgent(FAILER, group, ws, "stub", new JsonObject());
    hands.click(FAILER, now(failed), "Continue", null);
    String projectId = project("fl-fail").projectId();
    Task continued = await(fake, "the continuing task Done", () -> tasksOf(projectId).stream()
        .filter(t -> t.prompt().startsWith("Continue the previous task") && t.status().name().equals("COMPLETED"))
        .findFirst().orElse(null));
    assertThat(continued.result()).as("it carried on with what was asked").isEqualTo("FL-CONTINUED");
    assertThat(tasks(rig.system, prompt)).as("the failed task is not run again").hasSize(1);
    await(fake, "the continuing task's card Done", () -> taskCards(group, "Continue the previous task").stream()
        .filter(m -> m.visibleText().contains("Done")).findFirst().orElse(null));
  }

  @Test
  @DisplayName("Manage → Open → Delete → Delete in the DM, while a task runs: the project, its tasks and its sessions"
      + " are gone")
  void manageDeleteCascades() {
    FeishuChat group = rig.project(MANAGER, "al-delete"); // first by name: on the Manage list's first page
    String done = "Reply with exactly: FL-BEFORE-DELETE";
    hands.say(MANAGER, group, done);
    await(fake, "a task Done", () -> taskCard(group, done, "FL-BEFORE-DELETE"));
    String running = "SLOW Reply with exactly: FL-DELETED-WHILE-RUNNING";
    hands.say(MANAGER, group, running);
    awaitStatus(running, "RUNNING");
    String projectId = project("al-delete").projectId();
    assertThat(tasksOf(projectId)).hasSize(2);

    FeishuChat dm = fake.p2pChat(MANAGER);
    hands.say(MANAGER, dm, "hi");
    FeishuMessage home2 = await(fake, "a home card with Manage", () -> card(dm, "Manage"));
    hands.click(MANAGER, home2, "Manage", null);
    await(fake, "the project list", () -> FeishuCards.button(now(home2).json(), "Open al-delete"));
    hands.click(MANAGER, now(home2), "Open al-delete", null);
    await(fake, "the project config", () -> FeishuCards.button(now(home2).json(), "Delete"));
    hands.click(MANAGER, now(home2), "Delete", null);
    await(fake, "the delete confirmation", () -> FeishuCards.button(now(home2).json(), "Cancel"));
    hands.click(MANAGER, now(home2), "Delete", null);
    await(fake, "the project gone", () -> new StoreClient(rig.system.vertx.eventBus()).projects().await().stream()
        .noneMatch(p -> p.projectId().equals(projectId)) ? true : null);
    await(fake, "its tasks gone", () -> tasksOf(projectId).isEmpty() ? true : null);
    settle();
    assertThat(tasksOf(projectId)).as("the running task did not come back").isEmpty();
    assertThat(fake.groupsNamed("al-delete")).as("the group chat itself stays").hasSize(1);
  }

  @Test
  @DisplayName("a task that streams past Feishu's 10-minute streaming limit (the fake's clock jumps) ends on its one"
      + " card with its full result")
  void longerThanTheStreamingLimit() {
    FeishuChat group = rig.project(LONG, "fl-long");
    String slow = "SLOW STREAM:30";
    hands.say(LONG, group, slow);
    FeishuMessage first = await(fake, "the running task card", () -> taskCards(group, slow).stream().findFirst()
        .orElse(null));
    fake.advance(Duration.ofMinutes(11));
    FeishuMessage doneCard = await(fake, "the task Done with every line", () -> taskCards(group, slow).stream()
        .filter(m -> m.visibleText().contains("Done") && m.visibleText().contains("line 29")).findFirst()
        .orElse(null));
    assertThat(doneCard.messageId).as("the same card").isEqualTo(first.messageId);
    assertThat(fake.requests().stream().filter(r -> r.getString("path").startsWith(CARDS + first.cardId()))
        .map(r -> r.getInteger("code"))).as("the platform had closed its streaming (200850): it ran past the limit")
        .contains(200850);
    assertThat(doneCard.visibleText()).contains("line 0", "line 29");
    assertThat(single(slow).result()).contains("line 0", "line 29");
    assertThat(taskCards(group, slow)).hasSize(1);
  }

  // ---- what the user sees, and the store ----

  /**
   * Agent on the workspace card, {@code backend}'s settings shown, Apply with {@code settings} typed: until the
   * workspace card names {@code backend}.
   */
  void chooseAgent(String user, FeishuChat group, FeishuMessage ws, String backend, JsonObject settings) {
    hands.click(user, now(ws), "Agent", null);
    FeishuMessage agent = await(fake, "the agent card", () -> card(group, "Apply"));
    if (FeishuCards.button(agent.json(), backend + " settings") != null) {
      hands.click(user, agent, backend + " settings", null);
    }
    FeishuMessage shown = await(fake, "the agent card showing " + backend, () -> cards(group, "Apply").stream()
        .filter(m -> backend.equals(FeishuCards.formValue(m.json(), "backend", new JsonObject()).getString("backend")))
        .reduce((x, y) -> y).orElse(null));
    hands.click(user, shown, "Apply", FeishuCards.formValue(shown.json(), "backend",
        settings.copy().put("backend", backend)));
    await(fake, "the workspace card naming " + backend, () -> shows(ws, " · " + backend + " · "));
  }

  /** The one task with {@code prompt} once the store has it in {@code status}. */
  Task awaitStatus(String prompt, String status) {
    return await(fake, prompt + " " + status, () -> tasks(rig.system, prompt).stream()
        .filter(t -> t.status().name().equals(status)).findFirst().orElse(null));
  }

  /** The message as Feishu shows it now (cards are updated in place). */
  FeishuMessage now(FeishuMessage m) { return fake.message(m.messageId); }

  /** True once the card shows {@code text}, else null. */
  Boolean shows(FeishuMessage card, String text) { return now(card).visibleText().contains(text) ? true : null; }

  static FeishuMessage withButton(FeishuChat group, String prompt, String label) {
    return first(group, prompt, m -> FeishuCards.button(m.json(), label) != null);
  }

  static FeishuMessage withText(FeishuChat group, String prompt, String text) {
    return first(group, prompt, m -> m.visibleText().contains(text));
  }

  private static FeishuMessage first(FeishuChat group, String prompt, Predicate<FeishuMessage> p) {
    return taskCards(group, prompt).stream().filter(p).findFirst().orElse(null);
  }

  Task single(String prompt) {
    List<Task> found = tasks(rig.system, prompt);
    assertThat(found).as("one task for " + prompt).hasSize(1);
    return found.get(0);
  }

  Project project(String name) {
    return new StoreClient(rig.system.vertx.eventBus()).projects().await().stream().filter(p -> p.name().equals(name))
        .findFirst().orElseThrow();
  }

  List<Task> tasksOf(String projectId) {
    return new StoreClient(rig.system.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await().stream()
        .filter(t -> projectId.equals(t.projectId())).toList();
  }
}
