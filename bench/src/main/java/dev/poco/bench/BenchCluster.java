package dev.poco.bench;

import dev.poco.launcher.BenchJoin;
import io.vertx.core.Vertx;

/**
 * A clustered Vertx on loopback that joins PoCo's cluster through one seed member, with the launcher's own
 * JGroups stack and caches: the bench's own JVM and its echo node are members, not PoCo nodes.
 */
final class BenchCluster {
  private BenchCluster() {}

  static Vertx join(String clusterName, String seed) {
    try {
      return BenchJoin.join(clusterName, seed);
    } catch (Exception e) {
      throw new IllegalStateException("cannot join " + clusterName + " via " + seed, e);
    }
  }
}
