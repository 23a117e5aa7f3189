package dev.poco.launcher;

import io.vertx.core.VertxBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Set;

/**
 * The clustered event bus over mutual TLS: a node holding the cluster's credentials talks only to nodes holding a
 * certificate from the same CA, in both directions. One {@link EventBusOptions} drives both the bus server and the
 * bus client (Vert.x copies it into each), so these settings check the peer whichever side connects
 * (docs/cluster-trust.md §1; BusTlsTest shows each refusal).
 */
final class BusTls {
  static final String PROTOCOL = "TLSv1.3";

  private BusTls() {}

  /** With {@code credentials} null the bus stays plain, as before. */
  static void apply(EventBusOptions bus, ClusterCredentials credentials) {
    if (credentials == null) return;
    bus.setSsl(true)
        .setKeyCertOptions(new PemKeyCertOptions().setKeyValue(Buffer.buffer(credentials.keyPem()))
            .setCertValue(Buffer.buffer(credentials.certPem())))
        // the cluster CA only: no JDK default roots, so a public certificate is no way in
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caPem())))
        // EventBusOptions defaults to trustAll=true: the client would then send to any server, a rogue's included
        .setTrustAll(false)
        // the server refuses a client without a certificate from the CA: a node without credentials cannot send
        .setClientAuth(ClientAuth.REQUIRED)
        .setEnabledSecureTransportProtocols(Set.of(PROTOCOL));
    // Read once when the TLS context is built (Vert.x re-reads nothing): a later revocation needs a restart or
    // the BusGate of step 5.
    if (credentials.crl() != null) bus.addCrlValue(Buffer.buffer(ClusterCa.pem(credentials.crl())));
  }

  /**
   * With credentials, builds Vert.x on {@link BusTlsTransport} so the bus server's refused handshakes are logged
   * (Vert.x itself drops them); the client side's are logged through {@link BusRefusalFilter}.
   */
  static VertxBuilder watchRefusals(VertxBuilder builder, ClusterCredentials credentials) {
    return credentials == null ? builder : builder.withTransport(BusTlsTransport.TRANSPORT);
  }

  /** The INFO line a node logs once about its bus; names, never key material. */
  static String describe(ClusterCredentials credentials) {
    if (credentials == null) return "event bus: plain (no credentials)";
    return "event bus: mutual TLS, node " + credentials.node() + ", cluster " + credentials.cluster() + ", roles "
        + credentials.roles().stream().sorted().toList();
  }
}
