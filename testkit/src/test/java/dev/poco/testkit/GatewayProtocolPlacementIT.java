package dev.poco.testkit;

import static dev.poco.testkit.GatewayScenario.ALICE;
import static dev.poco.testkit.GatewayScenario.MALLORY;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Intents;
import dev.poco.contract.Placement;
import dev.poco.contract.RenderRequest;
import dev.poco.testkit.RecordingGateway.Interaction;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where each answer shows, as a Feishu user sees it through a {@link RecordingGateway}: new messages, replaced cards,
 * ephemeral cards, toasts; and every card intent pressed at least once on a card that offers it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Reply placement: NEW, REPLACE, EPHEMERAL, TOAST as a user sees them; every intent clicked")
class GatewayProtocolPlacementIT {
  /** Intents sent by the tests of this class; checked once all of them ran. */
  private static final Set<String> SENT = ConcurrentHashMap.newKeySet();
  private static final Set<String> RAN = ConcurrentHashMap.newKeySet();

  @TempDir Path home;

  /** Starts a scenario whose clicks count for {@link #everyIntentSent}, also when the test fails. */
  private GatewayScenario start(String test, String... config) {
    RAN.add(test);
    GatewayScenario s = GatewayScenario.start(home, config);
    scenarios.add(s);
    return s;
  }

  private final List<GatewayScenario> scenarios = new ArrayList<>();

  @AfterEach
  void collect() { scenarios.forEach(s -> SENT.addAll(s.sentIntents())); }

  @Test
  @DisplayName("from a task card: Working Dir and Agent open NEW messages (task card unchanged); Approve, Approve for"
      + " session, Reject, Stop are toasts (the card changes by render); a stranger's message and click get an"
      + " EPHEMERAL refusal; slash in a DM → EPHEMERAL home; 'hi' in a DM → NEW home")
  void placements() {
    try (GatewayScenario s = start("placements", ConfigKeys.STUB_SLOW_SECONDS, "30")) {
      RecordingGateway gw = s.gw;
      String chat = s.newProject("placement");

      String t1 = s.prompt(chat, "ASK_APPROVAL first");
      ShownMessage card = gw.awaitTaskStatus(t1, "waiting_confirmation", 10_000);
      gw.awaitQuiet(RenderRequest.taskKey(t1), 300, 5_000);
      int views = card.history().size();
      int messages = gw.messages(chat).size();

      Interaction wd = gw.click(card.messageId(), ALICE, "Working Dir", null);
      assertThat(wd.placement()).as(wd.reply().encode()).isEqualTo(Placement.NEW);
      assertThat(wd.shown().messageId()).isNotEqualTo(card.messageId());
      assertThat(wd.shown().chatId()).isEqualTo(chat);
      assertThat(wd.shown().view().kind()).isEqualTo("workdir");
      Interaction agent = gw.click(card.messageId(), ALICE, "Agent", null);
      assertThat(agent.placement()).as(agent.reply().encode()).isEqualTo(Placement.NEW);
      assertThat(agent.shown().view().kind()).isEqualTo("agent");
      assertThat(card.history()).as("the task card is unchanged").hasSize(views);
      assertThat(gw.messages(chat)).hasSize(messages + 2);

      Interaction approve = gw.click(card.messageId(), ALICE, "Approve", null);
      assertToast(approve);
      assertThat(gw.awaitTaskStatus(t1, "completed", 10_000).view().body()).contains("approved");

      String t2 = s.prompt(chat, "ASK_APPROVAL second");
      ShownMessage card2 = gw.awaitTaskStatus(t2, "waiting_confirmation", 10_000);
      assertToast(gw.click(card2.messageId(), ALICE, "Approve for session", null));
      assertThat(gw.awaitTaskStatus(t2, "completed", 10_000).view().body()).contains("approved");

      String t3 = s.prompt(chat, "ASK_APPROVAL third");
      ShownMessage card3 = gw.awaitTaskStatus(t3, "waiting_confirmation", 10_000);
      assertToast(gw.click(card3.messageId(), ALICE, "Reject", null));
      assertThat(gw.awaitTaskCard(t3, v -> !"waiting_confirmation".equals(v.status()) && !"running".equals(v.status()),
          10_000).view().body()).contains("rejected");

      String t4 = s.prompt(chat, "SLOW never finishes");
      ShownMessage card4 = gw.awaitTaskStatus(t4, "running", 10_000);
      assertToast(gw.click(card4.messageId(), ALICE, "Stop", null));
      gw.awaitTaskStatus(t4, "cancelled", 10_000);
      assertThat(gw.messages(chat)).as("three more task cards, nothing else").hasSize(messages + 2 + 3);

      Interaction refused = gw.say(chat, MALLORY, "let me in");
      assertThat(refused.refused()).isEqualTo(Failures.FORBIDDEN);
      assertThat(refused.placement()).isEqualTo(Placement.EPHEMERAL);
      assertThat(refused.shown().visibleTo()).isEqualTo(MALLORY);
      Interaction refusedClick = gw.click(card4.messageId(), MALLORY, "Working Dir", null);
      assertThat(refusedClick.refused()).isEqualTo(Failures.FORBIDDEN);
      assertThat(refusedClick.placement()).isEqualTo(Placement.EPHEMERAL);
      assertThat(gw.ephemerals(chat, MALLORY)).hasSize(2);
      assertThat(gw.messages(chat)).as("refusals add nothing everyone sees").hasSize(messages + 5);

      String dm = gw.dmChat(ALICE);
      int dmMessages = gw.messages(dm).size();
      Interaction slash = gw.slash(dm, ALICE, "");
      assertThat(slash.placement()).as(slash.reply().encode()).isEqualTo(Placement.EPHEMERAL);
      assertThat(slash.shown().view().kind()).isEqualTo("home");
      assertThat(slash.shown().visibleTo()).isEqualTo(ALICE);
      Interaction hi = gw.dm(ALICE, "hi");
      assertThat(hi.placement()).isEqualTo(Placement.NEW);
      assertThat(hi.shown().view().kind()).isEqualTo("home");
      assertThat(hi.shown().ephemeral()).isFalse();
      assertThat(gw.messages(dm)).hasSize(dmMessages + 1);

      // Continue on the cancelled task's card: a new task whose card comes by render
      Interaction cont = gw.click(card4.messageId(), ALICE, "Continue", null);
      assertToast(cont);
      gw.awaitTaskStatus(cont.taskId(), "running", 10_000);
      // Steer on a queued task's card: its prompt goes into the running turn
      String t6 = s.prompt(chat, "Reply with exactly: STEERED");
      ShownMessage card6 = gw.awaitTaskStatus(t6, "queued", 10_000);
      assertToast(gw.click(card6.messageId(), ALICE, "Steer", null));
    }
  }

  private static void assertToast(Interaction i) {
    assertThat(i.refused()).as(i.reply().encode()).isZero();
    assertThat(i.placement()).as(i.reply().encode()).isEqualTo(Placement.TOAST);
    assertThat(i.shown()).isNull();
    assertThat(i.toast()).isNotBlank();
  }

  @Test
  @DisplayName("a tour of every card: DM home, New, Back, Create; Working Dir browse, choose, preset, recent, typed,"
      + " default, Back; Agent, Apply; result pages; Run on the workspace card; Manage, Open, Delete, confirm")
  void everyIntentThroughClicks() throws Exception {
    Path src = Files.createDirectories(home.resolve("work").resolve("src"));
    try (GatewayScenario s = start("everyIntentThroughClicks")) {
      RecordingGateway gw = s.gw;
      String dmCard = gw.dm(ALICE, "hi").shown().messageId();
      assertReplaced(gw.click(dmCard, ALICE, "New", null), dmCard, "project_new");
      assertReplaced(gw.click(dmCard, ALICE, "Back", null), dmCard, "home");
      gw.click(dmCard, ALICE, "New", null);
      Interaction created = gw.click(dmCard, ALICE, "Create Project + Group", new JsonObject().put("name", "tour"));
      assertReplaced(created, dmCard, "project_config");
      String chat = s.chatOf("tour");
      ShownMessage ws = gw.await("the workspace card", () -> gw.workspaceCard(chat), m -> m != null, 10_000);

      // Working Dir, opened from the workspace card: a new message, then navigation replaces it
      Interaction opened = gw.click(ws.messageId(), ALICE, "Working Dir", null);
      assertThat(opened.placement()).isEqualTo(Placement.NEW);
      String wd = opened.shown().messageId();
      assertReplaced(gw.click(wd, ALICE, "work/", null), wd, "workdir");
      assertReplaced(gw.click(wd, ALICE, "src/", null), wd, "workdir");
      setter(gw.click(wd, ALICE, "Use this folder", null));
      String real = src.toRealPath().toString();
      gw.await("the workspace card showing the chosen dir", () -> gw.workspaceCard(chat).view().title(),
          t -> t.contains(real), 10_000);
      setter(gw.click(workdir(gw, ws, wd), ALICE, "Save as preset",
          new JsonObject().put("path", real).put("label", "srcp")));
      setter(gw.click(workdir(gw, ws, wd), ALICE, "Preset: srcp", null));
      setter(gw.click(workdir(gw, ws, wd), ALICE, "Recent: ", null));
      setter(gw.click(workdir(gw, ws, wd), ALICE, "Use typed path",
          new JsonObject().put("path", home.resolve("work").toString())));
      setter(gw.click(workdir(gw, ws, wd), ALICE, "Use Default", null));
      String back = workdir(gw, ws, wd);
      // Back closes the sub-card: the live workspace card is already in this chat
      assertReplaced(gw.click(back, ALICE, "Back", null), back, "notice");

      // Agent, opened from the workspace card
      Interaction agent = gw.click(ws.messageId(), ALICE, "Agent", null);
      assertThat(agent.placement()).isEqualTo(Placement.NEW);
      setter(gw.click(agent.shown().messageId(), ALICE, "Apply", new JsonObject().put("backend", "stub")));

      // a long result in pages
      String big = s.prompt(chat, "BIG:7000");
      ShownMessage bigCard = gw.awaitTaskStatus(big, "completed", 15_000);
      gw.awaitQuiet(RenderRequest.taskKey(big), 300, 5_000);
      Interaction page2 = gw.click(bigCard.messageId(), ALICE, "Page 2", null);
      assertThat(page2.refused()).as(page2.reply().encode()).isZero();
      assertThat(page2.view().page()).isEqualTo(2);

      // a prompt written on the workspace card and Run
      Interaction submitted = gw.click(ws.messageId(), ALICE, "Run",
          new JsonObject().put("prompt", "Reply with exactly: FROM A CARD"));
      assertThat(submitted.placement()).as(submitted.reply().encode()).isEqualTo(Placement.TOAST);
      assertThat(gw.awaitTaskStatus(submitted.taskId(), "completed", 10_000).view().body()).isEqualTo("FROM A CARD");

      // the DM control plane: Manage (the config card's Back), Open, Delete, confirm
      assertReplaced(gw.click(dmCard, ALICE, "Back", null), dmCard, "project_manage");
      assertReplaced(gw.click(dmCard, ALICE, "Open tour", null), dmCard, "project_config");
      assertReplaced(gw.click(dmCard, ALICE, "Delete", null), dmCard, "project_delete");
      Interaction deleted = gw.click(dmCard, ALICE, "Delete", null);
      assertReplaced(deleted, dmCard, "project_manage");
      assertThat(s.projects()).isEmpty();

      assertThat(gw.messages(chat).stream().filter(m -> "workspace".equals(m.view().kind())).toList())
          .as("one workspace card in the chat (a sub-card never turns into a second, frozen one)\n%s", gw.describe())
          .hasSize(1);
    }
  }

  /** A card that sets something: done, and not a refusal. */
  private static void setter(Interaction i) {
    assertThat(i.refused()).as(i.reply().encode()).isZero();
    assertThat(i.duplicate()).isFalse();
  }

  private static void assertReplaced(Interaction i, String messageId, String kind) {
    assertThat(i.refused()).as(i.reply().encode()).isZero();
    assertThat(i.placement()).as(i.reply().encode()).isEqualTo(Placement.REPLACE);
    assertThat(i.shown().messageId()).isEqualTo(messageId);
    assertThat(i.shown().view().kind()).isEqualTo(kind);
  }

  /** The working-dir card to press next: the open one, else a new one opened from the workspace card. */
  private static String workdir(RecordingGateway gw, ShownMessage ws, String last) {
    if ("workdir".equals(gw.message(last).view().kind())) return last;
    List<ShownMessage> open = new ArrayList<>(gw.messages(ws.chatId()).stream()
        .filter(m -> "workdir".equals(m.view().kind())).toList());
    if (!open.isEmpty()) return open.get(open.size() - 1).messageId();
    return gw.click(ws.messageId(), ALICE, "Working Dir", null).shown().messageId();
  }

  /** Every constant of {@link Intents} was sent by some click of this class (checked when all its tests ran). */
  @AfterAll
  static void everyIntentSent() throws Exception {
    if (RAN.size() < 2) return; // a single test was selected: the tour did not run
    Set<String> missing = new TreeSet<>();
    for (Field f : Intents.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        String key = (String) f.get(null);
        if (!SENT.contains(key)) missing.add(key);
      }
    }
    assertThat(missing).as("intents no test clicked").isEmpty();
  }
}
