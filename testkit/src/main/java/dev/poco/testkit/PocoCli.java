package dev.poco.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One {@code poco <command>} as a user types it, run to its end in a child JVM: its exit code and output. */
public final class PocoCli extends PocoProcess {
  private static int runs;

  private PocoCli(Process process, Path log) { super(process, log); }

  public record Result(int code, String output) {}

  /** Runs {@code poco args} with POCO_HOME = {@code home}; fails the test if it has not ended within {@code max}. */
  public static Result run(Path home, Map<String, String> env, Duration max, String... args) {
    Path log = home.resolve("cli-" + (++runs) + ".log");
    PocoCli cli = new PocoCli(spawn(home, log, env, args), log);
    try {
      if (!cli.process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        cli.kill();
        throw new AssertionError("poco " + String.join(" ", args) + " still runs after " + max + ":\n" + cli.output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return new Result(cli.process.exitValue(), cli.output());
  }

  /** SIGKILLs the background server that {@code poco start} left in {@code home}, if any (test clean-up). */
  public static void killServer(Path home) {
    try {
      Path pidFile = home.resolve("poco.pid");
      if (!Files.exists(pidFile)) return;
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim()); // the pid is the first line
      ProcessHandle.of(pid).ifPresent(p -> {
        p.destroyForcibly();
        p.onExit().orTimeout(10, TimeUnit.SECONDS).join();
      });
    } catch (IOException | RuntimeException e) {
      // nothing left to kill
    }
  }
}
