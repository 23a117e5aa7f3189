package dev.poco.launcher;

import io.vertx.core.VertxBuilder;
import io.vertx.core.eventbus.EventBusOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/**
 * The bench's way to the launcher's package-private cluster CA and bus TLS (this class sits in the launcher's
 * package, in the bench module): mints a throw-away CA and node credentials as PEM files in the bench's temp
 * directory (owner-only; deleted with it), and puts them on a bench JVM's event bus exactly as a PoCo node does.
 */
public final class BenchTls {
  private static final String CA = "ca.pem";

  private BenchTls() {}

  /** A new CA in {@code dir}; {@link #issue} adds nodes under it. */
  public static void init(Path dir, String clusterId) throws IOException {
    ClusterCa.KeyAndCert ca = ClusterCa.newCa(clusterId, Instant.now(), Duration.ofDays(1));
    OwnerOnly.directory(dir);
    OwnerOnly.write(dir.resolve(CA), ClusterCa.pem(ca.cert()));
    OwnerOnly.write(dir.resolve("ca.key"), ClusterCa.pem(ca.key()));
  }

  /** Credentials for {@code node} in {@code dir/node}: what {@link #apply} reads. */
  public static Path issue(Path dir, String clusterId, String node) throws IOException {
    ClusterCa.KeyAndCert ca = new ClusterCa.KeyAndCert(ClusterCa.readKey(Files.readString(dir.resolve("ca.key"))),
        ClusterCa.readCert(Files.readString(dir.resolve(CA))));
    ClusterCa.KeyAndCert kc = ClusterCa.issue(ca, clusterId, node, Set.of("bench"), Instant.now(), Duration.ofDays(1));
    Path nodeDir = dir.resolve(node);
    OwnerOnly.directory(nodeDir);
    OwnerOnly.write(nodeDir.resolve(CA), ClusterCa.pem(ca.cert()));
    OwnerOnly.write(nodeDir.resolve("node.pem"), ClusterCa.pem(kc.cert()));
    OwnerOnly.write(nodeDir.resolve("node.key"), ClusterCa.pem(kc.key()));
    return nodeDir;
  }

  static ClusterCredentials read(Path nodeDir) throws IOException {
    return new ClusterCredentials(ClusterCa.readCert(Files.readString(nodeDir.resolve(CA))),
        ClusterCa.readCert(Files.readString(nodeDir.resolve("node.pem"))),
        ClusterCa.readKey(Files.readString(nodeDir.resolve("node.key"))), null);
  }

  /** The bus over mutual TLS with the credentials in {@code nodeDir}, refusals logged: as ClusterNode.join does. */
  public static VertxBuilder apply(EventBusOptions bus, VertxBuilder builder, Path nodeDir) throws IOException {
    ClusterCredentials c = read(nodeDir);
    BusTls.apply(bus, c);
    return BusTls.watchRefusals(builder, c);
  }
}
