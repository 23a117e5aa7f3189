package dev.poco.testkit;

import static dev.poco.testkit.FeishuWebhookIT.await;
import static dev.poco.testkit.FeishuWebhookIT.button;
import static dev.poco.testkit.FeishuWebhookIT.card;
import static dev.poco.testkit.FeishuWebhookIT.cards;
import static dev.poco.testkit.FeishuWebhookIT.settle;
import static dev.poco.testkit.FeishuWebhookIT.taskCard;
import static dev.poco.testkit.FeishuWebhookIT.taskCards;
import static dev.poco.testkit.FeishuWebhookIT.tasks;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Project;
import dev.poco.orchestrator.StoreClient;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restarts against the fake Feishu in webhook mode (the setup of {@link FeishuWebhookIT}): the gateway alone
 * (its verticle undeployed and deployed again), and the whole of PoCo (closed and started again on the same SQLite
 * file and port). Feishu redelivers for hours (GATEWAYS.md), so an event or a card click handled before a restart and
 * delivered again after it must run nothing twice; cards posted before a restart still work after it; and a task card
 * streaming through CardKit when the gateway restarts goes on streaming on the same entity to its final state.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@DisplayName("Feishu across gateway and PoCo restarts, end to end through the fake Feishu")
class FeishuRestartIT {
  static final String GATEWAY = FeishuWebhookIT.GATEWAY;
  static final String APP = "cli_poco_restart_it";
  static final String SECRET = "app-secret-feishu-restart-4242";
  static final String VT = "vt-feishu-restart-9191";
  static final String EK = "ek-feishu-restart-7373";
  static final String ALICE = FeishuWebhookIT.ALICE;
  static final String CARDS = "/open-apis/cardkit/v1/cards/";

  @TempDir Path home;

  @Test
  @DisplayName("gateway restart: a redelivered message event and a redelivered New-form submit run nothing twice;"
      + " Approve and Stop on task cards posted before the restart act on their tasks")
  void gatewayRestart() {
    try (Rig rig = Rig.start(home, Map.of(ConfigKeys.STUB_SLOW_SECONDS, "20"))) {
      Created created = rig.project("fs-gw-restart");
      FeishuChat group = created.group();
      String prompt = "Reply with exactly: FS-ONCE";
      FeishuPusher.Event promptEvent = rig.push.message(group, ALICE, prompt, true);
      rig.push.deliver(promptEvent);
      await(rig.fake, "the task Done", () -> taskCard(group, prompt, "FS-ONCE"));
      String confirm = "confirm: Reply with exactly: FS-AFTER-GW";
      rig.push.deliver(rig.push.message(group, ALICE, confirm, true));
      FeishuMessage waiting = await(rig.fake, "the confirm card with Approve", () -> withButton(group, confirm, "Approve"));
      String slow = "SLOW Reply with exactly: FS-STOPPED";
      rig.push.deliver(rig.push.message(group, ALICE, slow, true));
      FeishuMessage running = await(rig.fake, "the SLOW card with Stop", () -> withButton(group, slow, "Stop"));

      rig.restartGateway();

      assertThat(rig.push.deliver(promptEvent).status()).isEqualTo(200);
      assertThat(rig.push.deliver(created.submit()).status()).isEqualTo(200);
      settle();
      assertThat(tasks(rig.system, prompt)).as("a redelivered message after a gateway restart").hasSize(1);
      assertThat(taskCards(group, prompt)).hasSize(1);
      assertThat(rig.fake.groupsNamed("fs-gw-restart")).as("a redelivered New submit: one group").hasSize(1);
      assertThat(projects(rig.system, "fs-gw-restart")).as("one project").hasSize(1);

      rig.push.deliver(rig.push.click(ALICE, waiting, button(waiting, "Approve"), null));
      await(rig.fake, "the task approved on a card from before the restart, Done",
          () -> taskCard(group, confirm, "FS-AFTER-GW"));
      assertThat(tasks(rig.system, confirm).get(0).status().name()).isEqualTo("COMPLETED");
      rig.push.deliver(rig.push.click(ALICE, running, button(running, "Stop"), null));
      await(rig.fake, "the SLOW task cancelled from a card posted before the restart", () -> taskCards(group, slow)
          .stream().filter(m -> m.visibleText().contains("Cancelled")).findFirst().orElse(null));
      assertThat(tasks(rig.system, slow).get(0).status().name()).isEqualTo("CANCELLED");
    }
  }

  @Test
  @DisplayName("PoCo restart on the same SQLite file: a redelivered message event and a redelivered New-form submit"
      + " run nothing twice; Approve on a card posted before the restart runs the task to Done")
  void pocoRestart() {
    try (Rig rig = Rig.start(home, Map.of())) {
      Created created = rig.project("fs-poco-restart");
      FeishuChat group = created.group();
      String prompt = "Reply with exactly: FS-ONCE-POCO";
      FeishuPusher.Event promptEvent = rig.push.message(group, ALICE, prompt, true);
      rig.push.deliver(promptEvent);
      await(rig.fake, "the task Done", () -> taskCard(group, prompt, "FS-ONCE-POCO"));
      String confirm = "confirm: Reply with exactly: FS-AFTER-POCO";
      rig.push.deliver(rig.push.message(group, ALICE, confirm, true));
      FeishuMessage waiting = await(rig.fake, "the confirm card with Approve", () -> withButton(group, confirm, "Approve"));

      rig.restartPoco();

      assertThat(rig.push.deliver(promptEvent).status()).isEqualTo(200);
      assertThat(rig.push.deliver(created.submit()).status()).isEqualTo(200);
      settle();
      assertThat(tasks(rig.system, prompt)).as("a redelivered message after a PoCo restart").hasSize(1);
      assertThat(taskCards(group, prompt)).hasSize(1);
      assertThat(rig.fake.groupsNamed("fs-poco-restart")).as("a redelivered New submit: one group").hasSize(1);
      assertThat(projects(rig.system, "fs-poco-restart")).as("one project").hasSize(1);
      assertThat(cards(group, "Run")).as("one workspace card\n" + rig.fake.dump()).hasSize(1);

      rig.push.deliver(rig.push.click(ALICE, waiting, button(waiting, "Approve"), null));
      await(rig.fake, "the task approved on a card from before the restart, Done",
          () -> taskCard(group, confirm, "FS-AFTER-POCO"));
      assertThat(tasks(rig.system, confirm)).hasSize(1);
      assertThat(tasks(rig.system, confirm).get(0).status().name()).isEqualTo("COMPLETED");
    }
  }

  @Test
  @DisplayName("the gateway restarts while a task card streams: after it the same CardKit entity goes on streaming"
      + " (no PATCH fallback, no sequence refused) and ends Done with the whole answer")
  void streamingAcrossAGatewayRestart() {
    try (Rig rig = Rig.start(home, Map.of(ConfigKeys.STUB_DELTA_MS, "60"))) {
      FeishuChat group = rig.project("fs-stream-restart").group();
      String prompt = "STREAM:200";
      rig.push.deliver(rig.push.message(group, ALICE, prompt, true));
      FeishuMessage card = await(rig.fake, "the card streaming", () -> taskCards(group, prompt).stream()
          .filter(m -> m.visibleText().contains("line 20")).findFirst().orElse(null));
      String cardId = card.cardId();
      assertThat(cardId).as("a card entity").isNotNull();

      rig.restartGateway();
      int restartedAt = rig.fake.requests().size();

      FeishuMessage done = await(rig.fake, "the streamed card Done", () -> taskCards(group, prompt).stream()
          .filter(m -> m.visibleText().contains("Done") && m.visibleText().contains("line 199")).findFirst()
          .orElse(null));
      assertThat(done.messageId).as("the same card").isEqualTo(card.messageId);
      List<JsonObject> after = rig.fake.requests().subList(restartedAt, rig.fake.requests().size());
      List<JsonObject> writes = after.stream().filter(r -> r.getString("path").startsWith(CARDS + cardId)).toList();
      System.out.println("after the gateway restart: " + writes.stream().map(w -> w.getString("endpoint") + "="
          + w.getInteger("code")).toList());
      assertThat(writes).as("the entity written after the restart").isNotEmpty().allSatisfy(w -> {
        assertThat(w.getInteger("status")).as(w.encode()).isEqualTo(200);
        assertThat(w.getInteger("code")).as("no 300317: the sequence went on up").isZero();
      });
      assertThat(writes.stream().map(w -> w.getString("endpoint")))
          .as("streamed on after the restart").contains(FakeFeishu.CARDKIT_CONTENT);
      assertThat(writes.get(writes.size() - 1).getString("endpoint")).as("ends on the final card")
          .isEqualTo(FakeFeishu.CARDKIT_UPDATE);
      assertThat(after.stream().filter(r -> FakeFeishu.PATCH.equals(r.getString("endpoint"))
          && r.getString("path").contains(card.messageId))).as("never the PATCH fallback").isEmpty();
      assertThat(rig.fake.calls(FakeFeishu.CARDKIT_CREATE)).as("no second entity").isEqualTo(1);
    }
  }

  static FeishuMessage withButton(FeishuChat group, String prompt, String label) {
    return taskCards(group, prompt).stream().filter(m -> FeishuCards.button(m.json(), label) != null).findFirst()
        .orElse(null);
  }

  static List<Project> projects(EmbeddedPoco system, String name) {
    return new StoreClient(system.vertx.eventBus()).projects().await().stream().filter(p -> p.name().equals(name))
        .toList();
  }

  /** A project made through the DM: its group and the New-form submit that made it (to deliver again). */
  record Created(FeishuChat group, FeishuPusher.Event submit) {}

  /** A fake Feishu and PoCo with the gateway in webhook mode, on a fixed port and SQLite file so both can restart. */
  private static final class Rig implements AutoCloseable {
    final Vertx platform = Vertx.vertx();
    final FakeFeishu fake = FakeFeishu.start(platform, APP, SECRET);
    final Map<String, String> config = new HashMap<>();
    final Path home;
    final FeishuPusher push;
    EmbeddedPoco system;
    String gateway;

    private Rig(Path home, Map<String, String> extra) {
      this.home = home;
      config.putAll(Map.of(ConfigKeys.FEISHU_APP_ID, APP, ConfigKeys.FEISHU_APP_SECRET, SECRET,
          ConfigKeys.FEISHU_DELIVERY_MODE, "webhook", ConfigKeys.FEISHU_VERIFICATION_TOKEN, VT,
          ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl(), ConfigKeys.ALLOWED_USERS, "feishu:" + ALICE,
          ConfigKeys.FEISHU_ENCRYPT_KEY, EK, ConfigKeys.HTTP_PORT, String.valueOf(Ports.free())));
      config.putAll(extra);
      startPoco();
      push = new FeishuPusher(platform, fake, "http://127.0.0.1:" + config.get(ConfigKeys.HTTP_PORT), VT, EK);
    }

    static Rig start(Path home, Map<String, String> extra) { return new Rig(home, extra); }

    private void startPoco() {
      system = EmbeddedPoco.start(home, config);
      deployGateway();
    }

    private void deployGateway() {
      gateway = system.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(system.config)).await();
    }

    /** The gateway verticle undeployed and deployed again: everything it kept in memory is gone. */
    void restartGateway() {
      system.vertx.undeploy(gateway).await();
      deployGateway();
    }

    /** PoCo closed and started again on the same SQLite file and HTTP port. */
    void restartPoco() {
      system.close();
      startPoco();
    }

    Created project(String name) {
      FeishuChat dm = fake.p2pChat(ALICE);
      push.deliver(push.message(dm, ALICE, "hi", false));
      FeishuMessage homeCard = await(fake, "a home card", () -> card(dm, "New"));
      push.deliver(push.click(ALICE, homeCard, button(homeCard, "New"), null));
      FeishuMessage form = await(fake, "the new-project form", () -> card(dm, "Create Project + Group"));
      FeishuPusher.Event submit = push.click(ALICE, form, button(form, "Create Project + Group"),
          FeishuCards.formValue(form.json(), "name", new JsonObject().put("name", name)));
      push.deliver(submit);
      FeishuChat group = await(fake, "the group", () -> fake.groupsNamed(name).stream().findFirst().orElse(null));
      await(fake, "the workspace card", () -> card(group, "Run"));
      return new Created(group, submit);
    }

    @Override
    public void close() {
      System.out.println("what Feishu shows at the end:\n" + fake.dump());
      push.close();
      system.close();
      fake.close();
      platform.close().await();
    }
  }
}
