package dev.poco.gateway.slack;

import static dev.poco.gateway.slack.Await.await;
import static dev.poco.gateway.slack.Await.on;
import static dev.poco.gateway.slack.SlackRendererTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.TaskText;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A task's output streamed into its thread against the fake's §10 rules: the thread holds the whole output, the task
 * message ends in its final state, rate limits and an expired stream lose nothing, a huge output stays bounded, a
 * workspace that cannot stream falls back to the task message's live window.
 */
class SlackStreamingTest {
  static final String PROMPT_TS = "1700000000.000100";
  static final StreamLimits FAST = new StreamLimits(1_000, 1_000, 1_000, 60_000, 4 * 60_000, 20, 256 * 1024);

  Vertx vertx;
  FakeSlackApi fake;
  SlackApi api;
  Context ctx;
  DebugRing debug = new DebugRing(500);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    fake = await(FakeSlackApi.start(vertx));
    api = new SlackApi(vertx, new SlackConfig(FakeSlackApi.BOT_TOKEN, null, "s", "webhook", fake.baseUrl()), null);
    ctx = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  SlackRenderer renderer(StreamLimits limits, boolean sessions) {
    return await(on(ctx, () -> Future.succeededFuture(new SlackRenderer(vertx, api, "sl-test", debug,
        new ButtonValues(), b -> { }, 200, 0,
        new SlackStreamer(vertx, api, debug, fake::clock, () -> "T0TEAM", limits),
        new SlackSessions(api, debug, sessions)))));
  }

  static View view(String status, String body, long outputChars) {
    return new View(ViewKinds.TASK, "[" + status + "] Task: fix the tests (codex, /work/app)", status, body, null, null,
        List.of(new View.Action("Stop", "danger", false, new JsonObject().put("intent_key", "task.stop")
            .put("request_id", "r" + System.nanoTime()).put("task_id", "t1"))), 1, 1,
        new JsonObject().put("task_id", "t1").put("user_id", "U1").put("output_chars", outputChars));
  }

  /** A running render as the orchestrator sends it: the live tail of the output and its total length. */
  static RenderRequest running(long version, String output, int tailChars) {
    String body = output.isEmpty() ? "Working…"
        : output.length() > tailChars ? "…" + output.substring(output.length() - tailChars) : output;
    return req(version, view("running", body, output.length()), false);
  }

  static RenderRequest req(long version, View v, boolean mustShow) {
    return new RenderRequest(new ReplyTarget("slack", "C1", PROMPT_TS), null, v, "t1", "p1", mustShow, version,
        RenderRequest.taskKey("t1"));
  }

  Future<RenderAck> send(SlackRenderer r, RenderRequest req) { return on(ctx, () -> r.render(req)); }

  JsonObject status(SlackRenderer r) { return await(on(ctx, () -> Future.succeededFuture(r.streamingStatus()))); }

  /** The streamed messages of the prompt's thread (the task message and notices left out), joined. */
  String streamedText() {
    return fake.thread("C1", PROMPT_TS).stream().filter(m -> m.containsKey("started_at")
        || m.containsKey("markdown_text")).map(FakeSlackApi::shown).collect(Collectors.joining());
  }

  /** Runs a task: output in {@code steps} pieces, each render sent as it comes, then completed; answers the output. */
  String runTask(SlackRenderer r, int steps, int pieceChars) {
    await(send(r, running(1, "", 2800)));
    StringBuilder out = new StringBuilder();
    List<Future<RenderAck>> acks = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      out.append(("step " + i + " says something useful. ").repeat(pieceChars / 30 + 1), 0, pieceChars);
      out.append('\n');
      acks.add(send(r, running(2 + i, out.toString(), 2800)));
      sleep(15);
    }
    await(Future.join(acks));
    RenderAck done = await(send(r, req(2 + steps, view("completed", "All tests pass.", out.length()), true)));
    assertThat(done.stale()).isFalse();
    waitFor(() -> fake.thread("C1", PROMPT_TS).stream().anyMatch(m -> m.getString("text", "").startsWith("<@U1> ✅")));
    return out.toString();
  }

  /** The task message: the first message the gateway posted. */
  JsonObject taskMessage() { return fake.messages.get(fake.order.get(0)); }

  @Test
  void theEndOfTheOutputSeenOnlyInTheResultStillReachesTheThread() {
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "", 2800)));
    String first = "line 0\nline 1\n";
    String all = first + "line 2\nline 3\n";
    await(send(r, running(2, first, 2800)));
    await(send(r, req(3, view("completed", all, all.length()), true))); // the result is the whole output
    waitFor(() -> fake.thread("C1", PROMPT_TS).stream().anyMatch(m -> m.getString("text", "").startsWith("<@U1> ✅")));
    assertThat(streamedText()).isEqualTo(all);
  }

  @Test
  void aStreamedTaskLeavesTheWholeOutputInTheThreadAndTheTaskMessageFinal() {
    SlackRenderer r = renderer(FAST, false);
    String output = runTask(r, 40, 400);

    assertThat(streamedText()).isEqualTo(output);
    JsonObject start = fake.calls("chat.startStream").get(0).body();
    assertThat(start.getString("thread_ts")).isEqualTo(PROMPT_TS);
    assertThat(start.getString("recipient_user_id")).isEqualTo("U1");
    assertThat(start.getString("recipient_team_id")).isEqualTo("T0TEAM");
    assertThat(fake.calls("chat.stopStream")).hasSize(fake.calls("chat.startStream").size());
    JsonObject task = taskMessage();
    assertThat(task.getString("text")).contains("✅").contains("All tests pass.");
    assertThat(task.getJsonArray("blocks").encode()).doesNotContain("step 3 says");
    // the phone is told after the output: the outcome line is the thread's last message
    List<JsonObject> thread = fake.thread("C1", PROMPT_TS);
    assertThat(thread.get(thread.size() - 1).getString("text")).isEqualTo(
        "<@U1> ✅ completed: [completed] Task: fix the tests (codex, /work/app)");
    assertThat(fake.errorsAnswered).isEmpty(); // never a chat.update on a live stream (streaming_state_conflict)
    JsonObject s = status(r);
    assertThat(s.getString("state")).isEqualTo("enabled");
    assertThat(s.getInteger("open_streams")).isZero();
  }

  @Test
  void outputTheEndCameWithIsReadFromTheOrchestratorSoTheThreadHoldsItAll() {
    String output = "line 0\nline 1\nline 2\nline 3\nline 4\n";
    List<JsonObject> asked = new ArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_TASK_GET, m -> {
      asked.add(m.body());
      int from = m.body().getInteger("output_offset");
      m.reply(new JsonObject().put("task_id", "t1").put("output", output.substring(from)));
    });
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "line 0\nline 1\n", 2800)));
    // the last deltas and the end arrive together: the end's render carries the result, not the live tail
    await(send(r, req(2, view("completed", "done", output.length()), true)));
    waitFor(() -> fake.thread("C1", PROMPT_TS).stream().anyMatch(m -> m.getString("text", "").startsWith("<@U1> ✅")));

    assertThat(streamedText()).isEqualTo(output);
    assertThat(asked).singleElement().satisfies(b -> assertThat(b.getInteger("output_offset")).isEqualTo(14));
  }

  @Test
  void aTaskThatEndedBeforeAnyRunningRenderStillStreamsItsOutput() {
    String output = "line 0\nline 1\n";
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_TASK_GET,
        m -> m.reply(new JsonObject().put("output", output.substring(m.body().getInteger("output_offset")))));
    SlackRenderer r = renderer(FAST, false);
    await(send(r, req(1, view("completed", "done", output.length()), true)));
    waitFor(() -> fake.thread("C1", PROMPT_TS).stream().anyMatch(m -> m.getString("text", "").startsWith("<@U1> ✅")));

    assertThat(streamedText()).isEqualTo(output);
  }

  @Test
  void rateLimitsOnAppendAndUpdateAreWaitedOutAndTheFinalStateArrives() {
    SlackRenderer r = renderer(FAST, false);
    fake.fault("chat.appendStream", "429:1", "error:ratelimited");
    fake.fault("chat.update", "429:1");
    String output = runTask(r, 30, 300);

    assertThat(streamedText()).isEqualTo(output);
    assertThat(taskMessage().getString("text")).contains("✅");
    assertThat(api.retries()).isGreaterThanOrEqualTo(3);
    List<FakeSlackApi.Call> appends = fake.calls("chat.appendStream");
    // the call after a 429 waited out its Retry-After
    long gap = appends.get(1).atMs() - appends.get(0).atMs();
    assertThat(gap).isGreaterThanOrEqualTo(900);
    assertThat(fake.errorsAnswered).isEmpty();
  }

  @Test
  void aStreamThatExpiredMidTaskIsRepairedAndNothingIsLost() {
    fake.streamLifetimeMs = 60_000;
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "", 2800)));
    String part1 = "first part of the answer. ".repeat(40);
    await(send(r, running(2, part1, 2800)));
    waitFor(() -> streamedText().equals(part1));
    fake.advance(90_000); // Slack timed the stream out (the gateway's 4-minute rollover had not come yet)
    String all = part1 + "second part, after a long think. ".repeat(30);
    await(send(r, running(3, all, 2800)));
    await(send(r, req(4, view("completed", "Done.", all.length()), true)));
    waitFor(() -> status(r).getLong("repairs") >= 1 && status(r).getInteger("open_streams") == 0);
    waitFor(() -> streamedText().equals(all));

    assertThat(fake.errorsAnswered).contains("chat.appendStream:message_not_in_streaming_state")
        .doesNotContain("chat.update:streaming_state_conflict");
    // the stream's own message was set by chat.update to everything it should show
    String streamTs = fake.order.get(1);
    assertThat(FakeSlackApi.shown(fake.messages.get(streamTs))).isEqualTo(all);
  }

  @Test
  void aStreamTheUserStoppedInSlackKeepsWhatFollowsInTheThread() {
    SlackRenderer r = renderer(FAST, true);
    await(send(r, running(1, "", 2800)));
    String part1 = "working on it. ".repeat(10);
    await(send(r, running(2, part1, 2800)));
    waitFor(() -> streamedText().equals(part1));
    String streamTs = fake.order.get(1).substring("C1/".length()); // the task message is first, the stream next
    fake.stopByUser("C1", streamTs); // Slack's Stop button: Slack ends the stream and sends agent_session_stopped
    JsonObject stopped = new JsonObject().put("type", "event_callback").put("event_id", "Ev9").put("event",
        new JsonObject().put("type", "agent_session_stopped").put("channel", "C1").put("thread_ts", PROMPT_TS)
            .put("user", "U1").put("event_ts", "1700000100.000001")
            .put("streaming_message_ts", new io.vertx.core.json.JsonArray().add(streamTs)));
    assertThat(AgentSessionStop.intent(stopped, r.sessions()).param("task_id")).isEqualTo("t1");
    String all = part1 + "stopping now.";
    await(send(r, running(3, all, 2800)));
    await(send(r, req(4, view("cancelled", "Stopped by the user.", all.length()), true)));
    waitFor(() -> status(r).getInteger("open_streams") == 0 && streamedText().equals(all));
    assertThat(fake.errorsAnswered).containsExactly("chat.appendStream:stopped_by_user");
    assertThat(FakeSlackApi.shown(fake.messages.get("C1/" + streamTs))).isEqualTo(all);
  }

  @Test
  void aLongStreamIsRolledOverBeforeSlackExpiresIt() {
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "", 2800)));
    String part1 = "early output. ".repeat(20);
    await(send(r, running(2, part1, 2800)));
    waitFor(() -> streamedText().equals(part1));
    fake.advance(241_000); // past the gateway's 4 minutes, before Slack's 5
    String all = part1 + "late output. ".repeat(20);
    await(send(r, running(3, all, 2800)));
    await(send(r, req(4, view("failed", "**Agent crashed**", all.length()), true)));
    waitFor(() -> status(r).getInteger("open_streams") == 0 && streamedText().equals(all));

    assertThat(status(r).getLong("rollovers")).isEqualTo(1);
    assertThat(fake.calls("chat.startStream")).hasSize(2);
    assertThat(fake.errorsAnswered).isEmpty();
  }

  @Test
  void tenMebibytesOfOutputStayBoundedInMemoryAndWithinEveryLimit() {
    fake.perMinute.replaceAll((m, n) -> 100_000);
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "", TaskText.TAIL_CHARS)));
    int total = 10 * 1024 * 1024;
    StringBuilder out = new StringBuilder(total);
    List<Future<RenderAck>> acks = new ArrayList<>();
    long v = 2;
    while (out.length() < total) {
      int before = out.length();
      // each render's new output fits in its tail, as when the orchestrator's renders keep up
      while (out.length() < before + TaskText.TAIL_CHARS - 100 && out.length() < total) {
        out.append("chunk ").append(v).append(' ');
      }
      String tail = out.length() <= TaskText.TAIL_CHARS ? out.toString()
          : "…" + out.substring(out.length() - TaskText.TAIL_CHARS);
      acks.add(send(r, req(v++, view("running", tail, out.length()), false)));
    }
    await(Future.join(acks));
    await(send(r, req(v, view("completed", "Done.", out.length()), true)));
    waitFor(() -> status(r).getInteger("open_streams") == 0 && status(r).getLong("chars_held") == 0);

    JsonObject s = status(r);
    assertThat(s.getLong("peak_chars_held")).isLessThanOrEqualTo(FAST.maxPendingChars()
        + SlackStreamer.SEGMENT_MAX_CHARS + 1_000);
    assertThat(s.getLong("chars_left_out")).isPositive();
    String thread = streamedText();
    assertThat(thread).contains("characters of output are left out here").endsWith(out.substring(out.length() - 5_000));
    String withoutNotes = thread.replaceAll("\n\n_… \\d+ characters of output are left out here[^\n]*\n\n", "");
    assertThat(withoutNotes.length() + s.getLong("chars_left_out")).isEqualTo(out.length());
    for (FakeSlackApi.Call c : fake.calls) {
      assertThat(c.body().getString("markdown_text", "").length()).isLessThanOrEqualTo(12_000);
    }
    fake.thread("C1", PROMPT_TS).forEach(m -> assertThat(FakeSlackApi.shown(m).length())
        .isLessThanOrEqualTo(SlackStreamer.SEGMENT_MAX_CHARS));
    assertThat(fake.errorsAnswered).isEmpty();
  }

  @Test
  void aWorkspaceThatCannotStreamShowsTheLiveWindowOnTheTaskMessage() {
    fake.unknownMethods.add("chat.startStream");
    SlackRenderer r = renderer(FAST, false);
    await(send(r, running(1, "", 2800)));
    String out = "line of output\n".repeat(100);
    await(send(r, running(2, out, 2800)));
    waitFor(() -> status(r).getString("state").equals("fallback"));
    String more = out + "x".repeat(4000) + "THE END OF THE LIVE WINDOW";
    RenderAck ack = await(send(r, running(3, more, 2800)));
    JsonObject task = fake.messages.get("C1/" + ack.messageId());
    assertThat(task.getJsonArray("blocks").encode()).contains("THE END OF THE LIVE WINDOW");
    assertThat(task.getJsonArray("blocks").encode().length()).isLessThan(8_000);
    JsonObject s = status(r);
    assertThat(s.getString("reason")).isEqualTo("chat.startStream: unknown_method");
    assertThat(s.getInteger("open_streams")).isZero();
    assertThat(fake.calls("chat.startStream")).hasSize(1);
    assertThat(fake.calls("chat.appendStream")).isEmpty();
  }

  @Test
  void sessionsShowProcessingWaitingAndDoneAndStopMapsToTheTask() {
    SlackRenderer r = renderer(FAST, true);
    await(send(r, running(1, "", 2800)));
    await(send(r, running(2, "thinking aloud", 2800)));
    await(send(r, req(3, view("waiting_confirmation", "**Run rm -rf build?**", 14), true)));
    await(send(r, running(4, "thinking aloud, approved", 2800)));
    await(send(r, req(5, view("completed", "Done.", 24), true)));
    waitFor(() -> fake.calls("agents.sessions.setStatus").size() >= 4);
    List<String> statuses = fake.calls("agents.sessions.setStatus").stream()
        .map(c -> c.body().getString("status")).toList();
    assertThat(statuses).containsExactly("processing", "suspended", "processing", "active");
    JsonObject first = fake.calls("agents.sessions.setStatus").get(0).body();
    assertThat(first.getString("thread_ts")).isEqualTo(PROMPT_TS);
    assertThat(first.getString("title")).isEqualTo("Task: fix the tests (codex, /work/app)");
    assertThat(first.getString("initiator_user_id")).isEqualTo("U1");
    waitFor(() -> streamedText().equals("thinking aloud, approved"));
    // the phone heard "waiting" then "completed", in that order
    waitFor(() -> fake.thread("C1", PROMPT_TS).stream().anyMatch(m -> m.getString("text", "").startsWith("<@U1> ✅")));
    List<String> lines = fake.thread("C1", PROMPT_TS).stream().map(m -> m.getString("text", ""))
        .filter(t -> t.startsWith("<@U1>")).toList();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).contains("waiting for your approval");
    assertThat(lines.get(1)).contains("completed");

    JsonObject stopped = new JsonObject().put("type", "event_callback").put("event_id", "Ev1").put("event",
        new JsonObject().put("type", "agent_session_stopped").put("channel", "C1").put("thread_ts", PROMPT_TS)
            .put("user", "U1").put("event_ts", "1700000099.000200"));
    var intent = AgentSessionStop.intent(stopped, r.sessions());
    assertThat(intent.intentKey()).isEqualTo("task.stop");
    assertThat(intent.param("task_id")).isEqualTo("t1");
    assertThat(intent.userId()).isEqualTo("U1");
    assertThat(intent.eventId()).isEqualTo("Ev1");
    assertThat(AgentSessionStop.intent(stopped.copy().put("event", new JsonObject().put("type", "message")),
        r.sessions())).isNull();
  }

  @Test
  void anAppThatIsNotAnAgentGetsAssistantThreadStatusLines() {
    fake.unknownMethods.add("agents.sessions.setStatus");
    SlackRenderer r = renderer(FAST, true);
    await(send(r, running(1, "", 2800)));
    await(send(r, req(2, view("completed", "Done.", 0), true)));
    waitFor(() -> fake.calls("assistant.threads.setStatus").size() >= 2);
    assertThat(fake.calls("assistant.threads.setStatus").stream().map(c -> c.body().getString("status")).toList())
        .containsExactly("is working on your task…", "");
    assertThat(status(r).getJsonObject("sessions").getString("mode")).isEqualTo("assistant.threads");
  }

  @Test
  void debugSaysWhetherTheWorkspaceStreamsAndNeverShowsASecret() {
    fake.unknownMethods.add("chat.startStream");
    await(vertx.deployVerticle(new SlackGatewayVerticle(), new DeploymentOptions().setConfig(new JsonObject()
        .put(ConfigKeys.SLACK_BOT_TOKEN, FakeSlackApi.BOT_TOKEN).put(ConfigKeys.SLACK_SIGNING_SECRET, "sig-secret")
        .put(ConfigKeys.SLACK_API_BASE_URL, fake.baseUrl()).put(ConfigKeys.SLACK_DELIVERY_MODE, "webhook"))));
    await(Bus.request(vertx.eventBus(), Addresses.gatewayRender("slack"), running(1, "", 2800).toJson(), 5_000));
    await(Bus.request(vertx.eventBus(), Addresses.gatewayRender("slack"), running(2, "some output", 2800).toJson(),
        5_000));
    waitFor(() -> "fallback".equals(debugOverBus().getJsonObject("streaming").getString("state")));
    JsonObject dbg = debugOverBus();
    JsonObject streaming = dbg.getJsonObject("streaming");
    assertThat(streaming.getString("reason")).isEqualTo("chat.startStream: unknown_method");
    assertThat(streaming.getInteger("open_streams")).isZero();
    assertThat(streaming.getJsonObject("sessions").getBoolean("enabled")).isFalse();
    assertThat(dbg.encode()).doesNotContain(FakeSlackApi.BOT_TOKEN).doesNotContain("sig-secret")
        .doesNotContain("xoxb");
  }

  JsonObject debugOverBus() {
    return await(Bus.request(vertx.eventBus(), Addresses.gatewayDebug("slack"), new JsonObject(), 5_000));
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
