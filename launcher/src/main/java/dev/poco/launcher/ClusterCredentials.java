package dev.poco.launcher;

import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Set;

/**
 * What a node holds to take part in a trusted cluster: the cluster's CA certificate (the only one it trusts), its own
 * certificate and key, and the newest revocation list it knows ({@code crl} may be null: nothing revoked yet).
 * {@code toString} leaves the key out, so a log line or an error can never print it.
 */
record ClusterCredentials(X509Certificate ca, X509Certificate cert, PrivateKey key, X509CRL crl) {
  ClusterIdentity identity() { return ClusterIdentity.of(cert); }

  String cluster() { return identity().cluster(); }

  String node() { return identity().node(); }

  Set<String> roles() { return identity().roles(); }

  String caPem() { return ClusterCa.pem(ca); }

  String certPem() { return ClusterCa.pem(cert); }

  String keyPem() { return ClusterCa.pem(key); }

  @Override
  public String toString() {
    return "ClusterCredentials[node=" + node() + ", cluster=" + cluster() + ", serial="
        + cert.getSerialNumber().toString(16) + "]";
  }
}
