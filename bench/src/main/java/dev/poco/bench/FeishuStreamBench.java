package dev.poco.bench;

import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Platforms;
import dev.poco.testkit.EmbeddedPoco;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Many stub tasks streaming at once through the real Feishu gateway (webhook mode) against testkit's {@link FakeFeishu}
 * with its §2 rate limits on: the highest write rate one card saw, the app-wide peak of API calls per second, card
 * writes against the deltas produced, the time from each task's last runner DELTA to its final card write, and the
 * heap after the run of this JVM (PoCo and the gateway run embedded in it, the fake too).
 *
 * <p>Projects are created through the orchestrator's card intent (what the DM card flow ends in), with the fake's rate
 * limits off while they are set up; the limits are on for the measured part. Run:
 * {@code bench/run.sh feishu [-Dbench.feishu.tasks=200 -Dbench.feishu.lines=50 -Dbench.feishu.delta.ms=20]}.
 * Figures only; nothing is asserted.
 */
public final class FeishuStreamBench {
  static final String GATEWAY = "dev.poco.gateway.feishu.FeishuGatewayVerticle";
  static final String APP = "cli_poco_bench";
  static final String SECRET = "app-secret-feishu-bench";
  static final String VT = "vt-feishu-bench";
  static final String EK = "ek-feishu-bench";
  static final String USER = "ou_bench_feishu";
  static final String CARDS = "/open-apis/cardkit/v1/cards/";
  static final String MESSAGES = "/open-apis/im/v1/messages/";

  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("bench.feishu.tasks", 200);
    int lines = Integer.getInteger("bench.feishu.lines", 50);
    int deltaMs = Integer.getInteger("bench.feishu.delta.ms", 20);
    int timeoutS = Integer.getInteger("bench.feishu.timeout.s", 240);
    System.out.printf("PoCo Feishu streaming bench: %d cores, java %s, heap max %d MB; %d tasks × STREAM:%d, a delta"
        + " every %d ms, real gateway-feishu (webhook) against FakeFeishu with its rate limits on%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, tasks, lines, deltaMs);
    Path home = Files.createTempDirectory("poco-feishu-bench");
    Vertx platform = Vertx.vertx();
    ExecutorService pushers = Executors.newFixedThreadPool(32);
    try {
      FakeFeishu fake = FakeFeishu.start(platform, APP, SECRET);
      Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.FEISHU_APP_ID, APP,
          ConfigKeys.FEISHU_APP_SECRET, SECRET, ConfigKeys.FEISHU_DELIVERY_MODE, "webhook",
          ConfigKeys.FEISHU_VERIFICATION_TOKEN, VT, ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl(),
          ConfigKeys.ALLOWED_USERS, Platforms.FEISHU + ":" + USER, ConfigKeys.FEISHU_ENCRYPT_KEY, EK,
          ConfigKeys.STUB_DELTA_MS, String.valueOf(deltaMs), ConfigKeys.RUNNER_MAX_TASKS, String.valueOf(tasks + 56)));
      try (EmbeddedPoco poco = EmbeddedPoco.start(home, config)) {
        poco.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(poco.config)).await();
        FeishuPusher push = new FeishuPusher(platform, fake, "http://127.0.0.1:"
            + poco.config.getString(ConfigKeys.HTTP_PORT), VT, EK);
        StreamBenchKit.Watch watch = StreamBenchKit.Watch.on(poco.vertx);

        fake.rateLimits(false);
        long t0 = System.nanoTime();
        List<FeishuChat> groups = createProjects(poco, fake, tasks);
        System.out.printf("%d project groups (and workspace cards) in %.1f s, rate limits off; now on, sending %d"
            + " prompts at once…%n", groups.size(), (System.nanoTime() - t0) / 1e9, tasks);
        Thread.sleep(1_500); // the fake's 1-s window empties before the limits go back on
        fake.rateLimits(true);
        int callsBefore = fake.requests().size();
        long sentMs = System.currentTimeMillis();
        String prompt = "STREAM:" + lines;
        List<java.util.concurrent.Future<Integer>> deliveries = new ArrayList<>();
        for (FeishuChat g : groups) {
          deliveries.add(pushers.submit(() -> push.deliver(push.message(g, USER, prompt, true)).status()));
        }
        long notOk = 0;
        for (var d : deliveries) if (d.get() != 200) notOk++;
        if (notOk > 0) System.out.printf("  %d deliveries not answered 200%n", notOk);

        String lastLine = "line " + (lines - 1);
        Map<String, FeishuMessage> done = new HashMap<>();
        long lastDoneMs = 0;
        long deadline = System.currentTimeMillis() + timeoutS * 1000L;
        while (done.size() < groups.size() && System.currentTimeMillis() < deadline) {
          for (FeishuChat g : groups) {
            if (done.containsKey(g.chatId)) continue;
            FeishuMessage m = doneCard(g, prompt, lastLine);
            if (m != null) {
              done.put(g.chatId, m);
              lastDoneMs = System.currentTimeMillis();
            }
          }
          Thread.sleep(200);
        }
        long allDoneMs = lastDoneMs;
        for (FeishuChat g : groups) {
          if (done.containsKey(g.chatId)) continue;
          List<FeishuMessage> shown = g.messages().stream().filter(m -> m.isCard() && m.visibleText().contains(prompt))
              .toList();
          System.out.printf("  not Done in %d s: %s shows %s%n", timeoutS, g.chatId, shown.isEmpty() ? "no task card"
              : shown.get(shown.size() - 1).visibleText().replace('\n', ' ').substring(0,
                  Math.min(160, shown.get(shown.size() - 1).visibleText().length())));
        }
        Thread.sleep(1_000); // writes still in flight after the last Done are counted too
        List<JsonObject> calls = fake.requests();
        calls = calls.subList(callsBefore, calls.size());
        report(tasks, lines, sentMs, allDoneMs, done, calls, watch.lastDeltaMs(), watch.chatByTask());
        push.close();
        fake.close();
      }
    } finally {
      pushers.shutdownNow();
      platform.close().await();
      StreamBenchKit.deleteTree(home);
    }
  }

  private static void report(int tasks, int lines, long sentMs, long allDoneMs, Map<String, FeishuMessage> done,
      List<JsonObject> calls, Map<String, Long> lastDeltaMs, Map<String, String> chatByTask) {
    // Card writes: CardKit content, full updates and settings by card id, message PATCHes by message id.
    Map<String, List<Long>> writesByCard = new HashMap<>();
    Map<String, Long> count = new HashMap<>();
    long rateLimited = 0;
    Map<String, Long> refusedBy = new java.util.TreeMap<>();
    for (JsonObject c : calls) {
      String ep = c.getString("endpoint");
      String path = c.getString("path");
      if (c.getInteger("status") == 429) rateLimited++;
      if (c.getInteger("code") != null && c.getInteger("code") != 0) {
        refusedBy.merge(ep + "=" + c.getInteger("code"), 1L, Long::sum);
      }
      String card = null;
      if (FakeFeishu.CARDKIT_CONTENT.equals(ep) || FakeFeishu.CARDKIT_UPDATE.equals(ep)
          || FakeFeishu.CARDKIT_SETTINGS.equals(ep)) {
        card = path.substring(CARDS.length()).split("/")[0];
      } else if (FakeFeishu.PATCH.equals(ep)) {
        card = path.substring(MESSAGES.length()).split("/")[0];
      }
      if (card == null) continue;
      count.merge(ep, 1L, Long::sum);
      writesByCard.computeIfAbsent(card, k -> new ArrayList<>()).add(c.getLong("at"));
    }
    Set<String> taskMessages = new HashSet<>();
    for (FeishuMessage m : done.values()) taskMessages.add(m.messageId);
    long taskPatches = writesByCard.entrySet().stream().filter(e -> taskMessages.contains(e.getKey()))
        .mapToLong(e -> e.getValue().size()).sum();
    long writes = count.values().stream().mapToLong(Long::longValue).sum();
    int perCardPeak = 0;
    String peakCard = null;
    for (var e : writesByCard.entrySet()) {
      int p = StreamBenchKit.peakInOneSecond(e.getValue().stream().mapToLong(Long::longValue).toArray());
      if (p > perCardPeak) {
        perCardPeak = p;
        peakCard = e.getKey();
      }
    }
    int appPeak = StreamBenchKit.peakInOneSecond(calls.stream().mapToLong(c -> c.getLong("at")).toArray());

    // Per task: the runner's last DELTA → the last write to that task's card (its final card).
    List<Long> lags = new ArrayList<>();
    for (var e : chatByTask.entrySet()) {
      FeishuMessage card = done.get(e.getValue());
      Long delta = lastDeltaMs.get(e.getKey());
      if (card == null || delta == null) continue;
      List<Long> at = writesByCard.getOrDefault(card.cardId(), writesByCard.get(card.messageId));
      if (at == null || at.isEmpty()) continue;
      lags.add(at.stream().mapToLong(Long::longValue).max().orElseThrow() - delta);
    }
    long[] lag = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    long lastDelta = lastDeltaMs.values().stream().mapToLong(Long::longValue).max().orElse(0);

    System.out.println();
    System.out.printf("%d of %d task cards ended Done with every line; prompts sent → the last Done seen: %.1f s%n", done.size(),
        tasks, (allDoneMs - sentMs) / 1e3);
    System.out.printf("highest writes per second on one card (max over cards of the most writes in any 1-s window):"
        + " %d (card %s)%n", perCardPeak, peakCard);
    System.out.printf("app-wide peak Feishu API calls per second (all calls the fake received, any 1-s window): %d;"
        + " %d calls in all, %d answered 429; refusals by endpoint=code: %s%n", appPeak, calls.size(), rateLimited,
        refusedBy);
    System.out.printf("card writes %d (CardKit content %d, full updates %d, settings %d, message PATCHes %d, %d of them"
        + " on task cards, the rest workspace cards; entities created %d) for %d deltas produced (%d × %d): %.3f writes per delta%n", writes,
        count.getOrDefault(FakeFeishu.CARDKIT_CONTENT, 0L), count.getOrDefault(FakeFeishu.CARDKIT_UPDATE, 0L),
        count.getOrDefault(FakeFeishu.CARDKIT_SETTINGS, 0L), count.getOrDefault(FakeFeishu.PATCH, 0L), taskPatches,
        calls.stream().filter(c -> FakeFeishu.CARDKIT_CREATE.equals(c.getString("endpoint"))).count(),
        (long) tasks * lines, tasks, lines, (double) writes / ((long) tasks * lines));
    if (lag.length > 0) {
      System.out.printf("runner's last DELTA → that task's final card write, per task (%d tasks): median %d ms, max %d"
          + " ms; the last DELTA of all → the last card Done seen: %d ms%n", lag.length, lag[lag.length / 2],
          lag[lag.length - 1], allDoneMs - lastDelta);
    }
    System.out.printf("heap used after the run (after System.gc(), this JVM: PoCo, gateway-feishu and the fake"
        + " embedded): %d MB%n", StreamBenchKit.heapUsedMb());
  }

  /** One project group per task (created through the card intent), each awaited until its workspace card is in the fake. */
  private static List<FeishuChat> createProjects(EmbeddedPoco poco, FakeFeishu fake, int n) throws Exception {
    List<String> names = StreamBenchKit.createProjects(poco, Platforms.FEISHU, USER, "fsbench", n);
    List<FeishuChat> groups = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 120_000;
    for (String name : names) {
      FeishuChat g = null;
      while (System.currentTimeMillis() < deadline) {
        g = fake.groupsNamed(name).stream().findFirst().orElse(null);
        if (g != null && g.messages().stream().anyMatch(m -> m.isCard() && FeishuCards.button(m.json(), "Run") != null)) {
          break;
        }
        Thread.sleep(50);
      }
      if (g == null) throw new IllegalStateException("no group " + name + " in the fake");
      groups.add(g);
    }
    return groups;
  }

  /** The group's task card for {@code prompt} once it shows Done and the last line, else null. */
  private static FeishuMessage doneCard(FeishuChat chat, String prompt, String lastLine) {
    for (FeishuMessage m : chat.messages()) {
      if (!m.isCard() || !"app".equals(m.senderType) || FeishuCards.button(m.json(), "Run") != null) continue;
      String text = m.visibleText();
      if (text.contains(prompt) && text.contains("Done") && text.contains(lastLine)) return m;
    }
    return null;
  }

  private FeishuStreamBench() { }
}
