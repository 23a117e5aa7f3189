package dev.poco.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A PoCo cluster node whose event bus runs over mutual TLS, for the cluster bench until {@code poco start --cluster}
 * loads credentials itself (issue 13: the CLI step wires them). It joins and deploys as {@link Server} does
 * (ClusterNode.join, the real roles, NodeInfoService), from the same POCO_* env, and prints the same "node up" line;
 * it skips what a bench does not need (pid file, config watch). Leaves on SIGTERM.
 *
 * <p>Args: a credentials directory ({@link BenchTls#issue}), the roles comma-separated.
 */
public final class BenchNode {
  private BenchNode() {}

  public static void main(String[] args) throws Exception {
    Path credentials = Path.of(args[0]);
    Set<String> roles = Set.of(args[1].split(","));
    JsonObject config = PocoConfig.load(System.getenv());
    SecretMasking.install(config);
    ClusterSettings cs = ClusterSettings.from(config);
    PocoHome home = PocoHome.from(System.getenv());
    Files.createDirectories(home.dir());
    ClusterCredentials c = BenchTls.read(credentials);
    ClusterNode.Joined joined = ClusterNode.join(cs, new KnownMembers(home.dir()), Server.vertxOptions(config),
        false, c);
    Vertx vertx = joined.vertx();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        // leaving anyway
      }
    }, "bench-node-shutdown"));
    Poco.deploy(vertx, config, roles, Poco.ROLE_CLASSES).await();
    NodeInfoService.register(vertx, roles).await();
    System.out.println(Daemon.NODE_UP + " " + roles + " in " + joined.where());
    System.out.flush();
    Thread.currentThread().join(); // until SIGTERM runs the hook
  }
}
