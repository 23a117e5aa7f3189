package dev.poco.agentrunner;

import static dev.poco.agentrunner.RunnerHarness.assertOrdered;
import static dev.poco.agentrunner.RunnerHarness.failure;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Heartbeat;
import dev.poco.contract.TaskControl;
import dev.poco.contract.TaskEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RunnerBackendsTest {
  @TempDir Path root;
  private RunnerHarness h;

  @BeforeEach
  void deploy(Vertx vertx) throws Exception {
    root = root.toRealPath();
    h = RunnerHarness.deploy(vertx, new JsonObject().put("POCO_WORKDIR_ROOTS", root.toString())
        .put("POCO_RUNNER_CANCEL_GRACE_MS", 200).put("POCO_RUNNER_KILL_GRACE_MS", 200), new FakeBackends());
  }

  private static TaskEvent last(List<TaskEvent> events) { return events.get(events.size() - 1); }

  private static void awaitGone(long pid) throws InterruptedException {
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && !zombie(pid)) Thread.sleep(20);
  }

  private static boolean zombie(long pid) {
    try {
      String stat = java.nio.file.Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (java.io.IOException e) {
      return true;
    }
  }

  @Test
  @DisplayName("the heartbeat carries each backend's probe, failed probes as not ready")
  void probesInHeartbeat() {
    Heartbeat beat = h.heartbeat(b -> true);
    assertThat(beat.backend("ghost").ready()).isFalse();
    assertThat(beat.backend("ghost").detail()).isEqualTo("ghost not found: set POCO_GHOST_COMMAND");
    assertThat(beat.backend("broken").ready()).isFalse();
    assertThat(beat.backend("broken").detail()).contains("segfault");
    assertThat(beat.backend("shell").ready()).isTrue();
  }

  @Test
  @DisplayName("a start on a backend that is not ready fails with 400 and the probe's detail")
  void notReady() {
    ReplyException e = failure(() -> h.start("t1", "ghost", "hi", root.toString(), null, null));
    assertThat(e.failureCode()).isEqualTo(400);
    assertThat(e.getMessage()).isEqualTo("ghost not found: set POCO_GHOST_COMMAND");
  }

  @Test
  @DisplayName("a turn that cannot start finishes as failed with the backend's reason")
  void cannotStart() {
    h.start("t1", "nostart", "hi", root.toString(), null, null);
    List<TaskEvent> events = h.untilFinished("t1");
    assertOrdered(events);
    assertThat(events.get(0).type()).isEqualTo(TaskEvent.STARTED);
    assertThat(last(events).data().getString("status")).isEqualTo("failed");
    assertThat(last(events).data().getString("error")).isEqualTo("cannot start: no auth");
  }

  @Test
  @DisplayName("a cancelled turn whose agent never stops still finishes as cancelled after the grace")
  void stubbornCancel() {
    h.start("t1", "stubborn", "hi", root.toString(), null, null);
    h.untilType("t1", TaskEvent.STARTED);
    h.control("t1", TaskControl.CANCEL, null);
    assertThat(last(h.untilFinished("t1")).data().getString("status")).isEqualTo("cancelled");
    assertThat(failure(() -> h.control("t1", TaskControl.APPROVE, null)).failureCode()).isEqualTo(404);
  }

  @Test
  @DisplayName("a process backend streams its JSON lines, skips the rest, and completes on exit 0")
  void processTurn() {
    h.start("t1", "shell", "echo banner; echo '{\"delta\":\"DEMO\"}'; echo '{\"delta\":\"_OK\"}'",
        root.toString(), null, null);
    List<TaskEvent> events = h.untilFinished("t1");
    assertOrdered(events);
    assertThat(last(events).data().getString("status")).isEqualTo("completed");
    assertThat(last(events).data().getString("result")).isEqualTo("DEMO_OK");
  }

  @Test
  @DisplayName("a process backend's failure carries the exit code and stderr tail")
  void processFails() {
    h.start("t1", "shell", "echo 'no API key' >&2; exit 4", root.toString(), null, null);
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("failed");
    assertThat(finished.data().getString("error")).isEqualTo("exit 4: no API key");
  }

  @Test
  @DisplayName("a timed-out process turn is killed with its children and finishes as failed")
  void processTimeout() throws Exception {
    h.start("t1", "shell", "sleep 300 & wait", root.toString(), null, new JsonObject().put("timeout_seconds", 1));
    long pid = Long.parseLong(last(h.untilType("t1", TaskEvent.SESSION)).data().getString("session_id").substring(6));
    List<ProcessHandle> tree = ProcessHandle.of(pid).orElseThrow().descendants().toList();
    TaskEvent finished = last(h.untilFinished("t1"));
    assertThat(finished.data().getString("status")).isEqualTo("failed");
    assertThat(finished.data().getString("error")).isEqualTo("timed out after 1 s");
    awaitGone(pid);
    for (ProcessHandle p : tree) awaitGone(p.pid());
  }

  @Test
  @DisplayName("stopping the runner interrupts process turns and kills their processes")
  void stopKills() throws Exception {
    h.start("t1", "shell", "sleep 300", root.toString(), null, null);
    long pid = Long.parseLong(last(h.untilType("t1", TaskEvent.SESSION)).data().getString("session_id").substring(6));
    h.undeploy();
    assertThat(last(h.untilFinished("t1")).data().getString("status")).isEqualTo("interrupted");
    awaitGone(pid);
  }
}
