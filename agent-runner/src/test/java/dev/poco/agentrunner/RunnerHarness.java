package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.FsRequest;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.StartTask;
import dev.poco.contract.TaskControl;
import dev.poco.contract.TaskEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Drives a deployed RunnerVerticle over the event bus only, the way the orchestrator does. */
final class RunnerHarness {
  static final long WAIT_S = 10;

  final Vertx vertx;
  final String runnerId = "test-" + UUID.randomUUID().toString().substring(0, 8);
  final BlockingQueue<Heartbeat> heartbeats = new LinkedBlockingQueue<>();
  private final Map<String, BlockingQueue<TaskEvent>> events = new ConcurrentHashMap<>();
  String deploymentId;

  private RunnerHarness(Vertx vertx) { this.vertx = vertx; }

  /** Listens for events and heartbeats first, then deploys a runner with {@code config} plus a fresh runner id. */
  static RunnerHarness deploy(Vertx vertx, JsonObject config) { return deploy(vertx, config, new RunnerVerticle()); }

  static RunnerHarness deploy(Vertx vertx, JsonObject config, RunnerVerticle runner) {
    RunnerHarness h = new RunnerHarness(vertx);
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_TASK_EVENT, m -> {
      TaskEvent e = TaskEvent.fromJson(m.body());
      h.queue(e.taskId()).add(e);
      m.reply(null);
    }).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.RUNNER_HEARTBEAT,
        m -> h.heartbeats.add(Heartbeat.fromJson(m.body()))).completion().await();
    h.deploymentId = vertx.deployVerticle(runner,
        new io.vertx.core.DeploymentOptions().setConfig(config.copy().put("POCO_RUNNER_ID", h.runnerId))).await();
    return h;
  }

  void undeploy() { vertx.undeploy(deploymentId).await(); }

  JsonObject start(String taskId, String backend, String prompt, String workdir, String sessionId,
      JsonObject settings) {
    StartTask task = new StartTask(taskId, "p1", backend, prompt, workdir, sessionId, settings);
    return Bus.request(vertx.eventBus(), Addresses.runnerStart(runnerId), task.toJson(), Bus.RUNNER_TIMEOUT_MS).await();
  }

  JsonObject start(String taskId, String prompt, String workdir) {
    return start(taskId, "stub", prompt, workdir, null, null);
  }

  /** The failure a request ends with; fails the test when it succeeds. */
  static ReplyException failure(Runnable request) {
    try {
      request.run();
    } catch (ReplyException e) {
      return e;
    }
    return fail("expected the request to fail");
  }

  JsonObject control(String taskId, String action, String text) {
    JsonObject body = new TaskControl(taskId, action, text).toJson();
    return Bus.request(vertx.eventBus(), Addresses.runnerControl(runnerId), body, Bus.RUNNER_TIMEOUT_MS).await();
  }

  JsonObject fs(String op, String path) {
    return Bus.request(vertx.eventBus(), Addresses.runnerFs(runnerId), new FsRequest(op, path).toJson(),
        Bus.RUNNER_TIMEOUT_MS).await();
  }

  /** Events of the task up to the first one {@code stop} accepts, inclusive. */
  List<TaskEvent> until(String taskId, Predicate<TaskEvent> stop) {
    List<TaskEvent> seen = new ArrayList<>();
    BlockingQueue<TaskEvent> q = queue(taskId);
    while (true) {
      TaskEvent e;
      try {
        e = q.poll(WAIT_S, TimeUnit.SECONDS);
      } catch (InterruptedException ie) {
        throw new IllegalStateException(ie);
      }
      if (e == null) return fail("no matching event for " + taskId + " after " + seen);
      seen.add(e);
      if (stop.test(e)) return seen;
    }
  }

  List<TaskEvent> untilType(String taskId, String type) { return until(taskId, e -> e.type().equals(type)); }

  List<TaskEvent> untilFinished(String taskId) { return untilType(taskId, TaskEvent.FINISHED); }

  Heartbeat heartbeat(Predicate<Heartbeat> match) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      try {
        Heartbeat h = heartbeats.poll(100, TimeUnit.MILLISECONDS);
        if (h != null && h.runnerId().equals(runnerId) && match.test(h)) return h;
      } catch (InterruptedException ie) {
        throw new IllegalStateException(ie);
      }
    }
    return fail("no matching heartbeat from " + runnerId);
  }

  /** Checks seq runs 1, 2, 3... over the whole stream of one task (first event at seq 1). */
  static void assertOrdered(List<TaskEvent> all) {
    for (int i = 0; i < all.size(); i++) assertThat(all.get(i).seq()).as("seq of event %d", i).isEqualTo(i + 1L);
  }

  private BlockingQueue<TaskEvent> queue(String taskId) {
    return events.computeIfAbsent(taskId, k -> new LinkedBlockingQueue<>());
  }
}
