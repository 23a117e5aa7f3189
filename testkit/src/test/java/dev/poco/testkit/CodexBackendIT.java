package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.agentrunner.AgentTurn;
import dev.poco.agentrunner.Approval;
import dev.poco.agentrunner.CodexBackend;
import dev.poco.agentrunner.ProcessSupervisor;
import dev.poco.agentrunner.TurnOutcome;
import dev.poco.agentrunner.TurnRequest;
import dev.poco.agentrunner.TurnSink;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.TaskStatus;
import dev.poco.runtime.Settings;
import dev.poco.testkit.fakes.FakeCodexCli;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("CodexBackend on its own with the fake CLI: probe, steer, process reuse and reaping")
class CodexBackendIT {
  @TempDir Path tmp;
  Vertx vertx;
  Context ctx;
  CodexBackend backend;
  Path codexHome;

  @BeforeEach
  void up() throws Exception {
    vertx = Vertx.vertx();
    ctx = vertx.getOrCreateContext();
    codexHome = tmp.resolve("codex-home");
    Path fake = FakeCodexCli.install(tmp.resolve("bin"));
    Settings s = new Settings(new JsonObject().put("POCO_CODEX_COMMAND", fake.toString())
        .put("POCO_CODEX_HOME", codexHome.toString()).put("POCO_CODEX_TRANSPORT_IDLE_SECONDS", 1));
    backend = on(() -> Future.succeededFuture(new CodexBackend(vertx, s, new ProcessSupervisor(vertx, 500))));
  }

  @AfterEach
  void down() {
    on(backend::close);
    vertx.close().await();
  }

  <T> T on(Supplier<Future<T>> work) {
    CompletableFuture<T> out = new CompletableFuture<>();
    ctx.runOnContext(v -> work.get().onComplete(ar -> {
      if (ar.succeeded()) out.complete(ar.result());
      else out.completeExceptionally(ar.cause());
    }));
    return out.orTimeout(20, TimeUnit.SECONDS).join();
  }

  static final class Recorder implements TurnSink {
    final List<String> events = new CopyOnWriteArrayList<>();
    volatile String session;

    public void session(String id) { session = id; }
    public void delta(String text) { events.add("delta:" + text); }
    public void activity(String text) { events.add("activity:" + text); }
    public void approval(Approval request) { events.add("approval:" + request.title()); }
    public void usage(JsonObject usage) { events.add("usage"); }
    public void diff(JsonObject summary) { events.add("diff:" + summary.encode()); }
  }

  TurnOutcome run(Path dir, String project, String session, String prompt, Recorder sink) {
    AgentTurn turn = on(() -> backend.start(new TurnRequest("t", project, prompt, dir, session, null), sink));
    return on(turn::outcome);
  }

  List<Long> pids() throws Exception {
    return Files.readAllLines(codexHome.resolve("fake-codex.log")).stream()
        .map(l -> new JsonObject(l).getLong("pid")).distinct().toList();
  }

  @Test
  @DisplayName("the probe reports the version, approvals and the settings a workspace may choose")
  void probe() {
    BackendInfo info = on(backend::probe);
    assertThat(info.ready()).isTrue();
    assertThat(info.version()).isEqualTo("codex-cli 0.169.0");
    assertThat(info.approvals()).isTrue();
    assertThat(info.settings()).extracting(BackendInfo.SettingSpec::key)
        .containsExactly("model", "sandbox", "approval_policy", "timeout_seconds");
  }

  @Test
  @DisplayName("steer adds input to the running turn")
  void steer() throws Exception {
    Recorder sink = new Recorder();
    AgentTurn turn = on(() -> backend.start(new TurnRequest("t", "p", "SLOW", tmp, null, null), sink));
    while (sink.events.isEmpty()) Thread.sleep(10);
    on(() -> turn.steer("also this"));
    // The fake finishes SLOW after 300 deltas unless interrupted; interrupting ends it as cancelled instead.
    turn.cancel();
    assertThat(on(turn::outcome).status()).isEqualTo(TaskStatus.CANCELLED);
    List<String> steered = Files.readAllLines(codexHome.resolve("fake-codex.log")).stream()
        .filter(l -> l.contains("turn/steer")).toList();
    assertThat(steered).singleElement().asString().contains("also this").contains("expectedTurnId");
  }

  @Test
  @DisplayName("one process per project is kept between turns, replaced when the working dir changes")
  void reuse() throws Exception {
    Path other = Files.createDirectories(tmp.resolve("other"));
    Recorder sink = new Recorder();
    assertThat(run(tmp, "p", null, "Reply with exactly: A", sink).result()).isEqualTo("A");
    assertThat(run(tmp, "p", sink.session, "Reply with exactly: B", sink).result()).isEqualTo("B");
    assertThat(pids()).hasSize(1);
    assertThat(run(other, "p", sink.session, "RECALL", sink).result())
        .isEqualTo("RECALL:Reply with exactly: A|Reply with exactly: B");
    assertThat(pids()).hasSize(2);
  }

  @Test
  @DisplayName("an idle process is reaped after POCO_CODEX_TRANSPORT_IDLE_SECONDS")
  void reaped() throws Exception {
    assertThat(run(tmp, "p", null, "Reply with exactly: A", new Recorder()).result()).isEqualTo("A");
    long pid = pids().get(0);
    long end = System.currentTimeMillis() + 10_000;
    while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && System.currentTimeMillis() < end) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(run(tmp, "p", null, "Reply with exactly: B", new Recorder()).result()).isEqualTo("B");
    assertThat(pids()).hasSize(2);
  }

  @Test
  @DisplayName("a refused handshake fails the turn and the process is not kept")
  void refusedHandshake() throws Exception {
    Settings s = new Settings(new JsonObject().put("POCO_CODEX_COMMAND", tmp.resolve("bin/codex").toString())
        .put("POCO_CODEX_HOME", codexHome.toString()).put("POCO_CODEX_ARGS", "--refuse-init"));
    CodexBackend refusing = on(() -> Future.succeededFuture(new CodexBackend(vertx, s, new ProcessSupervisor(vertx, 500))));
    for (int i = 0; i < 2; i++) {
      CompletableFuture<Throwable> failed = new CompletableFuture<>();
      ctx.runOnContext(v -> refusing.start(new TurnRequest("t", "p", "hi", tmp, null, null), new Recorder())
          .onComplete(ar -> failed.complete(ar.cause())));
      assertThat(failed.get(10, TimeUnit.SECONDS)).hasMessage("codex initialize failed: initialize refused (--refuse-init)");
    }
    assertThat(pids()).as("a new process for the second try").hasSize(2);
    on(refusing::close);
  }

  @Test
  @DisplayName("a file change reports the diff summary")
  void diff() throws Exception {
    Recorder sink = new Recorder();
    AgentTurn turn = on(() -> backend.start(new TurnRequest("t", "p", "APPROVE_PATCH:d.txt", tmp, null, null), sink));
    while (sink.events.stream().noneMatch(e -> e.startsWith("approval:"))) Thread.sleep(10);
    on(() -> turn.approve(dev.poco.agentrunner.ApprovalDecision.APPROVE));
    assertThat(on(turn::outcome).result()).isEqualTo("patch accept");
    assertThat(sink.events).contains("approval:Change " + tmp.resolve("d.txt") + "?")
        .anySatisfy(e -> assertThat(e).startsWith("diff:").contains("\"path\":\"d.txt\"").contains("\"added\":1"));
  }
}
