package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.orchestrator.StoreClient;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The whole system in webhook mode against the fake Feishu: the fake's pusher plays the platform (encrypted, signed
 * events and card callbacks to the HTTP edge), the gateway calls the fake's open API, and the test asserts what a
 * Feishu user would see: which cards, in which chats, ending in which state. Here: what only webhooks have (URL check,
 * signatures, redelivery over HTTP), faults, budgets and guards; the user flows run in both modes in
 * {@link FeishuUserFlows}.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("Feishu in webhook mode, end to end through the fake Feishu")
class FeishuWebhookIT {
  static final String GATEWAY = "dev.poco.gateway.feishu.FeishuGatewayVerticle";
  static final String APP = "cli_poco_it";
  static final String SECRET = "app-secret-feishu-it-4242";
  static final String VT = "vt-feishu-it-9191";
  static final String EK = "ek-feishu-it-7373";
  static final String ALICE = "ou_alice_it";

  @TempDir Path home;

  @Test
  @DisplayName("webhook specifics: the URL check answered; a redelivered event (same event_id, fresh IV and signature)"
      + " runs nothing twice; a forged signature or a stale timestamp is refused and runs nothing; no secret in any log"
      + " line. The user flows themselves: FeishuWebhookFlowsIT")
  void webhookEndToEnd() {
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
    List<String> secrets = new ArrayList<>(List.of(SECRET, VT, EK));
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of())) {
      scenario(rig);
      secrets.addAll(rig.fake.issuedTokens());
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

  private void scenario(FeishuRig rig) {
    FakeFeishu fake = rig.fake;
    FeishuPusher push = rig.push;
    EmbeddedPoco system = rig.system;
    // the URL check Feishu makes when the callback address is configured (encrypted mode: plaintext answer)
    FeishuPusher.Delivery challenge = push.deliver(push.urlVerification("ch-it-1"));
    assertThat(challenge.status()).as(challenge.body()).isEqualTo(200);
    assertThat(challenge.json()).isEqualTo(new JsonObject().put("challenge", "ch-it-1"));

    FeishuChat group = rig.project("fs-proj");
    String prompt = "Reply with exactly: FS-ANSWER-1";
    FeishuPusher.Event promptEvent = push.message(group, ALICE, prompt, true);
    assertThat(push.deliver(promptEvent).status()).isEqualTo(200);
    await(fake, "the task card Done with its answer", () -> taskCard(group, prompt, "FS-ANSWER-1"));
    assertThat(tasks(system, prompt)).hasSize(1);

    // a redelivery of the same event (same event_id, fresh IV and signature) → acked, runs nothing twice
    FeishuPusher.Delivery again = push.deliver(promptEvent);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    settle();
    assertThat(tasks(system, prompt)).as("a redelivered event is not a second task").hasSize(1);
    assertThat(taskCards(group, prompt)).as("one task card\n" + fake.dump()).hasSize(1);

    // a forged signature (signed without the encrypt key) and a stale timestamp: refused, nothing runs
    String forged = "Reply with exactly: FS-FORGED";
    FeishuPusher.Delivery bad = push.deliverSignedWith(push.message(group, ALICE, forged, true), "not-the-key");
    assertThat(bad.status()).as(bad.body()).isIn(400, 401);
    String stale = "Reply with exactly: FS-STALE";
    FeishuPusher.Delivery old = push.deliverAt(push.message(group, ALICE, stale, true),
        System.currentTimeMillis() / 1000 - 3600);
    settle();
    assertThat(tasks(system, forged)).as("a forged event runs nothing").isEmpty();
    assertThat(taskCards(group, forged)).isEmpty();
    assertThat(old.status()).as("an hour-old timestamp: " + old.body()).isIn(400, 401);
    assertThat(tasks(system, stale)).as("a stale event runs nothing").isEmpty();
  }

  @Test
  @DisplayName("platform faults on the way still end in the right cards: a 429 burst and 230020 on PATCH, expired tenant"
      + " tokens (99991663), a task card recalled while running (a fresh card ends Done), cards older than 14 days")
  void faultsStillReachTheFinalState() {
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of(ConfigKeys.STUB_SLOW_SECONDS, "4"))) {
      FakeFeishu fake = rig.fake;
      FeishuPusher push = rig.push;
      FeishuChat group = rig.project("fs-faults");

      // a 429 burst on the next calls and two 230020 answers to PATCH: waited out and retried (§2)
      fake.rateLimitBurst(3, 1);
      fake.failNext(FakeFeishu.PATCH, 2, FakeFeishu.FREQUENCY_LIMIT, 400);
      String p1 = "Reply with exactly: FS-LIMITED";
      push.deliver(push.message(group, ALICE, p1, true));
      await(fake, "the task card Done despite rate limits", () -> taskCard(group, p1, "FS-LIMITED"));
      assertThat(fake.requests().stream().filter(r -> r.getInteger("status") == 429).count()).isEqualTo(3);

      // every token expires: the gateway meets 99991663, fetches a new token and carries on (§1)
      long tokenCalls = fake.calls(FakeFeishu.TOKEN);
      fake.advance(java.time.Duration.ofHours(3));
      String p2 = "Reply with exactly: FS-TOKEN";
      push.deliver(push.message(group, ALICE, p2, true));
      await(fake, "the task card Done after the tokens expired", () -> taskCard(group, p2, "FS-TOKEN"));
      assertThat(fake.calls(FakeFeishu.TOKEN)).isGreaterThan(tokenCalls);

      // the task card is recalled while the task runs: a fresh card is posted and ends Done (GATEWAYS.md)
      String p3 = "SLOW Reply with exactly: FS-RECALLED";
      push.deliver(push.message(group, ALICE, p3, true));
      FeishuMessage first = await(fake, "the running task card", () -> taskCards(group, p3).stream().findFirst()
          .orElse(null));
      fake.recall(first.messageId);
      FeishuMessage fresh = await(fake, "a fresh task card Done", () -> taskCards(group, p3).stream()
          .filter(m -> !m.messageId.equals(first.messageId) && m.visibleText().contains("Done")
              && m.visibleText().replace(p3, "").contains("FS-RECALLED")).findFirst().orElse(null));
      assertThat(fresh.recalled()).isFalse();

      // 15 days on, every card is past the 14-day update window (230031): a new task still shows as a fresh card
      fake.advance(java.time.Duration.ofDays(15));
      String p4 = "Reply with exactly: FS-OLD";
      push.deliver(push.message(group, ALICE, p4, true));
      await(fake, "the task card Done 15 days later", () -> taskCard(group, p4, "FS-OLD"));
      FeishuMessage ws = await(fake, "a workspace card that shows the newest task", () -> cards(group, "Run").stream()
          .filter(m -> m.visibleText().contains("FS-OLD")).findFirst().orElse(null));
      assertThat(ws.createTimeMs).as("the old workspace card could not be updated: a fresh one")
          .isGreaterThan(fake.nowMs() - java.time.Duration.ofDays(1).toMillis());
      fake.requests().forEach(r -> System.out.println(r.getString("method") + " " + r.getString("path") + " -> "
          + r.getInteger("status") + " code " + r.getInteger("code")));
    }
  }

  @Test
  @DisplayName("two gateway instances on one bus (as in a cluster): webhooks and renders land on either, yet each task"
      + " has exactly one card that ends Done, one project has one group and one workspace card, and a redelivery"
      + " landing on the other instance runs nothing twice")
  void twoGatewayInstances() {
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of())) {
      rig.system.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(rig.system.config)).await();
      FakeFeishu fake = rig.fake;
      FeishuChat group = rig.project("fs-two");
      List<FeishuPusher.Event> events = new ArrayList<>();
      for (int i = 1; i <= 6; i++) {
        FeishuPusher.Event e = rig.push.message(group, ALICE, "Reply with exactly: FS-TWO-" + i, true);
        events.add(e);
        assertThat(rig.push.deliver(e).status()).isEqualTo(200);
      }
      for (int i = 1; i <= 6; i++) {
        String prompt = "Reply with exactly: FS-TWO-" + i;
        String answer = "FS-TWO-" + i;
        await(fake, "task " + i + " Done", () -> taskCard(group, prompt, answer));
      }
      // every event delivered again: round robin puts some on the instance that did not take them first
      for (FeishuPusher.Event e : events) assertThat(rig.push.deliver(e).status()).isEqualTo(200);
      settle();
      for (int i = 1; i <= 6; i++) {
        String prompt = "Reply with exactly: FS-TWO-" + i;
        assertThat(tasks(rig.system, prompt)).as("one task for " + prompt).hasSize(1);
        assertThat(taskCards(group, prompt)).as("one card for " + prompt + "\n" + fake.dump()).hasSize(1);
      }
      assertThat(fake.groupsNamed("fs-two")).hasSize(1);
      assertThat(cards(group, "Run")).as("one workspace card\n" + fake.dump()).hasSize(1);
    }
  }

  @Test
  @DisplayName("only allowed users act: a stranger's prompt runs nothing and a stranger's Approve click approves"
      + " nothing (buttons are authorised by who clicked); garbled bodies are refused")
  void strangersAndGarbage() {
    String mallory = "ou_mallory_it";
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of())) {
      FeishuChat group = rig.project("fs-guard");
      rig.fake.join(group.chatId, mallory); // in the group, but not an allowed user
      String theirs = "Reply with exactly: FS-STRANGER";
      assertThat(rig.push.deliver(rig.push.message(group, mallory, theirs, true)).status()).isEqualTo(200);

      String confirm = "confirm: Reply with exactly: FS-GUARDED";
      rig.push.deliver(rig.push.message(group, ALICE, confirm, true));
      FeishuMessage waiting = await(rig.fake, "the confirm card with Approve", () -> taskCards(group, confirm).stream()
          .filter(m -> FeishuCards.button(m.json(), "Approve") != null).findFirst().orElse(null));
      FeishuPusher.Delivery strangerClick = rig.push.deliver(rig.push.click(mallory, waiting, button(waiting, "Approve"),
          null));
      assertThat(strangerClick.status()).as(strangerClick.body()).isEqualTo(200);
      settle();
      assertThat(tasks(rig.system, theirs)).as("a stranger's prompt runs nothing").isEmpty();
      assertThat(tasks(rig.system, confirm).get(0).status().name()).as("a stranger's click approves nothing")
          .isEqualTo("WAITING_CONFIRMATION");
      FeishuMessage stillWaiting = taskCards(group, confirm).get(taskCards(group, confirm).size() - 1);
      rig.push.deliver(rig.push.click(ALICE, stillWaiting, button(stillWaiting, "Approve"), null));
      await(rig.fake, "the task Done once Alice approves", () -> taskCard(group, confirm, "FS-GUARDED"));

      String garbled = "Reply with exactly: FS-GARBLED";
      FeishuPusher.Event e = rig.push.message(group, ALICE, garbled, true);
      String notEncrypted = e.envelope().encode();
      FeishuPusher.Delivery plainInEncryptedMode = rig.push.post(FeishuPusher.EVENTS_PATH, notEncrypted,
          rig.push.signed(notEncrypted, System.currentTimeMillis() / 1000));
      String junk = new JsonObject().put("encrypt", "bm90IGFlcw==").encode();
      FeishuPusher.Delivery junkCipher = rig.push.post(FeishuPusher.EVENTS_PATH, junk,
          rig.push.signed(junk, System.currentTimeMillis() / 1000));
      FeishuPusher.Delivery unsigned = rig.push.post(FeishuPusher.EVENTS_PATH, junk, Map.of());
      settle();
      assertThat(plainInEncryptedMode.status()).as("plaintext in encrypted mode: " + plainInEncryptedMode.body())
          .isBetween(400, 499);
      assertThat(junkCipher.status()).as("undecryptable: " + junkCipher.body()).isBetween(400, 499);
      assertThat(unsigned.status()).as("unsigned: " + unsigned.body()).isIn(400, 401);
      assertThat(tasks(rig.system, garbled)).isEmpty();
    }
  }

  @Test
  @DisplayName("a streaming answer (200 deltas over ~4 s) ends on the card in full, within Feishu's budgets: no 429 and"
      + " no 230020 from the platform, at most 5 PATCH per second per card")
  void streamingStaysWithinBudgets() {
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of(ConfigKeys.STUB_DELTA_MS, "20"))) {
      FeishuChat group = rig.project("fs-stream");
      String prompt = "STREAM:200";
      rig.push.deliver(rig.push.message(group, ALICE, prompt, true));
      FeishuMessage card = await(rig.fake, "the streamed task Done", () -> taskCards(group, prompt).stream()
          .filter(m -> m.visibleText().contains("Done")).findFirst().orElse(null));
      assertThat(card.visibleText()).as("the whole answer, to its last line").contains("line 0", "line 199");
      List<JsonObject> refusals = rig.fake.requests().stream()
          .filter(r -> r.getInteger("status") == 429 || Integer.valueOf(FakeFeishu.FREQUENCY_LIMIT).equals(r.getInteger("code")))
          .toList();
      assertThat(refusals).as("the gateway keeps to the budgets").isEmpty();
      System.out.println("task card versions: " + card.history().size() + ", PATCH calls: "
          + rig.fake.calls(FakeFeishu.PATCH));

      // 200 KB of answer: every card stays ≤ 30 KB (the fake refuses more with 230025) and says there is more
      String big = "BIG:200000";
      rig.push.deliver(rig.push.message(group, ALICE, big, true));
      FeishuMessage bigCard = await(rig.fake, "the big task Done", () -> taskCards(group, big).stream()
          .filter(m -> m.visibleText().contains("Done")).findFirst().orElse(null));
      assertThat(rig.fake.requests().stream().filter(r -> Integer.valueOf(FakeFeishu.CONTENT_TOO_LONG)
          .equals(r.getInteger("code"))).toList()).as("no card over 30 KB was sent").isEmpty();
      assertThat(FeishuCards.buttons(bigCard.json()).stream().anyMatch(b -> b.contains("Page") || b.contains("›")))
          .as("a long result is paginated: " + FeishuCards.buttons(bigCard.json())).isTrue();
    }
  }

  @Test
  @DisplayName("Feishu refuses the group create once (230027): no project and no group; the user is told; the next"
      + " submit makes exactly one group")
  void groupCreateRefusedOnce() {
    try (FeishuRig rig = FeishuRig.webhook(home, EK, Map.of())) {
      FeishuChat dm = rig.fake.p2pChat(ALICE);
      rig.push.deliver(rig.push.message(dm, ALICE, "hi", false));
      FeishuMessage homeCard = await(rig.fake, "a home card", () -> card(dm, "New"));
      rig.push.deliver(rig.push.click(ALICE, homeCard, button(homeCard, "New"), null));
      FeishuMessage form = await(rig.fake, "the new-project form", () -> card(dm, "Create Project + Group"));
      rig.fake.failNext(FakeFeishu.CHAT_CREATE, 1, FakeFeishu.NO_PERMISSION, 400);
      FeishuPusher.Delivery first = rig.push.deliver(rig.push.click(ALICE, form, button(form, "Create Project + Group"),
          FeishuCards.formValue(form.json(), "name", new JsonObject().put("name", "fs-refused"))));
      settle();
      assertThat(rig.fake.groupsNamed("fs-refused")).isEmpty();
      String shown = first.body() + "\n" + dm.messages().stream().map(FeishuMessage::visibleText).reduce("", String::concat);
      System.out.println("after a refused group create the user sees: " + shown);
      assertThat(shown.toLowerCase(java.util.Locale.ROOT)).as("the user is told")
          .containsAnyOf("could not", "failed", "error", "not create", "230027");
      FeishuMessage again = await(rig.fake, "a form to submit again", () -> card(dm, "Create Project + Group"));
      rig.push.deliver(rig.push.click(ALICE, again, button(again, "Create Project + Group"),
          FeishuCards.formValue(again.json(), "name", new JsonObject().put("name", "fs-refused"))));
      FeishuChat group = await(rig.fake, "the group", () -> rig.fake.groupsNamed("fs-refused").stream().findFirst()
          .orElse(null));
      await(rig.fake, "its workspace card", () -> card(group, "Run"));
      settle();
      assertThat(rig.fake.groupsNamed("fs-refused")).hasSize(1);
      assertThat(cards(group, "Run")).hasSize(1);
    }
  }

  @Test
  @DisplayName("plaintext mode (no Encrypt Key): header.token is compared on every event; a wrong one runs nothing")
  void plaintextModeChecksTheToken() {
    try (FeishuRig rig = FeishuRig.webhook(home, null, Map.of())) {
      FeishuChat group = rig.project("fs-plain");
      String forged = "Reply with exactly: FS-WRONG-TOKEN";
      FeishuPusher.Event e = rig.push.message(group, ALICE, forged, true);
      e.envelope().getJsonObject("header").put("token", "not-the-token");
      FeishuPusher.Delivery refused = rig.push.deliver(e);
      String good = "Reply with exactly: FS-PLAIN";
      assertThat(rig.push.deliver(rig.push.message(group, ALICE, good, true)).status()).isEqualTo(200);
      await(rig.fake, "the task card Done in plaintext mode", () -> taskCard(group, good, "FS-PLAIN"));
      assertThat(refused.status()).as(refused.body()).isIn(400, 401, 403);
      assertThat(tasks(rig.system, forged)).isEmpty();
    }
  }

  // ---- what a user sees ----

  /** The newest card from the bot in {@code chat} that has a button labelled {@code label}, or null. */
  static FeishuMessage card(FeishuChat chat, String label) {
    List<FeishuMessage> found = cards(chat, label);
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  static List<FeishuMessage> cards(FeishuChat chat, String label) {
    return chat.messages().stream().filter(m -> m.isCard() && "app".equals(m.senderType))
        .filter(m -> FeishuCards.button(m.json(), label) != null).toList();
  }

  /** The bot's cards about {@code prompt} that are not the workspace card (which has Run). */
  static List<FeishuMessage> taskCards(FeishuChat chat, String prompt) {
    return chat.messages().stream().filter(m -> m.isCard() && "app".equals(m.senderType))
        .filter(m -> FeishuCards.button(m.json(), "Run") == null).filter(m -> m.visibleText().contains(prompt)).toList();
  }

  /** The task card once it shows Done and {@code answer} besides the prompt, or null. */
  static FeishuMessage taskCard(FeishuChat chat, String prompt, String answer) {
    return taskCards(chat, prompt).stream().filter(m -> {
      String text = m.visibleText();
      return text.contains("Done") && text.replace(prompt, "").contains(answer);
    }).findFirst().orElse(null);
  }

  static JsonObject button(FeishuMessage m, String label) {
    JsonObject b = FeishuCards.button(m.json(), label);
    assertThat(b).as("button " + label + " on " + m.visibleText()).isNotNull();
    return b;
  }

  static List<Task> tasks(EmbeddedPoco system, String prompt) {
    return new StoreClient(system.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await().stream()
        .filter(t -> t.prompt().equals(prompt)).toList();
  }

  static <T> T await(FakeFeishu fake, String what, Supplier<T> probe) {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      T v = probe.get();
      if (v != null) return v;
      sleep(100);
    }
    return fail("no " + what + " within 30 s; what Feishu shows:\n" + fake.dump() + "\nrequests: " + fake.requests());
  }

  /** Long enough for a wrongly accepted event to have shown (the stub answers in milliseconds). */
  static void settle() { sleep(2_000); }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
