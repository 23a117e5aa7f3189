package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live task output through CardKit streaming (feishu.md §11), end to end in webhook mode against the fake Feishu (the
 * setup of {@link FeishuWebhookIT}): the task card is a card entity sent by card_id, its output streamed with the full
 * text so far, ending Done with the whole answer, within the per-card budget and with no sequence error; and a task
 * whose streaming the platform closed after 10 minutes (the fake's clock moved on) still streams and ends Done.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@DisplayName("Feishu CardKit streaming, end to end through the fake Feishu")
class FeishuStreamingIT {
  static final String GATEWAY = "dev.poco.gateway.feishu.FeishuGatewayVerticle";
  static final String APP = "cli_poco_stream_it";
  static final String SECRET = "app-secret-feishu-stream-4242";
  static final String VT = "vt-feishu-stream-9191";
  static final String EK = "ek-feishu-stream-7373";
  static final String ALICE = "ou_alice_stream";
  static final String CARDS = "/open-apis/cardkit/v1/cards/";

  @TempDir Path home;

  @Test
  @DisplayName("STREAM:200 (10 ms deltas) → one entity card streamed in full, Done with every line; no 300317, no 429,"
      + " ≤ 10 writes/s for the card; SLOW past the 10-minute streaming limit → re-opened, Done")
  void streamingEndToEnd() {
    try (Rig rig = Rig.start(home, Map.of(ConfigKeys.STUB_DELTA_MS, "10", ConfigKeys.STUB_SLOW_SECONDS, "3"))) {
      FakeFeishu fake = rig.fake;
      FeishuChat group = rig.project("fs-cardkit");

      String prompt = "STREAM:200";
      rig.push.deliver(rig.push.message(group, ALICE, prompt, true));
      FeishuMessage card = await(fake, "the streamed task Done", () -> done(group, prompt, "line 199"));
      assertThat(card.cardId()).as("the task card is a card entity sent by card_id").isNotNull();
      assertThat(card.visibleText()).contains("line 0", "line 199");
      String fullOutput = lines(200);

      List<JsonObject> writes = fake.requests().stream()
          .filter(r -> r.getString("path").startsWith(CARDS + card.cardId())).toList();
      List<JsonObject> content = writes.stream().filter(r -> FakeFeishu.CARDKIT_CONTENT.equals(r.getString("endpoint")))
          .toList();
      assertThat(content).as("the output was streamed: " + writes.stream().map(w -> w.getString("endpoint") + "="
          + w.getInteger("code") + " " + w.getString("body").substring(0, Math.min(300, w.getString("body").length())))
          .toList()).isNotEmpty();
      for (JsonObject w : content) {
        String text = new JsonObject(w.getString("body")).getString("content");
        assertThat(fullOutput).as("every stream write carries the full text so far, never a delta").startsWith(text);
      }
      assertThat(writes).as("no sequence error, no 429").allSatisfy(w -> {
        assertThat(w.getInteger("status")).isEqualTo(200);
        assertThat(w.getInteger("code")).isZero();
      });
      int peak = peakPerSecond(writes);
      assertThat(peak).as("≤ 10 writes per second for the card").isLessThanOrEqualTo(10);
      List<String> ops = writes.stream().map(w -> w.getString("endpoint")).toList();
      assertThat(ops.get(ops.size() - 2)).as("the end closes streaming").isEqualTo(FakeFeishu.CARDKIT_SETTINGS);
      assertThat(ops.get(ops.size() - 1)).as("then the final card").isEqualTo(FakeFeishu.CARDKIT_UPDATE);
      assertThat(fake.calls(FakeFeishu.CARDKIT_CREATE)).as("one entity per task card (and none else)").isEqualTo(1);
      System.out.println("STREAM:200 → 200 deltas, " + writes.size() + " CardKit writes for the card (" + content.size()
          + " content, " + ops.stream().filter(FakeFeishu.CARDKIT_UPDATE::equals).count() + " full updates, "
          + ops.stream().filter(FakeFeishu.CARDKIT_SETTINGS::equals).count() + " settings), peak " + peak
          + " writes in any second");

      // SLOW: the card streams, the fake's clock jumps 11 minutes while the task sleeps, the platform has closed
      // streaming by itself (200850): the gateway re-opens it and the output still streams to Done
      String slow = "SLOW STREAM:50";
      rig.push.deliver(rig.push.message(group, ALICE, slow, true));
      FeishuMessage slowCard = await(fake, "the SLOW task card", () -> taskCards(group, slow).stream().findFirst()
          .orElse(null));
      fake.advance(Duration.ofMinutes(11));
      FeishuMessage slowDone = await(fake, "the SLOW task Done", () -> done(group, slow, "line 49"));
      assertThat(slowDone.messageId).as("the same card").isEqualTo(slowCard.messageId);
      List<JsonObject> slowWrites = fake.requests().stream()
          .filter(r -> r.getString("path").startsWith(CARDS + slowCard.cardId())).toList();
      System.out.println("SLOW past 10 minutes: " + slowWrites.stream().map(w -> w.getString("endpoint") + "="
          + w.getInteger("code")).toList());
      int timedOut = slowWrites.size();
      for (int i = 0; i < slowWrites.size(); i++) {
        if (Integer.valueOf(200850).equals(slowWrites.get(i).getInteger("code"))) timedOut = i;
      }
      assertThat(timedOut).as("the platform closed streaming after 10 minutes").isLessThan(slowWrites.size());
      List<String> after = slowWrites.subList(timedOut + 1, slowWrites.size()).stream()
          .filter(w -> w.getInteger("code") == 0).map(w -> w.getString("endpoint")).toList();
      assertThat(after).as("re-opened, then streamed again").startsWith(FakeFeishu.CARDKIT_SETTINGS)
          .contains(FakeFeishu.CARDKIT_CONTENT);
      assertThat(slowWrites.stream().filter(w -> Integer.valueOf(300317).equals(w.getInteger("code")))).isEmpty();
    }
  }

  @Test
  @DisplayName("with no coalescing at the orchestrator (POCO_RENDER_INTERVAL_MS=0, ~100 renders/s) the gateway still"
      + " writes the card ≤ 10 times a second, with no 429 and no sequence error, and ends Done in full")
  void everyChangeRenderedStillWithinTheCardBudget() {
    try (Rig rig = Rig.start(home, Map.of(ConfigKeys.STUB_DELTA_MS, "10", ConfigKeys.RENDER_INTERVAL_MS, "0"))) {
      FeishuChat group = rig.project("fs-cardkit-burst");
      String prompt = "STREAM:200";
      rig.push.deliver(rig.push.message(group, ALICE, prompt, true));
      FeishuMessage card = await(rig.fake, "the streamed task Done", () -> done(group, prompt, "line 199"));
      List<JsonObject> writes = rig.fake.requests().stream()
          .filter(r -> r.getString("path").startsWith(CARDS + card.cardId())).toList();
      assertThat(writes).allSatisfy(w -> assertThat(w.getInteger("status")).isEqualTo(200));
      int peak = peakPerSecond(writes);
      long content = writes.stream().filter(w -> FakeFeishu.CARDKIT_CONTENT.equals(w.getString("endpoint"))).count();
      System.out.println("STREAM:200 unpaced → 200 deltas, " + writes.size() + " CardKit writes (" + content
          + " content), peak " + peak + " writes in any second");
      assertThat(peak).isLessThanOrEqualTo(10);
      assertThat(card.visibleText()).contains("line 0", "line 199");
    }
  }

  static String lines(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) sb.append("line ").append(i).append('\n');
    return sb.toString();
  }

  /** The most writes whose fake-clock times fall within one second of each other. */
  static int peakPerSecond(List<JsonObject> writes) {
    int peak = 0;
    for (JsonObject w : writes) {
      long at = w.getLong("at");
      peak = Math.max(peak, (int) writes.stream().filter(x -> x.getLong("at") >= at && x.getLong("at") < at + 1000)
          .count());
    }
    return peak;
  }

  private static FeishuMessage done(FeishuChat group, String prompt, String last) {
    return taskCards(group, prompt).stream().filter(m -> m.visibleText().contains("Done")
        && m.visibleText().contains(last)).findFirst().orElse(null);
  }

  /** A fake Feishu, PoCo with the gateway on it in webhook mode (encrypted), and the pusher. */
  private record Rig(Vertx platform, FakeFeishu fake, EmbeddedPoco system, FeishuPusher push) implements AutoCloseable {
    static Rig start(Path home, Map<String, String> extra) {
      Vertx platform = Vertx.vertx();
      FakeFeishu fake = FakeFeishu.start(platform, APP, SECRET);
      Map<String, String> config = new java.util.HashMap<>(Map.of(ConfigKeys.FEISHU_APP_ID, APP,
          ConfigKeys.FEISHU_APP_SECRET, SECRET, ConfigKeys.FEISHU_DELIVERY_MODE, "webhook",
          ConfigKeys.FEISHU_VERIFICATION_TOKEN, VT, ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl(),
          ConfigKeys.ALLOWED_USERS, "feishu:" + ALICE, ConfigKeys.FEISHU_ENCRYPT_KEY, EK));
      config.putAll(extra);
      EmbeddedPoco system = EmbeddedPoco.start(home, config);
      system.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(system.config)).await();
      FeishuPusher push = new FeishuPusher(platform, fake, "http://127.0.0.1:"
          + system.config.getString(ConfigKeys.HTTP_PORT), VT, EK);
      return new Rig(platform, fake, system, push);
    }

    /** DM hi, New, a name: the project group. */
    FeishuChat project(String name) {
      FeishuChat dm = fake.p2pChat(ALICE);
      push.deliver(push.message(dm, ALICE, "hi", false));
      FeishuMessage homeCard = await(fake, "a home card", () -> card(dm, "New"));
      push.deliver(push.click(ALICE, homeCard, button(homeCard, "New"), null));
      FeishuMessage form = await(fake, "the new-project form", () -> card(dm, "Create Project + Group"));
      push.deliver(push.click(ALICE, form, button(form, "Create Project + Group"),
          FeishuCards.formValue(form.json(), "name", new JsonObject().put("name", name))));
      FeishuChat group = await(fake, "the group", () -> fake.groupsNamed(name).stream().findFirst().orElse(null));
      await(fake, "the workspace card", () -> card(group, "Run"));
      return group;
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

  private static FeishuMessage card(FeishuChat chat, String label) {
    List<FeishuMessage> found = chat.messages().stream().filter(m -> m.isCard() && "app".equals(m.senderType))
        .filter(m -> FeishuCards.button(m.json(), label) != null).toList();
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  private static List<FeishuMessage> taskCards(FeishuChat chat, String prompt) {
    return chat.messages().stream().filter(m -> m.isCard() && "app".equals(m.senderType))
        .filter(m -> FeishuCards.button(m.json(), "Run") == null).filter(m -> m.visibleText().contains(prompt)).toList();
  }

  private static JsonObject button(FeishuMessage m, String label) {
    JsonObject b = FeishuCards.button(m.json(), label);
    assertThat(b).as("button " + label + " on " + m.visibleText()).isNotNull();
    return b;
  }

  private static <T> T await(FakeFeishu fake, String what, Supplier<T> probe) {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      T v = probe.get();
      if (v != null) return v;
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return fail("no " + what + " within 30 s; what Feishu shows:\n" + fake.dump());
  }
}
