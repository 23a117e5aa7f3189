package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("The real `poco` CLI trusts its pid file only when it names PoCo's own server")
class StalePidIT {
  static final Duration CLI = Duration.ofSeconds(60);
  static final Pattern STARTED = Pattern.compile("PoCo started \\(pid (\\d+)\\)");
  @TempDir Path home;
  Process unrelated;

  @AfterEach
  void close() {
    if (unrelated != null) unrelated.destroyForcibly();
    PocoCli.killServer(home);
  }

  @Test
  @DisplayName("an unrelated live process in poco.pid: status says not running, shutdown leaves it alive, start"
      + " starts; the real server then runs with an owner-only database under POCO_HOME")
  void unrelatedProcess() throws Exception {
    unrelated = new ProcessBuilder("sleep", "300").start();
    Path pidFile = home.resolve("poco.pid");
    Files.createDirectories(home);
    Files.writeString(pidFile, unrelated.pid() + "\n");
    Map<String, String> env = Map.of("POCO_HTTP_PORT", String.valueOf(Ports.free()), "POCO_AGENT_BACKEND", "stub",
        "POCO_STATE_DB_PATH", "data/state.db", "POCO_WORKDIR_ROOTS", home.toString());

    PocoCli.Result status = PocoCli.run(home, env, CLI, "status");
    assertThat(status.code()).as(status.output()).isEqualTo(1);
    assertThat(status.output()).contains("PoCo is not running (the pid file " + pidFile + " named pid "
        + unrelated.pid() + ", which is not a running PoCo server: stale)");

    PocoCli.Result shutdown = PocoCli.run(home, env, CLI, "shutdown");
    assertThat(shutdown.code()).as(shutdown.output()).isZero();
    assertThat(shutdown.output()).contains("it was stale and is removed, nothing signalled");
    assertThat(unrelated.isAlive()).isTrue();
    assertThat(pidFile).doesNotExist();

    Files.writeString(pidFile, unrelated.pid() + "\n");
    PocoCli.Result start = PocoCli.run(home, env, CLI, "start");
    assertThat(start.code()).as(start.output()).isZero();
    assertThat(start.output()).contains("Removing a stale pid file");
    Matcher m = STARTED.matcher(start.output());
    assertThat(m.find()).as(start.output()).isTrue();
    long server = Long.parseLong(m.group(1));
    assertThat(server).isNotEqualTo(unrelated.pid());

    PocoCli.Result again = PocoCli.run(home, env, CLI, "start");
    assertThat(again.code()).as(again.output()).isZero();
    assertThat(again.output()).contains("PoCo is already running (pid " + server + "); nothing started");
    assertThat(PocoCli.run(home, env, CLI, "status").code()).isZero();

    Path db = home.resolve("data/state.db");
    for (String suffix : new String[] {"", "-wal", "-shm", ".lock"}) {
      Path f = Path.of(db + suffix);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
          .isEqualTo("rw-------");
    }
    assertThat(Path.of("data/state.db")).as("nothing in the caller's directory").doesNotExist();

    PocoCli.Result stop = PocoCli.run(home, env, CLI, "shutdown");
    assertThat(stop.output()).contains("PoCo stopped");
    assertThat(unrelated.isAlive()).isTrue();
  }
}
