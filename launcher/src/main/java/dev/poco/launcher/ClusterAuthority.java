package dev.poco.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The CA machine's side of {@code poco cluster}: makes the cluster (its CA and the first node's credentials),
 * issues a certificate per node, revokes them, and keeps {@link ClusterIndex} and {@code crl.pem} up to date. The
 * CA's key ({@code ca.key}) never leaves this machine; every file is owner-only.
 */
final class ClusterAuthority {
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;

  ClusterAuthority(Path home) { this.dir = ClusterFiles.dir(home); }

  Path dir() { return dir; }

  /** The first node's certificate, and the cluster it founded. */
  record Init(String cluster, ClusterIndex.Entry node, String caFingerprint) {}

  /**
   * A new cluster: a CA with a random short id, this node's certificate for {@code roles}, an empty CRL numbered 1.
   * Refuses when this machine already has a CA or node credentials, unless {@code force}.
   */
  Init init(String name, Set<String> roles, Duration validity, boolean force, Instant now) throws IOException {
    ClusterIdentity.checkName(name);
    if (!force && Files.exists(dir.resolve(ClusterFiles.CA_KEY))) {
      throw new ConfigException(dir + " already holds a cluster CA (" + ClusterFiles.CA_KEY + ", cluster "
          + existingCluster() + "). 'poco cluster init --force' makes a new cluster: every node then needs a new"
          + " bundle.");
    }
    if (!force && Files.exists(dir.resolve(ClusterFiles.NODE_PEM))) {
      throw new ConfigException(dir + " already holds this node's credentials for cluster " + existingCluster()
          + " (" + ClusterFiles.NODE_PEM + "), made on another machine. 'poco cluster init --force' replaces them"
          + " with a new cluster of its own.");
    }
    String cluster = HexFormat.of().formatHex(randomBytes(4)); // 8 hex digits: short to read, unique enough per user
    ClusterCa.KeyAndCert ca = ClusterCa.newCa(cluster, now, CA_VALIDITY);
    ClusterCa.KeyAndCert node = ClusterCa.issue(ca, cluster, name, roles, now, validity);
    ClusterIndex index = new ClusterIndex(cluster, List.of(), 0);
    ClusterIndex.Entry entry = entry(name, roles, node, now);
    index.add(entry);
    X509CRL crl = ClusterCa.crl(ca, index.revoked(), index.nextCrlNumber(), now, crlValidity(ca, now));
    OwnerOnly.directory(dir);
    OwnerOnly.write(dir.resolve(ClusterFiles.CA_KEY), ClusterCa.pem(ca.key()));
    OwnerOnly.write(dir.resolve(ClusterFiles.CA_PEM), ClusterCa.pem(ca.cert()));
    OwnerOnly.write(dir.resolve(ClusterFiles.NODE_KEY), ClusterCa.pem(node.key()));
    OwnerOnly.write(dir.resolve(ClusterFiles.NODE_PEM), ClusterCa.pem(node.cert()));
    OwnerOnly.write(dir.resolve(ClusterFiles.CRL_PEM), ClusterCa.pem(crl));
    index.write(dir);
    return new Init(cluster, entry, ClusterCa.fingerprint(ca.cert()));
  }

  /**
   * A CA of its own for a machine that only issues bundles and runs no node (compose's credentials service): a new
   * CA, an empty index and CRL, no node credentials. Keeps the CA there is; returns whether it made one. Refuses a
   * machine holding node credentials of another CA, as {@link #init} does.
   */
  boolean ensureCa(Instant now) throws IOException {
    if (Files.exists(dir.resolve(ClusterFiles.CA_KEY))) {
      ca(); // damaged: say so now, not halfway through issuing
      return false;
    }
    if (Files.exists(dir.resolve(ClusterFiles.NODE_PEM))) {
      throw new ConfigException(dir + " already holds this node's credentials for cluster " + existingCluster()
          + " (" + ClusterFiles.NODE_PEM + "), made on another machine: make bundles on the CA machine.");
    }
    String cluster = HexFormat.of().formatHex(randomBytes(4));
    ClusterCa.KeyAndCert ca = ClusterCa.newCa(cluster, now, CA_VALIDITY);
    ClusterIndex index = new ClusterIndex(cluster, List.of(), 0);
    X509CRL crl = ClusterCa.crl(ca, index.revoked(), index.nextCrlNumber(), now, crlValidity(ca, now));
    OwnerOnly.directory(dir);
    OwnerOnly.write(dir.resolve(ClusterFiles.CA_PEM), ClusterCa.pem(ca.cert()));
    OwnerOnly.write(dir.resolve(ClusterFiles.CRL_PEM), ClusterCa.pem(crl));
    index.write(dir);
    OwnerOnly.write(dir.resolve(ClusterFiles.CA_KEY), ClusterCa.pem(ca.key())); // last: its presence means "a CA"
    return true;
  }

  /** The CA's certificate (the CA must be here). */
  java.security.cert.X509Certificate caCert() throws IOException { return ca().cert(); }

  /**
   * A certificate for a new node, as a bundle with the CA's current CRL. Refuses a name that holds a live (not
   * revoked, not expired) certificate unless {@code force}: two machines with one name could not be told apart.
   */
  JoinBundle addNode(String name, Set<String> roles, Duration validity, boolean force, List<String> seeds,
      Instant now) throws IOException {
    ClusterIdentity.checkName(name);
    ClusterCa.KeyAndCert ca = ca();
    ClusterIndex index = ClusterIndex.read(dir);
    List<ClusterIndex.Entry> live = index.live(name, now);
    if (!live.isEmpty() && !force) {
      ClusterIndex.Entry e = live.get(0);
      throw new ConfigException("Node " + name + " already has a certificate (serial " + e.serial().toString(16)
          + ", valid until " + ClusterFiles.when(e.notAfter()) + "). Revoke it first (poco cluster remove-node "
          + name + "), or issue another with --force.");
    }
    ClusterCa.KeyAndCert node = ClusterCa.issue(ca, index.cluster(), name, roles, now, validity);
    index.add(entry(name, roles, node, now));
    index.write(dir);
    return new JoinBundle(new ClusterCredentials(ca.cert(), node.cert(), node.key(), currentCrl(ca, index, now)),
        seeds);
  }

  /**
   * Revokes every certificate issued to {@code name} and writes a new CRL, numbered higher; returns what it revoked
   * (empty: already revoked). Running nodes learn it later (the CRL is not published yet).
   */
  List<ClusterIndex.Entry> removeNode(String name, Instant now) throws IOException {
    ClusterIdentity.checkName(name);
    ClusterCa.KeyAndCert ca = ca();
    ClusterIndex index = ClusterIndex.read(dir);
    if (!index.issued(name)) {
      throw new ConfigException("No node named " + name + " was issued by this cluster's CA; 'poco cluster list'"
          + " shows those that were.");
    }
    List<ClusterIndex.Entry> revoked = index.revoke(name, now);
    if (revoked.isEmpty()) return revoked;
    X509CRL crl = ClusterCa.crl(ca, index.revoked(), index.nextCrlNumber(), now, crlValidity(ca, now));
    index.write(dir); // the number first: a CRL is never written with a number the index has not recorded
    OwnerOnly.write(dir.resolve(ClusterFiles.CRL_PEM), ClusterCa.pem(crl));
    return revoked;
  }

  ClusterIndex index() throws IOException {
    requireCa();
    return ClusterIndex.read(dir);
  }

  /** The CRL on disk when it is this CA's, else a new one from the index (a lost or damaged crl.pem is remade). */
  private X509CRL currentCrl(ClusterCa.KeyAndCert ca, ClusterIndex index, Instant now) throws IOException {
    try {
      X509CRL crl = ClusterCa.readCrl(Files.readString(dir.resolve(ClusterFiles.CRL_PEM)));
      crl.verify(ca.cert().getPublicKey());
      return crl;
    } catch (IOException | IllegalArgumentException | java.security.GeneralSecurityException e) {
      X509CRL crl = ClusterCa.crl(ca, index.revoked(), index.nextCrlNumber(), now, crlValidity(ca, now));
      index.write(dir);
      OwnerOnly.write(dir.resolve(ClusterFiles.CRL_PEM), ClusterCa.pem(crl));
      return crl;
    }
  }

  private ClusterCa.KeyAndCert ca() throws IOException {
    requireCa();
    try {
      return new ClusterCa.KeyAndCert(ClusterCa.readKey(Files.readString(dir.resolve(ClusterFiles.CA_KEY))),
          ClusterCa.readCert(Files.readString(dir.resolve(ClusterFiles.CA_PEM))));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("The cluster CA in " + dir + " is damaged: " + e.getMessage());
    }
  }

  private void requireCa() {
    if (Files.exists(dir.resolve(ClusterFiles.CA_KEY))) return;
    throw new ConfigException("This machine holds no cluster CA (" + dir.resolve(ClusterFiles.CA_KEY) + "): run"
        + " this on the machine where you ran 'poco cluster init'.");
  }

  private String existingCluster() {
    try {
      return ClusterIdentity.of(ClusterCa.readCert(Files.readString(dir.resolve(ClusterFiles.CA_PEM)))).cluster();
    } catch (IOException | IllegalArgumentException e) {
      return "(unreadable)";
    }
  }

  /**
   * CRLs are good until the CA expires: a node must never find its CRL stale (the JDK's revocation check then
   * fails every handshake), and a newer one replaces it by its number, not its date.
   */
  private static Duration crlValidity(ClusterCa.KeyAndCert ca, Instant now) {
    return Duration.between(now, ca.cert().getNotAfter().toInstant());
  }

  private static ClusterIndex.Entry entry(String name, Set<String> roles, ClusterCa.KeyAndCert node, Instant now) {
    return new ClusterIndex.Entry(name, node.serial(), Set.copyOf(roles), node.cert().getNotAfter().toInstant(), now,
        null);
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }
}
