package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProcessSupervisorTest {
  private ProcessSupervisor supervisor;

  @BeforeEach
  void setUp(Vertx vertx) {
    supervisor = new ProcessSupervisor(vertx, 300);
  }

  @AfterEach
  void tearDown() {
    supervisor.close().await();
  }

  private static List<ProcessHandle> descendants(long pid, int atLeast) throws InterruptedException {
    ProcessHandle root = ProcessHandle.of(pid).orElseThrow();
    while (true) {
      List<ProcessHandle> all = root.descendants().toList();
      if (all.size() >= atLeast) return all;
      Thread.sleep(10);
    }
  }

  private static void awaitDead(List<ProcessHandle> handles) throws InterruptedException {
    while (!handles.stream().allMatch(ProcessSupervisorTest::dead)) Thread.sleep(20);
  }

  /** Dead, or a zombie waiting for init to reap it (isAlive() still says true for those). */
  private static boolean dead(ProcessHandle h) {
    if (!h.isAlive()) return true;
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(h.pid()), "stat"));
      return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    } catch (IOException e) {
      return true;
    }
  }

  @Test
  @DisplayName("a timeout kills the whole process tree, descendants included")
  void timeoutKillsTree() throws Exception {
    ChildProcess child = supervisor.spawn(ProcessSpec.of("sh", "-c", "sleep 300 & sleep 300 & wait")
        .withTimeout(Duration.ofMillis(500)), line -> {}).await();
    List<ProcessHandle> tree = descendants(child.pid(), 2);
    ProcessExit exit = child.exit().await();
    assertThat(exit.timedOut()).isTrue();
    assertThat(exit.killed()).isTrue();
    assertThat(exit.ok()).isFalse();
    assertThat(exit.describe()).startsWith("timed out");
    awaitDead(tree);
    assertThat(tree).allMatch(ProcessSupervisorTest::dead);
    assertThat(child.alive()).isFalse();
  }

  @Test
  @DisplayName("a tree that ignores TERM is killed after the grace")
  void killEscalates() throws Exception {
    // The shell loops rather than waits: once its children are killed a `wait` would return and the
    // shell exit 0 by itself, racing the KILL this test is about.
    ChildProcess child = supervisor.spawn(ProcessSpec.of("sh", "-c",
        "trap '' TERM; sleep 300 & sleep 300 & while :; do sleep 1; done"), line -> {}).await();
    List<ProcessHandle> tree = descendants(child.pid(), 2);
    ProcessExit exit = child.kill().await();
    assertThat(exit.killed()).isTrue();
    assertThat(exit.code()).isEqualTo(137);
    awaitDead(tree);
    assertThat(tree).allMatch(ProcessSupervisorTest::dead);
  }

  @Test
  @DisplayName("a command that does not exist fails clearly")
  void notFound() {
    assertThatThrownBy(() -> supervisor.spawn(ProcessSpec.of("poco-no-such-command-xyz"), line -> {}).await())
        .hasMessage("command not found: poco-no-such-command-xyz");
  }

  @Test
  @DisplayName("a missing working dir fails clearly")
  void missingCwd(@TempDir Path dir) {
    assertThatThrownBy(() -> supervisor.spawn(ProcessSpec.of("true").in(dir.resolve("gone")), line -> {}).await())
        .hasMessageContaining("working directory does not exist");
  }

  @Test
  @DisplayName("a non-zero exit is reported with the tail of stderr, after every stdout line")
  void nonZeroExit() {
    List<String> lines = new CopyOnWriteArrayList<>();
    ChildProcess child = supervisor.spawn(ProcessSpec.of("sh", "-c",
        "echo '{\"type\":\"a\"}'; echo 'not json at all'; for i in $(seq 1 30); do echo err$i >&2; done; exit 3"),
        lines::add).await();
    ProcessExit exit = child.exit().await();
    assertThat(exit.code()).isEqualTo(3);
    assertThat(exit.killed()).isFalse();
    assertThat(exit.stderrTail()).hasSize(ChildProcess.STDERR_TAIL).endsWith("err30").startsWith("err11");
    assertThat(exit.describe()).startsWith("exit 3: err11");
    assertThat(lines).containsExactly("{\"type\":\"a\"}", "not json at all");
  }

  @Test
  @DisplayName("stdin lines reach the child in order; cwd and env are applied")
  void stdinCwdEnv(@TempDir Path dir) throws Exception {
    List<String> lines = new CopyOnWriteArrayList<>();
    ChildProcess child = supervisor.spawn(ProcessSpec.of("sh", "-c", "pwd; echo \"$POCO_X\"; cat").in(dir)
        .withEnv("POCO_X", "hello"), lines::add).await();
    for (int i = 0; i < 100; i++) child.write("line " + i);
    child.closeStdin().await();
    assertThat(child.exit().await().code()).isZero();
    assertThat(lines).hasSize(102);
    assertThat(lines.get(0)).isEqualTo(dir.toRealPath().toString());
    assertThat(lines.get(1)).isEqualTo("hello");
    assertThat(lines.get(101)).isEqualTo("line 99");
  }

  @Test
  @DisplayName("run collects a short command's output, as a version probe does, and fails on a bad exit")
  void run() {
    assertThat(supervisor.run(ProcessSpec.of("sh", "-c", "echo 1.2.3")).await()).containsExactly("1.2.3");
    assertThatThrownBy(() -> supervisor.run(ProcessSpec.of("sh", "-c", "echo boom >&2; exit 2")).await())
        .hasMessage("sh failed: exit 2: boom");
  }

  @Test
  @DisplayName("stdout lines are delivered on the supervisor's context, not on a reader thread")
  void deliveredOnContext() {
    List<Boolean> onContext = new CopyOnWriteArrayList<>();
    ChildProcess child = supervisor.spawn(ProcessSpec.of("sh", "-c", "echo a; echo b"),
        line -> onContext.add(Vertx.currentContext() != null && Vertx.currentContext().isEventLoopContext())).await();
    child.exit().await();
    assertThat(onContext).containsExactly(true, true);
  }

  @Test
  @DisplayName("closing the supervisor kills every live child")
  void closeKills() throws Exception {
    ChildProcess a = supervisor.spawn(ProcessSpec.of("sleep", "300"), line -> {}).await();
    ChildProcess b = supervisor.spawn(ProcessSpec.of("sh", "-c", "sleep 300 & wait"), line -> {}).await();
    List<ProcessHandle> tree = descendants(b.pid(), 1);
    supervisor.close().await();
    assertThat(a.exit().result().killed()).isTrue();
    assertThat(b.exit().result().killed()).isTrue();
    awaitDead(tree);
  }
}
