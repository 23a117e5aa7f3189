package dev.poco.bench;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Platforms;
import dev.poco.testkit.EmbeddedPoco;
import dev.poco.testkit.fakes.FakeSlack;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackInbound;
import dev.poco.testkit.fakes.SlackMessage;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Many stub tasks streaming at once through the real Slack gateway (Socket Mode, the default) against testkit's
 * {@link FakeSlack} with its rate limits on (slack.md §4: per-method tiers per workspace, 1 post/s per channel): the
 * highest chat.update rate one channel saw, chat.appendStream per minute against Tier 4, Web API calls by method against
 * the deltas produced, 429s by method, whether each task's thread holds its whole output and its task message ended
 * final, the time from each task's last runner DELTA to its final task message and to its thread's last write, and
 * the heap after the run of this JVM (PoCo, the gateway and the fake run embedded in it).
 *
 * <p>Every task needs a chat.startStream and a chat.stopStream, both Tier 2 (20/min per workspace): 200 tasks take
 * 10 minutes on starts alone, so the default is 50 tasks, each streaming long enough (50 lines, one every 2 s) that
 * many streams are open at once and the shared appendStream budget is what paces them. Projects are created through
 * the orchestrator's card intent with the fake's limits off; the limits are on for the measured part. Run:
 * {@code bench/run.sh slack [-Dbench.slack.tasks=50 -Dbench.slack.lines=50 -Dbench.slack.delta.ms=2000]}.
 * Figures only; nothing is asserted.
 */
public final class SlackStreamBench {
  static final String GATEWAY = "dev.poco.gateway.slack.SlackGatewayVerticle";
  static final String BOT_TOKEN = "xoxb-slack-bench";
  static final String APP_TOKEN = "xapp-slack-bench";
  static final String USER = "U0BENCHUSER";
  static final String TIER_NOTE = "Tier 3 (chat.update) 50/min, Tier 4 (chat.appendStream) 100/min, Tier 2"
      + " (chat.startStream, chat.stopStream, conversations.create) 20/min per workspace; chat.postMessage 1/s per channel";

  public static void main(String[] args) throws Exception {
    int tasks = Integer.getInteger("bench.slack.tasks", 50);
    int lines = Integer.getInteger("bench.slack.lines", 50);
    int deltaMs = Integer.getInteger("bench.slack.delta.ms", 2_000);
    int timeoutS = Integer.getInteger("bench.slack.timeout.s", 900);
    System.out.printf("PoCo Slack streaming bench: %d cores, java %s, heap max %d MB; %d tasks × STREAM:%d, a delta"
        + " every %d ms (%.0f s of output per task), real gateway-slack (Socket Mode) against FakeSlack with its rate"
        + " limits on (%s).%nEvery task costs a chat.startStream and a chat.stopStream (Tier 2), so %d tasks need at least"
        + " %.1f min of starts; the default 50 long-streaming tasks end in a few minutes with many streams open at once,"
        + " so the shared appendStream budget is what paces them.%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20, tasks, lines, deltaMs, lines * deltaMs / 1e3, TIER_NOTE, tasks,
        tasks / 20.0);
    Path home = Files.createTempDirectory("poco-slack-bench");
    Vertx platform = Vertx.vertx();
    try {
      FakeSlack fake = FakeSlack.start(platform, BOT_TOKEN, APP_TOKEN);
      Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.SLACK_BOT_TOKEN, BOT_TOKEN,
          ConfigKeys.SLACK_APP_TOKEN, APP_TOKEN, ConfigKeys.SLACK_DELIVERY_MODE, "socket",
          ConfigKeys.SLACK_API_BASE_URL, fake.apiUrl(), ConfigKeys.ALLOWED_USERS, Platforms.SLACK + ":" + USER,
          ConfigKeys.STUB_DELTA_MS, String.valueOf(deltaMs), ConfigKeys.RUNNER_MAX_TASKS, String.valueOf(tasks + 56)));
      try (EmbeddedPoco poco = EmbeddedPoco.start(home, config)) {
        StreamBenchKit.Watch watch = StreamBenchKit.Watch.on(poco.vertx);
        fake.rateLimits(false);
        poco.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(poco.config)).await();
        long t0 = System.nanoTime();
        while (fake.socket().connected() == 0) {
          if (System.nanoTime() - t0 > 30_000_000_000L) throw new IllegalStateException("no Socket Mode connection");
          Thread.sleep(50);
        }
        List<SlackChannel> channels = createProjects(poco, fake, tasks);
        System.out.printf("%d project channels (and workspace messages) in %.1f s, rate limits off; now on, sending %d"
            + " prompts at once over Socket Mode…%n", channels.size(), (System.nanoTime() - t0) / 1e9, tasks);
        Thread.sleep(1_500); // settles what setup still sends
        int callsBefore = fake.calls().size();
        fake.rateLimits(true);
        long sentMs = System.currentTimeMillis();
        String prompt = "STREAM:" + lines;
        Map<String, String> promptTs = new LinkedHashMap<>(); // channel → the prompt's ts: the task's thread
        for (SlackChannel c : channels) {
          SlackInbound in = SlackInbound.message(fake, c.id, USER, prompt, null);
          promptTs.put(c.id, in.messageTs());
          fake.socket().push(in);
        }

        Map<String, Long> doneAt = new HashMap<>();
        long deadline = System.currentTimeMillis() + timeoutS * 1000L;
        while (doneAt.size() < channels.size() && System.currentTimeMillis() < deadline) {
          for (var e : promptTs.entrySet()) {
            if (doneAt.containsKey(e.getKey())) continue;
            TaskThread t = TaskThread.of(fake, e.getKey(), e.getValue(), lines);
            if (t.complete()) doneAt.put(e.getKey(), System.currentTimeMillis());
          }
          Thread.sleep(500);
        }
        Thread.sleep(2_000); // calls still in flight after the last task is done are counted too
        List<JsonObject> calls = fake.calls();
        calls = calls.subList(callsBefore, calls.size());
        Map<String, TaskThread> threads = new LinkedHashMap<>();
        promptTs.forEach((ch, ts) -> threads.put(ch, TaskThread.of(fake, ch, ts, lines)));
        for (TaskThread t : threads.values()) {
          if (!t.complete()) System.out.printf("  not done in %d s: %s%n", timeoutS, t.why());
        }
        JsonObject streaming = Bus.request(poco.vertx.eventBus(), Addresses.gatewayDebug(Platforms.SLACK),
            new JsonObject().put("limit", 1)).await().getJsonObject("streaming", new JsonObject());
        report(tasks, lines, sentMs, doneAt, threads, calls, watch, streaming);
      } finally {
        fake.close(); // after PoCo: its gateway no longer reconnects
      }
    } finally {
      platform.close().await();
      StreamBenchKit.deleteTree(home);
    }
  }

  /** What one task's thread shows: its task message, the stream messages, every line of the output in order. */
  record TaskThread(String channel, String threadTs, SlackMessage taskMessage, Set<String> botTs, String streamed,
      int streams, int linesInOrder, int lines, boolean allStopped) {
    static TaskThread of(FakeSlack fake, String channel, String threadTs, int lines) {
      SlackMessage task = null;
      StringBuilder text = new StringBuilder();
      int streams = 0;
      boolean stopped = true;
      Set<String> botTs = new HashSet<>();
      for (SlackMessage m : fake.channel(channel).replies(threadTs)) {
        if (!m.fromBot()) continue;
        botTs.add(m.ts);
        if (m.isStream()) {
          streams++;
          text.append(m.text());
          stopped &= m.streamState() != SlackMessage.StreamState.STREAMING;
        } else if (task == null) {
          task = m;
        }
      }
      String s = text.toString();
      int inOrder = 0;
      for (int from = 0; inOrder < lines; inOrder++) {
        int at = s.indexOf("line " + inOrder + "\n", from);
        if (at < 0) break;
        from = at + 1;
      }
      return new TaskThread(channel, threadTs, task, botTs, s, streams, inOrder, lines, stopped);
    }

    boolean fullOutput() { return linesInOrder == lines && streams > 0 && allStopped; }

    boolean taskFinal() { return taskMessage != null && taskMessage.text().startsWith("✅"); }

    boolean complete() { return fullOutput() && taskFinal(); }

    String why() {
      String shown = taskMessage == null ? "no task message" : taskMessage.text().replace('\n', ' ');
      return channel + " thread " + threadTs + ": task message " + shown.substring(0, Math.min(80, shown.length()))
          + "; " + streams + " stream message(s), " + (allStopped ? "stopped" : "one still streaming") + ", "
          + linesInOrder + " of " + lines + " lines in order (" + streamed.length() + " chars)";
    }
  }

  private static void report(int tasks, int lines, long sentMs, Map<String, Long> doneAt, Map<String, TaskThread> threads,
      List<JsonObject> calls, StreamBenchKit.Watch watch, JsonObject streaming) {
    Map<String, Long> byMethod = new TreeMap<>();
    Map<String, Long> limitedBy = new TreeMap<>();
    Map<String, Long> errorsBy = new TreeMap<>();
    Map<String, List<Long>> updatesByChannel = new HashMap<>();
    List<Long> updates = new ArrayList<>();
    List<Long> appends = new ArrayList<>();
    Set<String> taskTs = new HashSet<>();
    for (TaskThread t : threads.values()) if (t.taskMessage() != null) taskTs.add(t.taskMessage().ts);
    long taskUpdates = 0;
    for (JsonObject c : calls) {
      String method = c.getString("method");
      byMethod.merge(method, 1L, Long::sum);
      if (c.getInteger("status") == 429) {
        limitedBy.merge(method, 1L, Long::sum);
        continue;
      }
      if (!Boolean.TRUE.equals(c.getBoolean("ok"))) {
        errorsBy.merge(method + "=" + c.getString("error"), 1L, Long::sum);
        continue;
      }
      long at = c.getLong("at");
      if ("chat.update".equals(method)) {
        updates.add(at);
        if (taskTs.contains(c.getJsonObject("params").getString("ts"))) taskUpdates++;
        updatesByChannel.computeIfAbsent(String.valueOf(c.getValue("channel")), k -> new ArrayList<>()).add(at);
      } else if ("chat.appendStream".equals(method)) {
        appends.add(at);
      }
    }
    int chPerSecond = 0;
    int chPerMinute = 0;
    String peakChannel = null;
    for (var e : updatesByChannel.entrySet()) {
      long[] t = e.getValue().stream().mapToLong(Long::longValue).toArray();
      int s = StreamBenchKit.peakIn(t, 1_000);
      int m = StreamBenchKit.peakIn(t, 60_000);
      if (m > chPerMinute || (m == chPerMinute && s > chPerSecond)) peakChannel = e.getKey();
      chPerSecond = Math.max(chPerSecond, s);
      chPerMinute = Math.max(chPerMinute, m);
    }
    long[] appendTimes = appends.stream().mapToLong(Long::longValue).sorted().toArray();
    int appendPeakMinute = StreamBenchKit.peakIn(appendTimes, 60_000);
    double appendSpanMin = appendTimes.length < 2 ? 0 : (appendTimes[appendTimes.length - 1] - appendTimes[0]) / 60e3;
    int updatePeakMinute = StreamBenchKit.peakIn(updates.stream().mapToLong(Long::longValue).toArray(), 60_000);

    long full = threads.values().stream().filter(TaskThread::fullOutput).count();
    long fin = threads.values().stream().filter(TaskThread::taskFinal).count();
    long lastDone = doneAt.values().stream().mapToLong(Long::longValue).max().orElse(sentMs);
    int maxStreams = threads.values().stream().mapToInt(TaskThread::streams).max().orElse(0);

    // Per task: its runner's last DELTA → the last write to its task message, and → the last write in its thread.
    List<Long> toTaskMessage = new ArrayList<>();
    List<Long> toThread = new ArrayList<>();
    for (var e : watch.chatByTask().entrySet()) {
      Long delta = watch.lastDeltaMs().get(e.getKey());
      TaskThread t = threads.get(e.getValue());
      if (delta == null || t == null || !t.complete()) continue;
      long lastTaskWrite = 0;
      long lastThreadWrite = 0;
      for (JsonObject c : calls) {
        if (!e.getValue().equals(c.getValue("channel")) || !Boolean.TRUE.equals(c.getBoolean("ok"))) continue;
        String method = c.getString("method");
        JsonObject p = c.getJsonObject("params");
        if ("chat.update".equals(method) && t.taskMessage().ts.equals(p.getString("ts"))) {
          lastTaskWrite = Math.max(lastTaskWrite, c.getLong("at"));
        }
        boolean inThread = t.threadTs().equals(p.getString("thread_ts")) || t.botTs().contains(p.getString("ts"));
        if (method.startsWith("chat.") && inThread) lastThreadWrite = Math.max(lastThreadWrite, c.getLong("at"));
      }
      if (lastTaskWrite > 0) toTaskMessage.add(lastTaskWrite - delta);
      if (lastThreadWrite > 0) toThread.add(lastThreadWrite - delta);
    }
    long[] lagTask = toTaskMessage.stream().mapToLong(Long::longValue).sorted().toArray();
    long[] lagThread = toThread.stream().mapToLong(Long::longValue).sorted().toArray();
    long deltas = (long) tasks * lines;

    System.out.println();
    System.out.printf("%d of %d threads hold the full output (all %d lines in order, every stream stopped; at most %d"
        + " stream messages in one thread); %d of %d task messages ended final (✅); prompts sent → the last task done:"
        + " %.1f s%n", full, tasks, lines, maxStreams, fin, tasks, (lastDone - sentMs) / 1e3);
    System.out.printf("highest chat.update rate one channel saw: %d in a second, %d in a minute (channel %s; Slack's"
        + " guidance about 1 per 3 s, i.e. 20/min); workspace-wide chat.update peak %d in a minute against Tier 3's"
        + " %d/min%n", chPerSecond, chPerMinute, peakChannel, updatePeakMinute, 50);
    System.out.printf("chat.update accepted: %d, %d of them on task messages (the rest workspace messages)%n",
        updates.size(), taskUpdates);
    System.out.printf("chat.appendStream accepted: %d in %.1f min (first to last), peak %d in any minute, against"
        + " Tier 4's %d/min for the whole workspace (the gateway keeps to 90)%n", appendTimes.length, appendSpanMin,
        appendPeakMinute, 100);
    System.out.printf("Web API calls %d for %d deltas produced (%d × %d): %.3f calls per delta; by method %s%n",
        calls.size(), deltas, tasks, lines, (double) calls.size() / deltas, byMethod);
    System.out.printf("answered 429 by method: %s; other refusals by method=error: %s%n", limitedBy, errorsBy);
    if (lagTask.length > 0) {
      System.out.printf("runner's last DELTA → that task's final task-message update, per task (%d tasks): median %.1f"
          + " s, max %.1f s%n", lagTask.length, lagTask[lagTask.length / 2] / 1e3, lagTask[lagTask.length - 1] / 1e3);
    }
    if (lagThread.length > 0) {
      System.out.printf("runner's last DELTA → the last write in that task's thread (stream stopped, outcome line"
          + " posted), per task (%d tasks): median %.1f s, max %.1f s; the last DELTA of all → the last task done:"
          + " %.1f s%n", lagThread.length, lagThread[lagThread.length / 2] / 1e3, lagThread[lagThread.length - 1] / 1e3,
          (lastDone - watch.lastOfAll()) / 1e3);
    }
    if (streaming.getJsonObject("cards_off", new JsonObject()).isEmpty()) streaming.remove("cards_off");
    System.out.printf("the gateway's streaming counters (/debug/slack): %s%n", streaming.encode());
    System.out.printf("heap used after the run (after System.gc(), this JVM: PoCo, gateway-slack and the fake"
        + " embedded): %d MB%n", StreamBenchKit.heapUsedMb());
  }

  /** One project channel per task (created through the card intent), each awaited until its workspace message shows. */
  private static List<SlackChannel> createProjects(EmbeddedPoco poco, FakeSlack fake, int n) throws Exception {
    List<String> names = StreamBenchKit.createProjects(poco, Platforms.SLACK, USER, "slbench", n);
    List<SlackChannel> channels = new ArrayList<>();
    long deadline = System.currentTimeMillis() + 60_000 + n * 2_000L; // the gateway posts about one message a second
    for (String name : names) {
      SlackChannel c = null;
      while (System.currentTimeMillis() < deadline) {
        c = fake.channelsNamed(name).stream().findFirst().orElse(null);
        if (c != null && c.messages().stream().anyMatch(SlackMessage::fromBot)) break;
        Thread.sleep(50);
      }
      if (c == null) throw new IllegalStateException("no channel " + name + " in the fake");
      channels.add(c);
    }
    return channels;
  }

  private SlackStreamBench() { }
}
