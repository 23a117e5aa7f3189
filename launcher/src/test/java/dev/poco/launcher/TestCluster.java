package dev.poco.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Clustered Vert.x nodes in the test JVM on loopback, joined exactly as {@code poco start --cluster} joins
 * ({@link ClusterNode#join}), with or without credentials minted in memory by {@link ClusterCa}.
 */
final class TestCluster {
  static final Duration YEAR = Duration.ofDays(365);

  private TestCluster() {}

  /** A CA for {@code clusterId}, from which {@link #credentials} issues node credentials. */
  record Ca(String clusterId, ClusterCa.KeyAndCert ca) {
    static Ca create(String clusterId) {
      return new Ca(clusterId, ClusterCa.newCa(clusterId, Instant.now(), Duration.ofDays(3650)));
    }

    ClusterCredentials credentials(String node, Set<String> roles) {
      ClusterCa.KeyAndCert kc = ClusterCa.issue(ca, clusterId, node, roles, Instant.now(), YEAR);
      return new ClusterCredentials(ca.cert(), kc.cert(), kc.key(), null);
    }

    /** {@code holder} with a CRL of this CA that revokes {@code revoked}. */
    ClusterCredentials withCrl(ClusterCredentials holder, ClusterCredentials... revoked) {
      Map<BigInteger, Instant> serials = new java.util.HashMap<>();
      for (ClusterCredentials r : revoked) serials.put(r.cert().getSerialNumber(), Instant.now());
      return new ClusterCredentials(holder.ca(), holder.cert(), holder.key(),
          ClusterCa.crl(ca, serials, 1, Instant.now(), Duration.ofDays(7)));
    }
  }

  /** A node that joins {@code name} through {@code members} (none: the first node); {@code credentials} may be null. */
  static Node join(Path home, String name, List<String> members, ClusterCredentials credentials) throws IOException {
    int port = ProcessLifecycleTest.freePort();
    ClusterSettings cs = new ClusterSettings("127.0.0.1", port, true, members, name, 5, 0, 5);
    Files.createDirectories(home);
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1); // as PoCo's nodes run
    ClusterNode.Joined joined = ClusterNode.join(cs, new KnownMembers(home), options, false, credentials);
    return new Node(joined.vertx(), "127.0.0.1:" + port);
  }

  /** A joined node and its membership address, for the next node's members. */
  record Node(Vertx vertx, String member) {
    void close() { vertx.close().await(); }
  }
}
