package dev.poco.bench;

import dev.poco.launcher.BenchJoin;
import io.vertx.core.Vertx;
import java.nio.file.Path;

/**
 * A clustered Vertx on loopback that joins a cluster through one seed member, with the launcher's own
 * JGroups stack and caches: the bench's own JVM and its echo node are members, not PoCo nodes. With
 * {@code credentials} (a directory from BenchTls#issue) its membership and event bus run over mutual TLS as a PoCo
 * node's do.
 */
final class BenchCluster {
  private BenchCluster() {}

  static Vertx join(String clusterName, String seed, int port, Path credentials) {
    try {
      return BenchJoin.join(clusterName, seed, port, credentials);
    } catch (Exception e) {
      throw new IllegalStateException("cannot join " + clusterName + " via " + seed, e);
    }
  }
}
