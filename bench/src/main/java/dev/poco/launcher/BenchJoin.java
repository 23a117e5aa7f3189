package dev.poco.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * The bench's way into the launcher's (package-private) cluster join, so the bench's own JVM and its echo node
 * join exactly as PoCo's nodes do: same JGroups stack, same caches. Lives in the bench module, not the product.
 */
public final class BenchJoin {
  private BenchJoin() {}

  /**
   * Joins cluster {@code name} on loopback through {@code seed} (host:port) on {@code port} (the seed's own port
   * for the first member); with {@code credentials} (a BenchTls node directory) JGroups and the bus run over TLS, as
   * a trusted cluster's node (ClusterNode.join with credentials alone: the TLS layer, without the routing guards,
   * which look only at poco.* addresses).
   */
  public static Vertx join(String name, String seed, int port, Path credentials) throws Exception {
    ClusterSettings cs = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_NAME", name)
        .put("POCO_CLUSTER_MEMBERS", seed).put("POCO_CLUSTER_HOST", "127.0.0.1")
        .put("POCO_CLUSTER_PORT", String.valueOf(port)));
    Path home = Files.createTempDirectory("poco-bench-member"); // its known-members file; gone when the JVM exits
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try (var files = Files.walk(home)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (IOException e) {
        // a temp directory left behind
      }
    }, "bench-member-cleanup"));
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1); // as PoCo's nodes run
    ClusterCredentials c = credentials == null ? null : BenchTls.read(credentials);
    return ClusterNode.join(cs, new KnownMembers(home), options, false, c).vertx();
  }
}
