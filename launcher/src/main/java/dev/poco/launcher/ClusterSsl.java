package dev.poco.launcher;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.function.Supplier;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS context of the cluster's membership transport: this node's key and certificate, and a trust manager that
 * accepts a peer only when the cluster's CA signed its certificate (PKIX), it names this cluster, and the newest
 * revocation list does not list it. The list is read on every handshake, so a revocation shuts a node out of new
 * connections at once, without a restart (the event bus's TLS, built by Vert.x, reads its list only once).
 */
final class ClusterSsl {
  private static final Logger log = LoggerFactory.getLogger(ClusterSsl.class);
  /** The in-memory key store's password: PKCS12 cannot hold a key under an empty one; the store never leaves memory. */
  private static final char[] IN_MEMORY = "in-memory".toCharArray();

  private ClusterSsl() {}

  /**
   * JGroups' TLS socket factory on this context: TLSv1.3, client certificates required both ways; its server sockets
   * handshake on accept, so a peer refused before any certificate (no TLS at all) is logged too.
   */
  static org.jgroups.util.SocketFactory socketFactory(ClusterCredentials own, Supplier<X509CRL> crl) {
    return HandshakingServerSocket.wrapping(new org.jgroups.util.TLS().enabled(true)
        .setClientAuth(org.jgroups.util.TLSClientAuth.NEED).setProtocols(new String[] {"TLSv1.3"})
        .createSocketFactory(context(own, crl)));
  }

  static SSLContext context(ClusterCredentials own, Supplier<X509CRL> crl) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("node", own.key(), IN_MEMORY, new X509Certificate[] {own.cert(), own.ca()});
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, IN_MEMORY);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      anchors.setCertificateEntry("ca", own.ca());
      TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
      tmf.init(anchors);
      X509ExtendedTrustManager pkix = null;
      for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509ExtendedTrustManager x) pkix = x;
      SSLContext ctx = SSLContext.getInstance("TLSv1.3");
      ctx.init(kmf.getKeyManagers(), new TrustManager[] {new ClusterTrustManager(pkix, own, crl)},
          new SecureRandom());
      return ctx;
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot set up the cluster's TLS: " + e.getMessage(), e);
    }
  }

  /** PKIX against the cluster CA, then this cluster's name and the live revocation list. */
  static final class ClusterTrustManager extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager pkix;
    private final ClusterCredentials own;
    private final Supplier<X509CRL> crl;

    ClusterTrustManager(X509ExtendedTrustManager pkix, ClusterCredentials own, Supplier<X509CRL> crl) {
      this.pkix = pkix;
      this.own = own;
      this.crl = crl;
    }

    private void ours(X509Certificate[] chain, String peer) throws CertificateException {
      X509Certificate leaf = chain[0];
      ClusterIdentity who = ClusterIdentity.of(leaf);
      if (!own.cluster().equals(who.cluster())) {
        throw refused(peer, "node " + who.node() + "'s certificate is for cluster " + who.cluster());
      }
      X509CRL list = crl.get();
      if (list != null && list.isRevoked(leaf)) {
        throw refused(peer, "node " + who.node() + "'s certificate (serial " + leaf.getSerialNumber().toString(16)
            + ") is revoked");
      }
    }

    private static CertificateException refused(String peer, String why) {
      BusRefusals.membership(peer, why);
      return new CertificateException(why);
    }

    private void pkix(X509Certificate[] chain, String peer, PkixCheck check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        throw refused(peer, "a certificate this cluster's CA did not sign");
      }
      ours(chain, peer);
    }

    private interface PkixCheck {
      void run() throws CertificateException;
    }

    private static String peer(Socket s) { return s == null ? "?" : String.valueOf(s.getRemoteSocketAddress()); }

    private static String peer(SSLEngine e) { return e == null ? "?" : e.getPeerHost() + ":" + e.getPeerPort(); }

    @Override public void checkClientTrusted(X509Certificate[] chain, String auth, Socket s) throws CertificateException {
      pkix(chain, peer(s), () -> pkix.checkClientTrusted(chain, auth, s));
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String auth, Socket s) throws CertificateException {
      pkix(chain, peer(s), () -> pkix.checkServerTrusted(chain, auth, s));
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String auth, SSLEngine e) throws CertificateException {
      pkix(chain, peer(e), () -> pkix.checkClientTrusted(chain, auth, e));
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String auth, SSLEngine e) throws CertificateException {
      pkix(chain, peer(e), () -> pkix.checkServerTrusted(chain, auth, e));
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String auth) throws CertificateException {
      pkix(chain, "?", () -> pkix.checkClientTrusted(chain, auth));
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String auth) throws CertificateException {
      pkix(chain, "?", () -> pkix.checkServerTrusted(chain, auth));
    }

    @Override public X509Certificate[] getAcceptedIssuers() { return pkix.getAcceptedIssuers(); }
  }
}
