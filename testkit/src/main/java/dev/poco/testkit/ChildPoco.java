package dev.poco.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * PoCo as a separate JVM started the way `poco start --foreground` starts it, so a test can
 * SIGKILL it. Output goes to {@code home/child-N.log}.
 */
public final class ChildPoco extends PocoProcess {
  private static int started;

  public final int port;

  private ChildPoco(Process process, Path log, int port) {
    super(process, log);
    this.port = port;
  }

  /** Starts {@code dev.poco.launcher.Main start --foreground} with POCO_* env and waits for /health. */
  public static ChildPoco start(Path home, int port, Map<String, String> env) {
    Map<String, String> all = new HashMap<>(env);
    all.put("POCO_HTTP_PORT", String.valueOf(port));
    Path log = home.resolve("child-" + (++started) + ".log");
    ChildPoco child = new ChildPoco(spawn(home, log, all, "start", "--foreground"), log, port);
    child.awaitHealthy(Duration.ofSeconds(30));
    return child;
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




}
