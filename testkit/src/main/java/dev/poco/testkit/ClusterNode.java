package dev.poco.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PoCo cluster node as a child JVM: {@code poco start --cluster --only <roles>}, configured by
 * POCO_* env. Output goes to {@code home/node.log}; {@link #kill()} is a SIGKILL.
 */
public final class ClusterNode {
  /** Printed by the launcher once the node joined and deployed its roles. */
  public static final String UP_LINE = "PoCo node up with";

  private final Process process;
  private final Path log;

  private ClusterNode(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts the node and returns at once; see {@link #awaitUp} and {@link #awaitExit}. */
  public static ClusterNode launch(Path home, String roles, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.addAll(List.of("dev.poco.launcher.Main", "start", "--cluster", "--only", roles));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("POCO_"));
    pb.environment().put("POCO_HOME", home.toString());
    pb.environment().put("POCO_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    try {
      Files.createDirectories(home);
      Path log = home.resolve("node.log");
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return new ClusterNode(pb.start(), log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the node and waits until it joined and deployed its roles. */
  public static ClusterNode start(Path home, String roles, Map<String, String> env) {
    return launch(home, roles, env).awaitUp(Duration.ofSeconds(40));
  }

  public ClusterNode awaitUp(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (output().contains(UP_LINE)) return this;
      if (!process.isAlive()) throw new AssertionError("node exited with " + process.exitValue() + ":\n" + output());
      sleep(50);
    }
    kill();
    throw new AssertionError("node did not come up:\n" + output());
  }

  /** Waits for the process to end on its own and returns its exit code (the test fails if it does not). */
  public int awaitExit(Duration max) {
    try {
      if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError("node still runs after " + max + ":\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  public long pid() { return process.pid(); }

  public boolean alive() { return process.isAlive(); }

  /** SIGKILL: no shutdown hook, no goodbye to the cluster. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and wait: a graceful leave. */
  public int stop() {
    process.destroy();
    try {
      return process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  public String output() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(cannot read " + log + ")";
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
