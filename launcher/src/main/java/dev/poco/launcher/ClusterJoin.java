package dev.poco.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * {@code poco start --cluster --join <bundle>}: reads a bundle (a file, {@code -} for stdin, or a token), checks it
 * as a start would, and installs it as this machine's credentials in {@code $POCO_HOME/cluster/}, so later starts
 * need no {@code --join}.
 */
final class ClusterJoin {
  private ClusterJoin() {}

  /** The bundle {@code arg} names; a token given on the command line is accepted with a warning. */
  static JoinBundle read(String arg, Cli cli) {
    String text;
    String what;
    if (arg.equals("-")) {
      what = "standard input";
      try {
        text = new String(cli.in().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("--join -: cannot read standard input: " + e.getMessage());
      }
    } else if (arg.startsWith(JoinBundle.TOKEN_PREFIX)) {
      what = "the token";
      text = arg;
      cli.err().println("Warning: a token given on the command line can be read by other users of this machine"
          + " (ps, shell history). Prefer --join - and paste it, or a file.");
    } else {
      Path file = Path.of(PocoHome.expandTilde(arg));
      what = file.toString();
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
            : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.toString();
        throw new ConfigException("--join: cannot read the bundle " + file + " (" + why + ")");
      }
    }
    try {
      return JoinBundle.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ClusterTrustException("--join: " + what + " is not a usable join bundle: " + e.getMessage() + ".");
    }
  }

  /**
   * Checks {@code bundle} and installs it; returns the credentials now on disk. Refuses a bundle of another cluster
   * than this machine's CA, and keeps a newer CRL than the bundle's when this machine has one.
   */
  static ClusterCredentials install(Path home, JoinBundle bundle, String clusterName, Instant now)
      throws IOException {
    String cannot = ClusterFiles.cannotJoin(clusterName);
    ClusterCredentials offered = bundle.credentials();
    Path dir = ClusterFiles.dir(home);
    X509Certificate held = readOrNull(dir.resolve(ClusterFiles.CA_PEM));
    if (held != null && !held.equals(offered.ca())) {
      throw new ClusterTrustException(cannot + "the bundle is for another cluster (CA fingerprint "
          + ClusterCa.fingerprint(offered.ca()) + ", cluster " + offered.cluster() + "; this machine has "
          + ClusterCa.fingerprint(held) + ", cluster " + ClusterIdentity.of(held).cluster() + ")."
          + (Files.exists(dir.resolve(ClusterFiles.CA_KEY))
              ? " This machine holds its cluster's CA (" + ClusterFiles.CA_KEY + "), so it stays in that cluster."
              : " To move this machine to the bundle's cluster, delete " + dir + " first."));
    }
    ClusterCredentials c = new ClusterCredentials(offered.ca(), offered.cert(), offered.key(),
        newer(offered.crl(), heldCrl(dir, offered.ca())));
    ClusterFiles.check(c, cannot, now);
    OwnerOnly.directory(dir);
    OwnerOnly.write(dir.resolve(ClusterFiles.CA_PEM), c.caPem());
    OwnerOnly.write(dir.resolve(ClusterFiles.NODE_KEY), c.keyPem());
    OwnerOnly.write(dir.resolve(ClusterFiles.NODE_PEM), c.certPem());
    if (c.crl() != null) OwnerOnly.write(dir.resolve(ClusterFiles.CRL_PEM), ClusterCa.pem(c.crl()));
    return c;
  }

  private static X509CRL newer(X509CRL a, X509CRL b) {
    if (a == null) return b;
    if (b == null) return a;
    return ClusterCa.crlNumber(b) > ClusterCa.crlNumber(a) ? b : a;
  }

  /** This machine's CRL when the bundle's CA signed it; else none (a damaged or foreign one is replaced). */
  private static X509CRL heldCrl(Path dir, X509Certificate ca) {
    try {
      X509CRL crl = ClusterCa.readCrl(Files.readString(dir.resolve(ClusterFiles.CRL_PEM),
          StandardCharsets.ISO_8859_1));
      crl.verify(ca.getPublicKey());
      return crl;
    } catch (IOException | IllegalArgumentException | GeneralSecurityException e) {
      return null;
    }
  }

  private static X509Certificate readOrNull(Path file) {
    try {
      return ClusterCa.readCert(Files.readString(file, StandardCharsets.ISO_8859_1));
    } catch (IOException | IllegalArgumentException e) {
      return null; // none, or damaged: the bundle replaces it
    }
  }
}
