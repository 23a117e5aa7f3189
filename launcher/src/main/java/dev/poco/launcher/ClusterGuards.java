package dev.poco.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.ClusterManager;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A trusted cluster's checks on one node, set up around the roles, which need not know: routing only to nodes whose
 * certificate allows an address ({@link GuardedClusterManager}), the trusted flag only when the edge signed it
 * ({@link TrustedSends}), and revocations spreading within seconds ({@link ClusterRevocations}); a node that learns
 * its own certificate was revoked stops with exit code {@value #REVOKED_EXIT}. The bus's TLS is {@link BusTls}'s.
 */
final class ClusterGuards {
  private static final Logger log = LoggerFactory.getLogger(ClusterGuards.class);
  static final int REVOKED_EXIT = 3;

  private final ClusterCredentials own;
  private final ClusterRevocations revocations;
  private GuardedClusterManager guard;

  /** {@code crlFile}: where this node keeps the newest revocation list (the CA's machine writes it there too). */
  ClusterGuards(ClusterCredentials own, Path crlFile) {
    this.own = own;
    this.revocations = new ClusterRevocations(own, crlFile);
  }

  ClusterCredentials credentials() { return own; }

  X509CRL crl() { return revocations.get(); }

  /** The manager Vert.x is built with. */
  ClusterManager guard(ClusterManager real) {
    guard = new GuardedClusterManager(real, own, revocations::get);
    return guard;
  }

  /** Once joined, before the roles deploy. {@code exit} ends the process (tests pass their own). */
  Future<Void> start(Vertx vertx, java.util.function.IntConsumer exit) {
    TrustedSends.install(vertx, own, revocations::get, Clock.systemUTC());
    revocations.onNewer(crl -> {
      if (guard != null) guard.revocationsChanged(crl);
      if (crl.isRevoked(own.cert())) {
        log.error("This node's certificate ({}, serial {}) was revoked by the cluster's CA; stopping.", own.node(),
            own.cert().getSerialNumber().toString(16));
        new Thread(() -> exit.accept(REVOKED_EXIT), "poco-revoked").start(); // never exit on an event loop
      }
    });
    return revocations.start(vertx);
  }
}
