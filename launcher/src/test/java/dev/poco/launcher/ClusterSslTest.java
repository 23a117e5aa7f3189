package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The membership transport's TLS: only this CA's certificates, and a revocation takes effect on the next handshake")
class ClusterSslTest {
  static final Instant NOW = Instant.now();
  static final ClusterCa.KeyAndCert CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  static final ClusterCa.KeyAndCert FOREIGN = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));

  static ClusterCredentials creds(ClusterCa.KeyAndCert ca, String node) {
    ClusterCa.KeyAndCert kc = ClusterCa.issue(ca, "c1", node, Set.of("store"), NOW, Duration.ofDays(30));
    return new ClusterCredentials(ca.cert(), kc.cert(), kc.key(), null);
  }

  /** One handshake (client → server with client auth required); what the server saw, or the failure. */
  static String handshake(SSLContext server, SSLContext client) throws Exception {
    try (SSLServerSocket ss = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0, 1,
        InetAddress.getLoopbackAddress())) {
      ss.setNeedClientAuth(true);
      CompletableFuture<String> accepted = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) ss.accept()) {
          s.startHandshake();
          s.getOutputStream().write(1);
          s.getOutputStream().flush();
          return "server ok";
        } catch (IOException e) {
          return "server refused";
        }
      });
      try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
          ss.getLocalPort())) {
        c.startHandshake();
        int b = c.getInputStream().read(); // TLS 1.3: a refused client certificate shows on the first read
        if (b != 1) return "client refused, " + accepted.get(5, TimeUnit.SECONDS);
      } catch (IOException e) {
        return "client refused, " + accepted.get(5, TimeUnit.SECONDS);
      }
      return accepted.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("same CA: ok; a foreign CA's node is refused either side; a revoked node is refused from the next handshake")
  void onlyThisClustersNodes() throws Exception {
    AtomicReference<X509CRL> crl = new AtomicReference<>();
    ClusterCredentials a = creds(CA, "a");
    ClusterCredentials b = creds(CA, "b");
    SSLContext aCtx = ClusterSsl.context(a, crl::get);
    SSLContext bCtx = ClusterSsl.context(b, () -> null);
    assertThat(handshake(aCtx, bCtx)).isEqualTo("server ok");

    SSLContext foreign = ClusterSsl.context(creds(FOREIGN, "x"), () -> null);
    assertThat(handshake(aCtx, foreign)).isEqualTo("client refused, server refused");
    assertThat(handshake(foreign, bCtx)).startsWith("client refused");

    crl.set(ClusterCa.crl(CA, Map.of(b.cert().getSerialNumber(), NOW), 2, NOW, Duration.ofDays(1)));
    assertThat(handshake(aCtx, bCtx)).isEqualTo("client refused, server refused");
    assertThat(handshake(bCtx, aCtx)).startsWith("client refused"); // a, holding the list, refuses b as a server too
  }

  @Test
  @DisplayName("a client without a certificate is refused")
  void noCertificate() throws Exception {
    SSLContext aCtx = ClusterSsl.context(creds(CA, "a"), () -> null);
    SSLContext bare = SSLContext.getInstance("TLSv1.3");
    bare.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
      @Override public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {}

      @Override public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
    }}, null);
    assertThat(handshake(aCtx, bare)).isEqualTo("client refused, server refused");
    assertThatThrownBy(() -> ClusterSsl.context(null, () -> null)).isInstanceOf(NullPointerException.class);
  }
}
