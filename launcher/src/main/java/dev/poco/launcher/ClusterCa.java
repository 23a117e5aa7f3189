package dev.poco.launcher;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The cluster's own certificate authority: its self-signed certificate, the nodes' certificates and the revocation
 * list. A node certificate names the node, the cluster and the roles the node may serve as SAN URIs
 * ({@link ClusterIdentity} reads them back with the JDK alone). ECDSA P-256 throughout: small certificates (about
 * 540 bytes) and handshakes JSSE does fast. BouncyCastle builds them because the JDK has no public certificate or
 * CRL builder; checking them (PKIX, signatures) stays on the JDK.
 */
final class ClusterCa {
  static final String SIGNATURE = "SHA256withECDSA";
  /** Certificates start five minutes back, so a node whose clock is a little behind accepts a fresh one. */
  private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A private key and its certificate. */
  record KeyAndCert(PrivateKey key, X509Certificate cert) {
    BigInteger serial() { return cert.getSerialNumber(); }
  }

  private ClusterCa() {}

  /** A new CA for the cluster {@code clusterId}: may sign node certificates and CRLs, not other CAs. */
  static KeyAndCert newCa(String clusterId, Instant now, Duration validity) {
    KeyPair pair = keyPair();
    X500Name name = new X500Name("CN=poco cluster CA " + clusterId);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minus(CLOCK_SKEW)),
          Date.from(now.plus(validity)), name, pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      b.addExtension(Extension.subjectAlternativeName, false,
          new GeneralNames(uri(ClusterIdentity.CLUSTER_URN + clusterId)));
      return new KeyAndCert(pair.getPrivate(), certificate(b, pair.getPrivate()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the cluster CA: " + e.getMessage(), e);
    }
  }

  /**
   * A node certificate signed by {@code ca}, good for TLS in both directions (the node is server and client of the
   * event bus and of the membership transport).
   */
  static KeyAndCert issue(KeyAndCert ca, String clusterId, String node, Set<String> roles, Instant now,
      Duration validity) {
    ClusterIdentity.checkName(node);
    KeyPair pair = keyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca.cert(), serial(),
          Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), new X500Name("CN=" + node),
          pair.getPublic());
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
      b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.cert()));
      List<GeneralName> names = new ArrayList<>();
      names.add(uri(ClusterIdentity.NODE_URN + node));
      names.add(uri(ClusterIdentity.CLUSTER_URN + clusterId));
      roles.stream().sorted().forEach(r -> names.add(uri(ClusterIdentity.ROLE_URN + r)));
      b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
      return new KeyAndCert(pair.getPrivate(), certificate(b, ca.key()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot issue a certificate for " + node + ": " + e.getMessage(), e);
    }
  }

  /** A CRL signed by {@code ca} listing {@code revoked} (serial → when), numbered so a newer one wins. */
  static X509CRL crl(KeyAndCert ca, Map<BigInteger, Instant> revoked, long number, Instant now, Duration validity) {
    try {
      X509v2CRLBuilder b = new X509v2CRLBuilder(X500Name.getInstance(ca.cert().getSubjectX500Principal()
          .getEncoded()), Date.from(now));
      b.setNextUpdate(Date.from(now.plus(validity)));
      revoked.forEach((serial, when) -> b.addCRLEntry(serial, Date.from(when), CRLReason.cessationOfOperation));
      b.addExtension(Extension.cRLNumber, false, new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(number)));
      b.addExtension(Extension.authorityKeyIdentifier, false,
          new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
      return new JcaX509CRLConverter().getCRL(b.build(signer(ca.key())));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot make the revocation list: " + e.getMessage(), e);
    }
  }

  /** The CRL's number (0 when it has none): of two CRLs from one CA, the higher number is the newer. */
  static long crlNumber(X509CRL crl) {
    byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
    if (ext == null) return 0;
    return org.bouncycastle.asn1.ASN1Integer.getInstance(
        org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue().longValueExact();
  }

  /** SHA-256 of the certificate, its first 8 bytes as hex pairs: enough to tell two CAs apart in a message. */
  static String fingerprint(X509Certificate cert) {
    try {
      byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 8; i++) b.append(i == 0 ? "" : ":").append(String.format("%02x", d[i]));
      return b.append("…").toString();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- PEM, as Vert.x's PemKeyCertOptions and PemTrustOptions read it ----

  static String pem(X509Certificate cert) {
    try {
      return pem("CERTIFICATE", cert.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String pem(X509CRL crl) {
    try {
      return pem("X509 CRL", crl.getEncoded());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** PKCS#8, unencrypted: the file holding it is owner-only (OwnerOnly). */
  static String pem(PrivateKey key) { return pem("PRIVATE KEY", key.getEncoded()); }

  /** Reads one certificate; {@link IllegalArgumentException} with a short reason when it is not one. */
  static X509Certificate readCert(String pem) {
    try {
      return (X509Certificate) CertificateFactory.getInstance("X.509")
          .generateCertificate(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM certificate");
    }
  }

  static X509CRL readCrl(String pem) {
    try {
      return (X509CRL) CertificateFactory.getInstance("X.509")
          .generateCRL(new java.io.ByteArrayInputStream(pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM revocation list");
    }
  }

  /** Reads a PKCS#8 EC key; the exception never quotes the key. */
  static PrivateKey readKey(String pem) {
    try {
      String body = pemBody(pem, "PRIVATE KEY");
      return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(body)));
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      throw new IllegalArgumentException("not a PEM EC private key");
    }
  }

  private static String pemBody(String pem, String type) throws IOException {
    String begin = "-----BEGIN " + type + "-----";
    String end = "-----END " + type + "-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) throw new IOException("no " + type);
    StringBuilder body = new StringBuilder();
    new java.io.BufferedReader(new StringReader(pem.substring(from + begin.length(), to))).lines()
        .forEach(body::append);
    return body.toString();
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  // ---- building blocks ----

  private static KeyPair keyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no EC P-256 in this JDK: " + e.getMessage(), e);
    }
  }

  /** 127 random bits, positive: serials must be unique per CA and unguessable (RFC 5280 §4.1.2.2). */
  private static BigInteger serial() { return new BigInteger(127, RANDOM).add(BigInteger.ONE); }

  private static GeneralName uri(String uri) { return new GeneralName(GeneralName.uniformResourceIdentifier, uri); }

  private static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder(SIGNATURE).build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with " + SIGNATURE + ": " + e.getMessage(), e);
    }
  }

  private static X509Certificate certificate(X509v3CertificateBuilder b, PrivateKey signingKey)
      throws GeneralSecurityException {
    return new JcaX509CertificateConverter().getCertificate(b.build(signer(signingKey)));
  }
}
