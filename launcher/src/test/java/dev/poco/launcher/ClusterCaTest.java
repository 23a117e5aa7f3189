package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The cluster CA issues node certificates the JDK's own PKIX check accepts, and CRLs it honours")
class ClusterCaTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  static final Duration YEAR = Duration.ofDays(365);

  static void pkix(X509Certificate ca, X509Certificate node, X509CRL crl, Instant at) throws Exception {
    PKIXParameters p = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
    p.setDate(Date.from(at));
    p.setRevocationEnabled(crl != null);
    if (crl != null) p.addCertStore(java.security.cert.CertStore.getInstance("Collection",
        new java.security.cert.CollectionCertStoreParameters(List.of(crl))));
    CertPathValidator.getInstance("PKIX")
        .validate(CertificateFactory.getInstance("X.509").generateCertPath(List.of(node)), p);
  }

  @Test
  @DisplayName("a node certificate names node, cluster and roles, is valid under its CA and not under another")
  void issuesAndChecks() throws Exception {
    ClusterCa.KeyAndCert ca = ClusterCa.newCa("c1", NOW, Duration.ofDays(3650));
    ClusterCa.KeyAndCert node = ClusterCa.issue(ca, "c1", "runner-a", Set.of("agent-runner"), NOW, YEAR);
    assertThat(ClusterIdentity.of(node.cert())).isEqualTo(new ClusterIdentity("runner-a", "c1", Set.of("agent-runner")));
    assertThat(node.cert().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    assertThat(node.cert().getEncoded().length).isLessThan(700);
    pkix(ca.cert(), node.cert(), null, NOW.plusSeconds(60));

    ClusterCa.KeyAndCert other = ClusterCa.newCa("c1", NOW, Duration.ofDays(3650));
    assertThatThrownBy(() -> pkix(other.cert(), node.cert(), null, NOW.plusSeconds(60)))
        .isInstanceOf(CertPathValidatorException.class);
    assertThatThrownBy(() -> pkix(ca.cert(), node.cert(), null, NOW.plus(YEAR).plusSeconds(1)))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  @DisplayName("PEM round trips; a CRL revokes exactly the listed serial; bad PEM gets a short error")
  void pemAndCrl() throws Exception {
    ClusterCa.KeyAndCert ca = ClusterCa.newCa("c1", NOW, Duration.ofDays(3650));
    ClusterCa.KeyAndCert a = ClusterCa.issue(ca, "c1", "a", Set.of("store"), NOW, YEAR);
    ClusterCa.KeyAndCert b = ClusterCa.issue(ca, "c1", "b", Set.of("store"), NOW, YEAR);
    assertThat(ClusterCa.readCert(ClusterCa.pem(a.cert()))).isEqualTo(a.cert());
    assertThat(ClusterCa.readKey(ClusterCa.pem(a.key()))).isEqualTo(a.key());
    X509CRL crl = ClusterCa.readCrl(ClusterCa.pem(ClusterCa.crl(ca, Map.of(a.serial(), NOW), 7, NOW, YEAR)));
    crl.verify(ca.cert().getPublicKey());
    assertThat(crl.isRevoked(a.cert())).isTrue();
    assertThat(crl.isRevoked(b.cert())).isFalse();
    assertThat(new BigInteger(1, java.util.Arrays.copyOfRange(crl.getExtensionValue("2.5.29.20"), 4, 5)))
        .isEqualTo(BigInteger.valueOf(7));
    assertThatThrownBy(() -> pkix(ca.cert(), a.cert(), crl, NOW.plusSeconds(60)))
        .isInstanceOf(CertPathValidatorException.class).hasMessageContaining("revoked");
    pkix(ca.cert(), b.cert(), crl, NOW.plusSeconds(60));

    assertThatThrownBy(() -> ClusterCa.readKey("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))
        .hasMessage("not a PEM EC private key");
    assertThatThrownBy(() -> ClusterCa.readCert("garbage")).hasMessage("not a PEM certificate");
    assertThatThrownBy(() -> ClusterIdentity.checkName("Runner/1")).hasMessageContaining("cannot name a node");
  }
}
