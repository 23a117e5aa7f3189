package dev.poco.launcher;

import io.vertx.core.json.JsonObject;
import io.vertx.core.spi.cluster.NodeInfo;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;

/**
 * A node's certificate and its signature over (cluster, node id, bus host, bus port, certificate hash), put in the
 * node info every node publishes. The membership's shared maps can be written by any member, so a node's identity
 * is read from there only when this seal checks: signed by the cluster's CA, for this cluster, signed by the
 * certificate's own key for exactly that node id and bus address. Copying another node's seal under another node
 * id does not check.
 */
final class NodeSeal {
  static final String CERT = "poco-cert";
  static final String SIG = "poco-seal";

  private NodeSeal() {}

  static void seal(JsonObject meta, ClusterCredentials own, String nodeId, String host, int port) {
    try {
      Signature s = Signature.getInstance(ClusterCa.SIGNATURE);
      s.initSign(own.key());
      s.update(sealed(own.cluster(), nodeId, host, port, own.cert().getEncoded()));
      meta.put(CERT, Base64.getEncoder().encodeToString(own.cert().getEncoded()))
          .put(SIG, Base64.getEncoder().encodeToString(s.sign()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot seal this node's info: " + e.getMessage(), e);
    }
  }

  /** Checks {@code info}'s seal for {@code nodeId}; revocation and expiry are checked on each use (Verdict). */
  static Verdict verify(NodeInfo info, String nodeId, ClusterCredentials own) {
    JsonObject meta = info == null ? null : info.metadata();
    if (meta == null || meta.getString(CERT) == null || meta.getString(SIG) == null) {
      return Verdict.refused("it shows no cluster certificate");
    }
    try {
      byte[] der = Base64.getDecoder().decode(meta.getString(CERT));
      X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(der));
      try {
        cert.verify(own.ca().getPublicKey());
      } catch (GeneralSecurityException e) {
        return Verdict.refused("its certificate is not signed by this cluster's CA");
      }
      ClusterIdentity who = ClusterIdentity.of(cert);
      if (!own.cluster().equals(who.cluster())) return Verdict.refused("its certificate is for another cluster");
      Signature s = Signature.getInstance(ClusterCa.SIGNATURE);
      s.initVerify(cert.getPublicKey());
      s.update(sealed(own.cluster(), nodeId, info.host(), info.port(), der));
      if (!s.verify(Base64.getDecoder().decode(meta.getString(SIG)))) {
        return Verdict.refused("node " + who.node() + "'s seal does not match its node id and address");
      }
      return new Verdict(who, cert, null);
    } catch (GeneralSecurityException | RuntimeException e) {
      return Verdict.refused("its cluster certificate cannot be read");
    }
  }

  private static byte[] sealed(String cluster, String nodeId, String host, int port, byte[] certDer)
      throws GeneralSecurityException {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certDer));
    return (cluster + "|" + nodeId + "|" + host + "|" + port + "|" + hash).getBytes(StandardCharsets.UTF_8);
  }

  /** A node's checked identity, or why it has none. */
  record Verdict(ClusterIdentity identity, X509Certificate cert, String refused) {
    static Verdict refused(String why) { return new Verdict(null, null, why); }

    /** Why this node cannot be trusted now (refused at first, then expired or revoked since), or null. */
    String refusal(X509CRL crl) {
      if (refused != null) return refused;
      try {
        cert.checkValidity(new Date());
      } catch (GeneralSecurityException e) {
        return "node " + identity.node() + "'s certificate is expired";
      }
      if (crl != null && crl.isRevoked(cert)) return "node " + identity.node() + "'s certificate is revoked";
      return null;
    }
  }
}
