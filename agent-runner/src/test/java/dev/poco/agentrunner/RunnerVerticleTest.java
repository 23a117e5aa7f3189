package dev.poco.agentrunner;

import static dev.poco.agentrunner.RunnerHarness.assertOrdered;
import static dev.poco.agentrunner.RunnerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.StartTask;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.TaskControl;
import dev.poco.contract.TaskEvent;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RunnerVerticleTest {
  @TempDir Path root;
  private String workdir;

  @BeforeEach
  void realRoot() throws Exception {
    root = root.toRealPath();
    workdir = Files.createDirectory(root.resolve("repo")).toString();
  }

  private JsonObject config() {
    return new JsonObject().put("POCO_WORKDIR_ROOTS", root.toString()).put("POCO_RUNNER_HEARTBEAT_MS", 60_000)
        .put("POCO_RUNNER_HEARTBEAT_GAP_MS", 0);
  }

  private static String text(List<TaskEvent> events, String type) {
    return events.stream().filter(e -> e.type().equals(type)).map(TaskEvent::text).collect(Collectors.joining());
  }

  private static TaskEvent last(List<TaskEvent> events) { return events.get(events.size() - 1); }

  @Test
  @DisplayName("a runner publishes a heartbeat as it starts, naming the ready stub, its roots and capacity")
  void heartbeatOnStart(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config().put("POCO_RUNNER_MAX_TASKS", 7));
    Heartbeat beat = h.heartbeat(b -> true);
    BackendInfo stub = beat.backend("stub");
    assertThat(stub).isNotNull();
    assertThat(stub.ready()).isTrue();
    assertThat(stub.version()).isEqualTo("builtin");
    assertThat(stub.approvals()).isTrue();
    assertThat(beat.roots()).containsExactly(root.toString());
    assertThat(beat.maxTasks()).isEqualTo(7);
    assertThat(beat.capacity()).isEqualTo(7);
    assertThat(beat.taskIds()).isEmpty();
  }

  @Test
  @DisplayName("a runner answers a discover broadcast with a heartbeat at once")
  void heartbeatOnDiscover(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.heartbeat(b -> true);
    vertx.eventBus().publish(Addresses.RUNNER_DISCOVER, new JsonObject());
    assertThat(h.heartbeat(b -> true).runnerId()).isEqualTo(h.runnerId);
  }

  @Test
  @DisplayName("the stub answers 'Reply with exactly' in ordered, coalesced deltas that add up to the result")
  void stubReply(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    assertThat(h.start("t1", "Reply with exactly: DEMO_OK", workdir).getBoolean("accepted")).isTrue();
    List<TaskEvent> events = h.untilFinished("t1");
    assertOrdered(events);
    assertThat(events.get(0).type()).isEqualTo(TaskEvent.STARTED);
    assertThat(events.get(1).type()).isEqualTo(TaskEvent.SESSION);
    assertThat(events.get(1).data().getString("session_id")).startsWith("stub-");
    assertThat(events.stream().map(TaskEvent::type)).contains(TaskEvent.DELTA, TaskEvent.USAGE);
    // four chunks, but only the first leaves at once; the rest is flushed as one before USAGE
    assertThat(events.stream().filter(e -> e.type().equals(TaskEvent.DELTA))).hasSize(2);
    TaskEvent finished = last(events);
    assertThat(finished.data().getString("status")).isEqualTo("completed");
    assertThat(finished.data().getString("result")).isEqualTo("DEMO_OK");
    assertThat(text(events, TaskEvent.DELTA)).isEqualTo("DEMO_OK");
    TaskEvent usage = events.stream().filter(e -> e.type().equals(TaskEvent.USAGE)).findFirst().orElseThrow();
    assertThat(usage.data().getInteger("input_tokens")).isEqualTo(4);
    assertThat(usage.data().getInteger("output_tokens")).isEqualTo(1);
    assertThat(events).allMatch(e -> e.runnerId().equals(h.runnerId) && e.taskId().equals("t1"));
  }

  @Test
  @DisplayName("without coalescing every stub chunk is its own delta")
  void noCoalescing(Vertx vertx) {
    RunnerHarness plain = RunnerHarness.deploy(vertx, config().put("POCO_RUNNER_COALESCE_MS", 0)
        .put("POCO_STUB_DELTA_MS", 5));
    plain.start("a", "Reply with exactly: the quick brown fox", workdir);
    List<TaskEvent> a = plain.untilFinished("a");
    assertThat(a.stream().filter(e -> e.type().equals(TaskEvent.DELTA))).hasSize(4);
    assertThat(text(a, TaskEvent.DELTA)).isEqualTo("the quick brown fox");
  }

  @Test
  @DisplayName("with a long coalescing window, streamed chunks after the first merge into one delta")
  void longWindow(Vertx vertx) {
    RunnerHarness merged = RunnerHarness.deploy(vertx, config().put("POCO_RUNNER_COALESCE_MS", 60_000)
        .put("POCO_STUB_DELTA_MS", 5));
    merged.start("b", "Reply with exactly: the quick brown fox", workdir);
    List<TaskEvent> b = merged.untilFinished("b");
    assertOrdered(b);
    assertThat(b.stream().filter(e -> e.type().equals(TaskEvent.DELTA))).hasSize(2);
    assertThat(text(b, TaskEvent.DELTA)).isEqualTo("the quick brown fox");
    assertThat(last(b).data().getString("result")).isEqualTo("the quick brown fox");
  }

  @Test
  @DisplayName("a prompt without the reply marker is echoed")
  void echo(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "hello there", workdir);
    assertThat(last(h.untilFinished("t1")).data().getString("result")).isEqualTo("hello there");
  }

  @Test
  @DisplayName("a SLOW turn is cancelled at once and finishes as cancelled")
  void slowCancel(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "SLOW please", workdir);
    h.untilType("t1", TaskEvent.SESSION);
    assertThat(h.control("t1", TaskControl.CANCEL, null).getBoolean("ok")).isTrue();
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("cancelled");
    ReplyException gone = failure(() -> h.control("t1", TaskControl.CANCEL, null));
    assertThat(gone.failureCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("an approved ASK_APPROVAL turn raises an approval, then answers 'approved'")
  void approve(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "ASK_APPROVAL", workdir);
    TaskEvent approval = last(h.untilType("t1", TaskEvent.APPROVAL));
    assertThat(approval.data().getString("kind")).isEqualTo("command");
    assertThat(approval.data().getString("title")).isEqualTo("Run `echo hi`?");
    assertThat(approval.data().getString("detail")).contains("echo hi");
    assertThat(approval.data().getJsonArray("options").getList())
        .containsExactly("approve", "approve_session", "reject");
    assertThat(h.control("t1", TaskControl.APPROVE, null).getBoolean("ok")).isTrue();
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("completed");
    assertThat(finished.data().getString("result")).isEqualTo("approved");
  }

  @Test
  @DisplayName("a rejected ASK_APPROVAL turn answers 'rejected'; a second answer is refused with 409")
  void reject(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config().put("POCO_STUB_DELTA_MS", 200));
    h.start("t1", "ASK_APPROVAL", workdir);
    h.untilType("t1", TaskEvent.APPROVAL);
    h.control("t1", TaskControl.REJECT, null);
    ReplyException twice = failure(() -> h.control("t1", TaskControl.APPROVE, null));
    assertThat(twice.failureCode()).isEqualTo(409);
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("completed");
    assertThat(finished.data().getString("result")).isEqualTo("rejected");
  }

  @Test
  @DisplayName("a FAIL prompt finishes the turn as failed with the stub's error")
  void failPrompt(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "please FAIL", workdir);
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("failed");
    assertThat(finished.data().getString("error")).isEqualTo("stub failure requested");
  }

  @Test
  @DisplayName("a turn past its timeout_seconds is stopped and finishes as failed, 'timed out'")
  void timeout(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "stub", "SLOW", workdir, null, new JsonObject().put("timeout_seconds", 1));
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("failed");
    assertThat(finished.data().getString("error")).isEqualTo("timed out after 1 s");
  }

  @Test
  @DisplayName("the backend's configured timeout applies when the task sets none")
  void configuredTimeout(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config().put("POCO_STUB_TIMEOUT_SECONDS", "1"));
    h.start("t1", "SLOW", workdir);
    assertThat(last(h.untilFinished("t1")).data().getString("error")).isEqualTo("timed out after 1 s");
  }

  @Test
  @DisplayName("a given session id is kept, so a resumed conversation is visible")
  void sessionKept(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "stub", "hi", workdir, "stub-resume-me", null);
    TaskEvent session = last(h.untilType("t1", TaskEvent.SESSION));
    assertThat(session.data().getString("session_id")).isEqualTo("stub-resume-me");
  }

  @Test
  @DisplayName("an unknown backend is refused with 400 naming it")
  void unknownBackend(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    ReplyException e = failure(() -> h.start("t1", "nope", "hi", workdir, null, null));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).contains("unknown backend 'nope'");
  }

  @Test
  @DisplayName("a workdir that escapes the roots through a symlink is refused with 400 naming the roots")
  void workdirOutside(Vertx vertx, @TempDir Path elsewhere) throws Exception {
    Path link = Files.createSymbolicLink(root.resolve("escape"), elsewhere);
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    ReplyException viaLink = failure(() -> h.start("t1", "hi", link.toString()));
    assertThat(viaLink.failureCode()).isEqualTo(400);
    assertThat(viaLink.getMessage()).contains("outside the allowed roots: " + root);
    ReplyException direct = failure(() -> h.start("t2", "hi", elsewhere.toString()));
    assertThat(direct.failureCode()).isEqualTo(400);
    ReplyException missing = failure(() -> h.start("t3", "hi", root.resolve("nope").toString()));
    assertThat(missing.getMessage()).contains("does not exist");
    ReplyException relative = failure(() -> h.start("t4", "hi", "repo"));
    assertThat(relative.getMessage()).contains("relative");
  }

  @Test
  @DisplayName("a full runner refuses a start with 503 and says so in its heartbeat")
  void capacity(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config().put("POCO_RUNNER_MAX_TASKS", 1));
    h.start("t1", "SLOW", workdir);
    Heartbeat busy = h.heartbeat(b -> b.taskIds().contains("t1"));
    assertThat(busy.capacity()).isZero();
    assertThat(failure(() -> h.start("t2", "hi", workdir)).failureCode()).isEqualTo(503);
    h.control("t1", TaskControl.CANCEL, null);
    h.untilFinished("t1");
    assertThat(h.heartbeat(b -> b.taskIds().isEmpty()).capacity()).isEqualTo(1);
    h.start("t2", "hi", workdir);
    assertThat(last(h.untilFinished("t2")).data().getString("status")).isEqualTo("completed");
  }

  @Test
  @DisplayName("control of a task the runner does not hold fails with 404")
  void controlUnknown(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    assertThat(failure(() -> h.control("ghost", TaskControl.APPROVE, null)).failureCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("steering a running stub turn shows up as activity")
  void steer(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "SLOW", workdir);
    h.untilType("t1", TaskEvent.SESSION);
    h.control("t1", TaskControl.STEER, "focus on tests");
    TaskEvent steered = last(h.until("t1", e -> e.type().equals(TaskEvent.ACTIVITY) && e.text().startsWith("steered")));
    assertThat(steered.text()).isEqualTo("steered: focus on tests");
    h.control("t1", TaskControl.CANCEL, null);
    h.untilFinished("t1");
  }

  @Test
  @DisplayName("an outcome nobody acknowledged stays claimed in heartbeats, and a discover resends it at once"
      + " instead of waiting for an attempt lost with a dead node")
  void outcomeUntilAcknowledged(Vertx vertx) throws Exception {
    BlockingQueue<Message<JsonObject>> finished = new LinkedBlockingQueue<>();
    BlockingQueue<Heartbeat> beats = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_TASK_EVENT, m -> {
      if (TaskEvent.FINISHED.equals(m.body().getString("type"))) finished.add(m);
    }).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.RUNNER_HEARTBEAT, m -> beats.add(Heartbeat.fromJson(m.body())))
        .completion().await();
    vertx.deployVerticle(new RunnerVerticle(), new DeploymentOptions().setConfig(config().put("POCO_RUNNER_ID", "r-ack")
        .put("POCO_RUNNER_MAX_TASKS", 1)))
        .await();
    StartTask start = new StartTask("t1", "p1", "stub", "Reply with exactly: KEPT", workdir, null, null);
    Bus.request(vertx.eventBus(), Addresses.runnerStart("r-ack"), start.toJson(), Bus.RUNNER_TIMEOUT_MS).await();

    // First attempt: never answered, as when it went to an orchestrator node that was just killed.
    Message<JsonObject> first = finished.poll(10, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    long firstAt = System.nanoTime();
    // Ended here (a free slot again) but still claimed, so a restarted orchestrator keeps waiting for it.
    awaitBeat(beats, b -> b.capacity() == 1 && b.taskIds().contains("t1"));

    // A (new) orchestrator asks who is there: the outcome comes again before the lost attempt timed out.
    vertx.eventBus().publish(Addresses.RUNNER_DISCOVER, new JsonObject());
    Message<JsonObject> again = finished.poll(10, TimeUnit.SECONDS);
    assertThat(again).isNotNull();
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - firstAt)).isLessThan(TurnRun.FINAL_ACK_MS);
    assertThat(again.body().getJsonObject("data").getString("result")).isEqualTo("KEPT");
    assertThat(again.body().getLong("seq")).isEqualTo(first.body().getLong("seq"));
    again.reply(null);
    awaitBeat(beats, b -> b.taskIds().isEmpty());
  }

  private static Heartbeat awaitBeat(BlockingQueue<Heartbeat> beats, Predicate<Heartbeat> match) throws Exception {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      Heartbeat b = beats.poll(100, TimeUnit.MILLISECONDS);
      if (b != null && match.test(b)) return b;
    }
    throw new AssertionError("no matching heartbeat");
  }

  @Test
  @DisplayName("stopping the runner finishes its running turns as interrupted")
  void stopInterrupts(Vertx vertx) {
    RunnerHarness h = RunnerHarness.deploy(vertx, config());
    h.start("t1", "SLOW", workdir);
    h.untilType("t1", TaskEvent.SESSION);
    h.undeploy();
    assertThat(last(h.untilFinished("t1")).data().getString("status")).isEqualTo("interrupted");
  }
}
