package dev.poco.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;

/**
 * A node's cluster credentials on disk, {@code $POCO_HOME/cluster/}: {@code ca.pem} (the cluster's CA, the only one
 * it trusts), {@code node.pem} and {@code node.key} (this node), {@code crl.pem} (the newest revocation list it
 * knows). Loading checks everything that can be checked locally, before any network activity, and fails with the
 * message a user needs: a node that would be refused by the others should say why itself, not time out joining.
 */
final class ClusterFiles {
  static final String DIR = "cluster";
  static final String CA_PEM = "ca.pem";
  static final String CA_KEY = "ca.key";
  static final String NODE_PEM = "node.pem";
  static final String NODE_KEY = "node.key";
  static final String CRL_PEM = "crl.pem";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

  private ClusterFiles() {}

  static Path dir(Path home) { return home.resolve(DIR); }

  /** Whether this machine has node credentials at all (they may still be unusable: {@link #load} says). */
  static boolean present(Path home) { return Files.exists(dir(home).resolve(NODE_PEM)); }

  /** {@link #load(Path, String, Set, Instant)} for no cluster name and no roles to check. */
  static ClusterCredentials load(Path home, Instant now) { return load(home, null, Set.of(), now); }

  /**
   * This machine's credentials, checked: present and readable, the certificate signed by the CA it holds, the key
   * its own, valid at {@code now}, not revoked by the CRL it holds, allowing every role in {@code roles}.
   * Throws {@link ClusterTrustException} (exit 3 when revoked, else 2); no message quotes key material.
   */
  static ClusterCredentials load(Path home, String clusterName, Set<String> roles, Instant now) {
    Path dir = dir(home);
    String cannot = cannotJoin(clusterName);
    if (!present(home)) throw new ClusterTrustException(missing(cannot, dir));
    X509Certificate ca = read(dir, CA_PEM, "the cluster CA's certificate", ClusterCa::readCert, cannot);
    X509Certificate cert = read(dir, NODE_PEM, "this node's certificate", ClusterCa::readCert, cannot);
    PrivateKey key = read(dir, NODE_KEY, "this node's private key", ClusterCa::readKey, cannot);
    X509CRL crl = Files.exists(dir.resolve(CRL_PEM))
        ? read(dir, CRL_PEM, "the revocation list", ClusterCa::readCrl, cannot) : null;
    ClusterCredentials credentials = new ClusterCredentials(ca, cert, key, crl);
    check(credentials, cannot, now);
    checkRoles(credentials, roles, cannot);
    return credentials;
  }

  static String missing(String cannot, Path dir) {
    return cannot + "no credentials in " + dir + " (" + NODE_PEM + "). On the first node run 'poco cluster init';"
        + " on another machine run 'poco cluster add-node <name>' there and start this one with --join <bundle>.";
  }

  /** "Cannot join cluster 'poco': " — the name the user configured (POCO_CLUSTER_NAME), when known. */
  static String cannotJoin(String clusterName) {
    return clusterName == null ? "Cannot join the cluster: " : "Cannot join cluster '" + clusterName + "': ";
  }

  /**
   * Everything about {@code c} that holds whatever the roles: the CA is a CA and valid, it signed the certificate and
   * the CRL, the key belongs to the certificate, the certificate is valid at {@code now} and not revoked.
   */
  static void check(ClusterCredentials c, String cannot, Instant now) {
    String again = " Install this node's bundle again: poco start --cluster --join <bundle>.";
    if (c.ca().getBasicConstraints() < 0) {
      throw new ClusterTrustException(cannot + CA_PEM + " is not a CA certificate." + again);
    }
    try {
      c.ca().checkValidity(Date.from(now));
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      throw new ClusterTrustException(cannot + "the cluster's CA certificate (" + CA_PEM + ", "
          + ClusterCa.fingerprint(c.ca()) + ") is valid from " + when(c.ca().getNotBefore()) + " to "
          + when(c.ca().getNotAfter()) + ", and this machine's clock says " + when(now) + ". Check the clock; an"
          + " expired CA means a new cluster: poco cluster init --force on the first machine, then new bundles.");
    }
    ClusterIdentity id;
    try {
      c.cert().verify(c.ca().getPublicKey());
      id = c.identity();
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ClusterTrustException(cannot + "this node's certificate (" + NODE_PEM + ") is for another cluster:"
          + " this machine's cluster CA (" + CA_PEM + ", fingerprint " + ClusterCa.fingerprint(c.ca())
          + ") did not sign it." + again);
    }
    String caCluster = ClusterIdentity.of(c.ca()).cluster();
    if (id.node() == null || id.cluster() == null || !id.cluster().equals(caCluster)) {
      throw new ClusterTrustException(cannot + "this node's certificate (" + NODE_PEM + ") does not name a node of"
          + " cluster " + caCluster + "." + again);
    }
    if (!keyMatches(c)) {
      throw new ClusterTrustException(cannot + "the private key (" + NODE_KEY + ") does not belong to this node's"
          + " certificate (" + NODE_PEM + ", node " + id.node() + ")." + again);
    }
    String who = "this node's certificate (" + id.node() + ", serial " + serial(c.cert()) + ")";
    String reissue = " Ask for a new bundle: on the CA machine run 'poco cluster add-node " + id.node()
        + "', then start this one with --join <bundle>.";
    if (c.crl() != null) {
      try {
        c.crl().verify(c.ca().getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new ClusterTrustException(cannot + "the revocation list (" + CRL_PEM + ") was not signed by this"
            + " cluster's CA (damaged, or from another cluster). Copy " + CRL_PEM + " from the CA machine, or"
            + " install this node's bundle again.");
      }
      X509CRLEntry entry = c.crl().getRevokedCertificate(c.cert());
      if (entry != null) {
        throw new ClusterTrustException(cannot + who + " was revoked on " + when(entry.getRevocationDate()) + " ("
            + CRL_PEM + ")." + reissue, ClusterTrustException.REVOKED);
      }
    }
    try {
      c.cert().checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new ClusterTrustException(cannot + who + " expired on " + when(c.cert().getNotAfter()) + "." + reissue);
    } catch (CertificateNotYetValidException e) {
      throw new ClusterTrustException(cannot + who + " is valid only from " + when(c.cert().getNotBefore())
          + ", and this machine's clock says " + when(now) + ". Check the clock (NTP).");
    }
  }

  static void checkRoles(ClusterCredentials c, Set<String> roles, String cannot) {
    Set<String> allowed = c.roles();
    if (allowed.containsAll(roles)) return;
    Set<String> kept = new LinkedHashSet<>(roles);
    kept.retainAll(allowed);
    throw new ClusterTrustException(cannot + "this node's certificate allows roles " + sorted(allowed)
        + "; it was asked to run " + roles + "." + (kept.isEmpty() ? " Issue" : " Start it with --only "
        + String.join(",", kept) + ", or issue") + " it a certificate with those roles: on the CA machine, poco"
        + " cluster add-node " + c.node() + " --roles " + String.join(",", roles) + " --force.");
  }

  /** Signs a random challenge with the key and verifies it with the certificate's public key. */
  static boolean keyMatches(ClusterCredentials c) {
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature s = Signature.getInstance(ClusterCa.SIGNATURE);
      s.initSign(c.key());
      s.update(challenge);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(ClusterCa.SIGNATURE);
      v.initVerify(c.cert().getPublicKey());
      v.update(challenge);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false; // a key of another type or curve: not this certificate's
    }
  }

  static String serial(X509Certificate cert) { return cert.getSerialNumber().toString(16); }

  static String when(Date date) { return WHEN.format(date.toInstant()); }

  static String when(Instant instant) { return WHEN.format(instant); }

  private static String sorted(Set<String> roles) { return new java.util.TreeSet<>(roles).toString(); }

  /** Reads and parses one file; a message naming the file (never its content) when it is absent or unreadable. */
  private static <T> T read(Path dir, String name, String what, Function<String, T> parse, String cannot) {
    Path file = dir.resolve(name);
    String text;
    try {
      text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1); // any bytes: the parser judges
    } catch (NoSuchFileException e) {
      throw new ClusterTrustException(cannot + file + " (" + what + ") is missing. Install this node's bundle"
          + " again: poco start --cluster --join <bundle>.");
    } catch (IOException e) {
      throw new ClusterTrustException(cannot + "cannot read " + file + " (" + what + "): " + e.getMessage());
    }
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new ClusterTrustException(cannot + file + " (" + what + ") is damaged: " + e.getMessage()
          + ". Install this node's bundle again: poco start --cluster --join <bundle>.");
    }
  }
}
