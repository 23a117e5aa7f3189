package dev.poco.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Liveness and stopping of a server process that is usually not our child. */
final class Processes {
  private Processes() {}

  /**
   * Alive and not a zombie. A detached server outlives the CLI that spawned it and is reparented to init; where
   * init does not reap, a dead server stays a zombie that ProcessHandle still reports alive.
   */
  static boolean alive(ProcessHandle p) {
    if (!p.isAlive()) return false;
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
      int close = stat.lastIndexOf(')');
      return close < 0 || close + 2 >= stat.length() || stat.charAt(close + 2) != 'Z';
    } catch (IOException | RuntimeException e) {
      return p.isAlive();
    }
  }

  /** Polls until the process is gone or {@code timeout} passes; true when it is gone. */
  static boolean awaitExit(ProcessHandle p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (alive(p)) {
      if (System.nanoTime() > deadline) return false;
      Thread.sleep(50);
    }
    return true;
  }

  /** SIGTERM, wait up to {@code grace}, then SIGKILL. True when the process is gone. */
  static boolean stop(ProcessHandle p, Duration grace) throws InterruptedException {
    p.destroy();
    if (awaitExit(p, grace)) return true;
    p.destroyForcibly();
    return awaitExit(p, Duration.ofSeconds(5));
  }
}
