package dev.poco.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PoCo as a separate JVM started the way `poco start --foreground` starts it, so a test can
 * SIGKILL it. Output goes to {@code home/child-N.log}.
 */
public final class ChildPoco {
  private static int started;

  private final Process process;
  private final Path log;
  public final int port;

  private ChildPoco(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code dev.poco.launcher.Main start --foreground} with POCO_* env and waits for /health. */
  public static ChildPoco start(Path home, int port, Map<String, String> env) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx128m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("dev.poco.launcher.Main");
    cmd.add("start");
    cmd.add("--foreground");
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("POCO_"));
    pb.environment().put("POCO_HOME", home.toString());
    pb.environment().put("POCO_HTTP_HOST", "127.0.0.1");
    pb.environment().put("POCO_HTTP_PORT", String.valueOf(port));
    pb.environment().putAll(env);
    Path log = home.resolve("child-" + (++started) + ".log");
    pb.redirectErrorStream(true).redirectOutput(log.toFile());
    try {
      ChildPoco child = new ChildPoco(pb.start(), log, port);
      child.awaitHealthy(Duration.ofSeconds(30));
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitHealthy(Duration max) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) throw new AssertionError("PoCo exited with " + process.exitValue() + ":\n" + output());
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) return;
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      sleep(50);
    }
    throw new AssertionError("PoCo did not become healthy:\n" + output());
  }

  /** SIGKILL: no shutdown hook, no flush, as a crash or `kill -9`. */
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

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
