package dev.poco.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PoCo's launcher main run as a child JVM from the test classpath, configured only by POCO_* env
 * (the parent's are dropped), output to a log file, so a test can SIGKILL it like a crash.
 */
public abstract class PocoProcess {
  protected final Process process;
  protected final Path log;

  protected PocoProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Spawns {@code dev.poco.launcher.Main <args>} with POCO_HOME = {@code home} and {@code env}. */
  protected static Process spawn(Path home, Path log, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC")); // no --add-opens: JGroups and Infinispan need none
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.poco.launcher.Main");
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("POCO_"));
    pb.environment().put("POCO_HOME", home.toString());
    pb.environment().put("POCO_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    try {
      Files.createDirectories(home);
      pb.redirectErrorStream(true).redirectOutput(log.toFile());
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public long pid() { return process.pid(); }

  public boolean alive() { return process.isAlive(); }

  /** SIGKILL: no shutdown hook, no flush, no goodbye to a cluster, as a crash or `kill -9`. */
  public void kill() {
    process.destroyForcibly();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** SIGTERM and wait: a graceful stop. */
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

  protected static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
