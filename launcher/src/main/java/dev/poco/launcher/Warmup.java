package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code poco warmup} (hidden): runs the whole system briefly on a throw-away home, so that
 * {@code -XX:ArchiveClassesAtExit} records the classes a real start loads, /health included.
 */
final class Warmup {
  private static final Duration DEPLOY_WAIT = Duration.ofSeconds(10);
  private static final Duration HEALTH_WAIT = Duration.ofSeconds(2);
  private static final int REQUESTS = 20;

  private Warmup() {}

  static int run(Cli cli) throws Exception {
    Path home = Files.createTempDirectory("poco-warmup");
    try {
      int port = freePort();
      Map<String, String> env = Map.of(
          ConfigKeys.HOME, home.toString(),
          ConfigKeys.STATE_BACKEND, "memory",
          ConfigKeys.AGENT_BACKEND, "stub",
          ConfigKeys.HTTP_HOST, "127.0.0.1",
          ConfigKeys.HTTP_PORT, Integer.toString(port));
      JsonObject config = PocoConfig.load(env);
      SecretMasking.install(config);
      Vertx vertx = Metrics.local(new VertxOptions()); // as the server builds it, so its classes are archived too
      try {
        Poco.deploy(vertx, config).await(DEPLOY_WAIT.toSeconds(), TimeUnit.SECONDS);
        ConfigWatch.start(vertx, env, config).await(DEPLOY_WAIT.toSeconds(), TimeUnit.SECONDS); // its classes too
        int answered = exerciseHealth(new Endpoint("127.0.0.1", port).probe());
        cli.out().println("Warm-up done (" + answered + " /health answers)");
      } catch (Exception e) {
        // best effort: the classes loaded so far still make a useful archive
        cli.out().println("Warm-up incomplete: " + e);
      } finally {
        vertx.close().await(10, TimeUnit.SECONDS);
      }
      return 0;
    } finally {
      deleteTree(home);
    }
  }

  private static int exerciseHealth(URI base) throws InterruptedException {
    HealthClient client = new HealthClient();
    long deadline = System.nanoTime() + HEALTH_WAIT.toNanos();
    int answered = 0;
    while (answered < REQUESTS && System.nanoTime() < deadline) {
      try {
        HealthReport.summary(client.get(base, Duration.ofSeconds(1)));
        answered++;
      } catch (IOException notUp) {
        Thread.sleep(50);
      }
    }
    return answered;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
