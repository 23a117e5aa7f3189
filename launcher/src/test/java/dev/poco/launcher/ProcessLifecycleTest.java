package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** poco start / status / shutdown against real child JVMs running the foreground server around stand-in roles. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProcessLifecycleTest {
  private static final Pattern STARTED =
      Pattern.compile("PoCo started \\(pid (\\d+)\\) on (http://127\\.0\\.0\\.1:\\d+) in \\d+ ms");

  @TempDir Path home;

  @AfterEach
  void killLeftovers() throws Exception {
    PidFile pid = new PidFile(home.resolve("poco.pid"));
    if (pid.live().isPresent()) Processes.stop(pid.live().get(), java.time.Duration.ofSeconds(5));
  }

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new HashMap<>();
    env.put(ConfigKeys.HOME, home.toString());
    for (int i = 0; i < kv.length; i += 2) env.put(kv[i], kv[i + 1]);
    return env;
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private long pidInFile() throws IOException {
    return Long.parseLong(Files.readAllLines(home.resolve("poco.pid")).get(0).trim());
  }

  @Test
  @DisplayName("start, status, start again, shutdown, status: the whole pid-file lifecycle")
  void lifecycle() throws Exception {
    int port = freePort();
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(port), FakeEdgeVerticle.MODE, "pair",
        ConfigKeys.SLACK_BOT_TOKEN, "xoxb-leaky-token-1");

    Clis.Result start = Clis.poco(env, "", "start");
    assertThat(start.code()).as(start.all()).isZero();
    Matcher m = STARTED.matcher(start.out());
    assertThat(m.find()).as(start.out()).isTrue();
    long pid = Long.parseLong(m.group(1));
    assertThat(m.group(2)).isEqualTo("http://127.0.0.1:" + port);
    assertThat(start.out()).contains("Health: ok, mode local, agent stub (ready), 1 runner, state memory, 1 missing")
        .contains("Pairing code: 654321 \u2014 send `/pair 654321` to the bot");
    assertThat(pidInFile()).isEqualTo(pid);
    assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

    Clis.Result status = Clis.poco(env, "", "status");
    assertThat(status.code()).as(status.all()).isZero();
    assertThat(status.out()).contains("PoCo is running (pid " + pid + ") on http://127.0.0.1:" + port)
        .contains("  mode: local", "  agent: stub (ready)", "  missing:", "    - POCO_FEISHU_APP_ID", "  leak: ****")
        .doesNotContain("xoxb-leaky-token-1");

    Clis.Result again = Clis.poco(env, "", "start");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("PoCo is already running (pid " + pid + "); nothing started");

    Clis.Result stop = Clis.poco(env, "", "shutdown");
    assertThat(stop.code()).as(stop.all()).isZero();
    assertThat(stop.out()).contains("PoCo stopped");
    assertThat(home.resolve("poco.pid")).doesNotExist();
    // A stopped server can linger as a zombie until init reaps it: Processes.alive counts that as gone.
    assertThat(ProcessHandle.of(pid).map(Processes::alive)).isNotEqualTo(java.util.Optional.of(true));

    assertThat(Clis.poco(env, "", "status")).satisfies(r -> {
      assertThat(r.code()).isEqualTo(1);
      assertThat(r.out()).contains("PoCo is not running");
    });
    assertThat(Clis.poco(env, "", "shutdown")).satisfies(r -> {
      assertThat(r.code()).isZero();
      assertThat(r.out()).contains("PoCo is not running");
    });
    assertThat(Files.readString(home.resolve("poco.log"))).contains("HTTP edge listening on http://127.0.0.1:" + port)
        .doesNotContain("xoxb-leaky-token-1");
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(
        home.resolve("poco.log")))).as("the log holds prompts and output").isEqualTo("rw-------");
  }

  @Test
  @DisplayName("with POCO_HTTP_PORT=0 the CLI learns the port from the edge's log line; restart gets a new pid")
  void anyPortAndRestart() throws Exception {
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, "0");

    Clis.Result start = Clis.poco(env, "", "start");
    assertThat(start.code()).as(start.all()).isZero();
    Matcher m = STARTED.matcher(start.out());
    assertThat(m.find()).as(start.out()).isTrue();
    assertThat(m.group(2)).doesNotEndWith(":0");
    assertThat(Clis.poco(env, "", "status").out()).contains("on " + m.group(2), "Health: ok");

    Clis.Result restart = Clis.poco(env, "", "restart");
    assertThat(restart.code()).as(restart.all()).isZero();
    assertThat(restart.out()).contains("PoCo stopped").contains("PoCo started (pid ");
    assertThat(pidInFile()).isNotEqualTo(Long.parseLong(m.group(1)));
    assertThat(Clis.poco(env, "", "status").code()).isZero();
    assertThat(Clis.poco(env, "", "shutdown").code()).isZero();
  }

  @Test
  @DisplayName("a server that dies while starting: exit 1, the log's last lines, no pid file")
  void failedStart() throws Exception {
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(freePort()), FakeEdgeVerticle.MODE, "fail");
    Clis.Result start = Clis.poco(env, "", "start");

    assertThat(start.code()).isEqualTo(1);
    assertThat(start.err()).contains("PoCo exited during start (exit code 1)")
        .contains("Last lines of " + home.resolve("poco.log"))
        .contains("PoCo failed to start: demo-api failed to start: edge refused to start (test)");
    assertThat(home.resolve("poco.pid")).doesNotExist();
  }

  @Test
  @DisplayName("status exits 3 when the server runs but /health is not healthy")
  void unhealthy() throws Exception {
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(freePort()), FakeEdgeVerticle.MODE, "sick");
    assertThat(Clis.poco(env, "", "start").code()).isZero();

    Clis.Result status = Clis.poco(env, "", "status");
    assertThat(status.code()).isEqualTo(3);
    assertThat(status.out()).contains("Health: degraded");
    assertThat(Clis.poco(env, "", "shutdown").code()).isZero();
  }

  @Test
  @DisplayName("a pid file naming a dead process means not running, and is cleaned up")
  void stalePidFile() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Files.writeString(home.resolve("poco.pid"), gone.pid() + "\n");
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(freePort()));

    assertThat(Clis.poco(env, "", "status").out()).contains("PoCo is not running");
    assertThat(Clis.poco(env, "", "shutdown").out()).contains("PoCo is not running");
    assertThat(home.resolve("poco.pid")).doesNotExist();
  }

  @Test
  @DisplayName("a pid file naming a live process that is not PoCo: shutdown leaves it alone, status says not running,"
      + " start starts")
  void pidOfAnotherProcess() throws Exception {
    Process other = new ProcessBuilder("sleep", "300").start();
    try {
      Files.writeString(home.resolve("poco.pid"), other.pid() + "\n");
      Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(freePort()));

      Clis.Result status = Clis.poco(env, "", "status");
      assertThat(status.code()).isEqualTo(1);
      assertThat(status.out()).contains("PoCo is not running (the pid file " + home.resolve("poco.pid") + " named pid "
          + other.pid() + ", which is not a running PoCo server: stale)");

      Clis.Result stop = Clis.poco(env, "", "shutdown");
      assertThat(stop.code()).isZero();
      assertThat(stop.out()).contains("PoCo is not running; the pid file").contains("named pid " + other.pid())
          .contains("it was stale and is removed, nothing signalled");
      assertThat(home.resolve("poco.pid")).doesNotExist();
      assertThat(other.isAlive()).isTrue();

      Files.writeString(home.resolve("poco.pid"), other.pid() + "\n");
      Clis.Result start = Clis.poco(env, "", "start");
      assertThat(start.code()).as(start.all()).isZero();
      assertThat(start.out()).contains("Removing a stale pid file: the pid file " + home.resolve("poco.pid")
          + " named pid " + other.pid());
      Matcher m = STARTED.matcher(start.out());
      assertThat(m.find()).as(start.out()).isTrue();
      assertThat(pidInFile()).isEqualTo(Long.parseLong(m.group(1))).isNotEqualTo(other.pid());
      assertThat(Files.readAllLines(home.resolve("poco.pid"))).hasSize(3).element(1).asString().startsWith("started=");
      assertThat(Clis.poco(env, "", "shutdown").out()).contains("PoCo stopped");
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly();
    }
  }

  @Test
  @DisplayName("the recorded start time decides: a pid file whose process started at another time is stale")
  void startTimeMismatch() throws Exception {
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(freePort()));
    assertThat(Clis.poco(env, "", "start").code()).isZero();
    long pid = pidInFile();
    List<String> lines = Files.readAllLines(home.resolve("poco.pid"));
    long started = Long.parseLong(lines.get(1).substring("started=".length()));
    Files.writeString(home.resolve("poco.pid"), pid + "\nstarted=" + (started - 60_000) + "\n" + lines.get(2) + "\n");
    try {
      assertThat(new PidFile(home.resolve("poco.pid")).live()).isEmpty();
      assertThat(Clis.poco(env, "", "shutdown").out()).contains("stale");
      assertThat(ProcessHandle.of(pid).map(Processes::alive)).contains(true);
    } finally {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  @DisplayName("start refuses a port another program holds")
  void portInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      Clis.Result start = Clis.poco(env(ConfigKeys.HTTP_PORT, Integer.toString(taken.getLocalPort())), "", "start");

      assertThat(start.code()).isEqualTo(1);
      assertThat(start.err()).contains("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
      assertThat(home.resolve("poco.pid")).doesNotExist();
    }
  }

  @Test
  @DisplayName("start --foreground prints its URL, writes its pid, and on SIGTERM closes and removes the pid file")
  void foreground() throws Exception {
    int port = freePort();
    Map<String, String> env = env(ConfigKeys.HTTP_PORT, Integer.toString(port));
    List<String> cmd = ServerCommand.build(env, FakeServerMain.class.getName(), List.of("start", "--foreground"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.startsWith("PoCo listening on"));
      assertThat(line).isEqualTo("PoCo listening on http://127.0.0.1:" + port);
      assertThat(pidInFile()).isEqualTo(p.pid());

      p.destroy();
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(143);
      assertThat(home.resolve("poco.pid")).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }
}
