package dev.poco.launcher;

import dev.poco.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In a trusted cluster, the {@code trusted} flag of an InboundMessage or CardIntent (the local demo user, who may do
 * anything) is honoured only when a node whose certificate carries the edge role ({@value #SIGNING_ROLE}) signed
 * that very message. A bus consumer cannot see which node sent a message, so the edge's node signs it: an outbound
 * interceptor adds {@value #HEADER} (its certificate, a time, a nonce and an ECDSA signature over address, body,
 * time and nonce), and every node's inbound interceptor refuses with 403 a trusted message to the orchestrator whose
 * signature is missing, forged, replayed, stale, or from a certificate that is foreign, expired, revoked or lacks
 * the role. The roles themselves need not change: the launcher installs both sides around them.
 * Signing costs an ECDSA signature per trusted message; only the demo surface on loopback sends those.
 */
final class TrustedSends {
  private static final Logger log = LoggerFactory.getLogger(TrustedSends.class);
  static final String HEADER = "poco-trusted-sig";
  static final String SIGNING_ROLE = Poco.DEMO_API;
  static final Set<String> GUARDED = Set.of(Addresses.ORCHESTRATOR_INBOUND, Addresses.ORCHESTRATOR_INTENT);
  /** A signature older or newer than this is refused: covers clock skew between machines and a slow bus. */
  static final Duration WINDOW = Duration.ofSeconds(60);
  private static final int MAX_NONCES = 100_000;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ClusterCredentials own;
  private final Supplier<X509CRL> crl;
  private final Clock clock;
  /** Nonces seen within the window, oldest first: a captured signed message cannot be sent twice. */
  private final Map<String, Long> seen = new LinkedHashMap<>();

  TrustedSends(ClusterCredentials own, Supplier<X509CRL> crl, Clock clock) {
    this.own = own;
    this.crl = crl;
    this.clock = clock;
  }

  /**
   * Installs the check on every node, and the signer on a node allowed to sign. {@code crl} gives the newest
   * revocation list this node holds (it may change while the node runs).
   */
  static void install(Vertx vertx, ClusterCredentials own, Supplier<X509CRL> crl, Clock clock) {
    TrustedSends t = new TrustedSends(own, crl, clock);
    if (own.roles().contains(SIGNING_ROLE)) vertx.eventBus().addOutboundInterceptor(t::sign);
    vertx.eventBus().addInboundInterceptor(t::check);
  }

  /**
   * In Vert.x 5.0 a clustered message being sent has no {@code message().body()} yet (the context has it), and one
   * received from the wire has no context body (the message decodes it): take whichever there is.
   */
  private static Object body(DeliveryContext<Object> ctx) {
    Object decoded = ctx.message().body();
    return decoded != null ? decoded : ctx.body();
  }

  private static boolean markedTrusted(DeliveryContext<Object> ctx) {
    return GUARDED.contains(ctx.message().address()) && body(ctx) instanceof JsonObject body
        && Boolean.TRUE.equals(body.getValue("trusted"));
  }

  void sign(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (markedTrusted(ctx)) {
      try {
        long at = clock.millis();
        String nonce = Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
        Signature s = Signature.getInstance(ClusterCa.SIGNATURE);
        s.initSign(own.key());
        s.update(signed(m.address(), (JsonObject) body(ctx), at, nonce));
        m.headers().set(HEADER, new JsonObject()
            .put("cert", Base64.getEncoder().encodeToString(own.cert().getEncoded()))
            .put("at", at).put("nonce", nonce).put("sig", Base64.getEncoder().encodeToString(s.sign())).encode());
      } catch (GeneralSecurityException e) {
        log.warn("cannot sign a trusted message to {}: {}", m.address(), e.toString()); // it will be refused
      }
    }
    ctx.next();
  }

  void check(DeliveryContext<Object> ctx) {
    Message<Object> m = ctx.message();
    if (!markedTrusted(ctx)) {
      ctx.next();
      return;
    }
    String refused = refusal(m, (JsonObject) body(ctx));
    if (refused == null) {
      ctx.next();
      return;
    }
    log.warn("refused a message marked trusted to {}: {}", m.address(), refused);
    m.fail(403, "the trusted flag was refused: " + refused);
  }

  /** Why the message's trusted flag cannot be honoured, or null when it can. */
  String refusal(Message<Object> m, JsonObject body) {
    String header = m.headers().get(HEADER);
    if (header == null) return "not signed (only a node with the " + SIGNING_ROLE + " role may send it)";
    try {
      JsonObject h = new JsonObject(header);
      X509Certificate cert = ClusterCa.readCert("-----BEGIN CERTIFICATE-----\n" + h.getString("cert")
          + "\n-----END CERTIFICATE-----\n");
      ClusterIdentity who = ClusterIdentity.of(cert);
      String name = who.node() == null ? "an unnamed certificate" : "node " + who.node();
      try {
        cert.verify(own.ca().getPublicKey());
      } catch (GeneralSecurityException e) {
        return name + "'s certificate is not signed by this cluster's CA";
      }
      long now = clock.millis();
      try {
        cert.checkValidity(new Date(now));
      } catch (GeneralSecurityException e) {
        return name + "'s certificate is expired or not yet valid";
      }
      X509CRL revoked = crl.get();
      if (revoked != null && revoked.isRevoked(cert)) return name + "'s certificate is revoked";
      if (!who.roles().contains(SIGNING_ROLE)) return name + " lacks the " + SIGNING_ROLE + " role";
      long at = h.getLong("at");
      if (Math.abs(now - at) > WINDOW.toMillis()) return "signed by " + name + " outside the " + WINDOW.toSeconds() + " s window";
      Signature s = Signature.getInstance(ClusterCa.SIGNATURE);
      s.initVerify(cert.getPublicKey());
      String nonce = h.getString("nonce");
      s.update(signed(m.address(), body, at, nonce));
      if (!s.verify(Base64.getDecoder().decode(h.getString("sig")))) return "the signature by " + name + " does not match";
      if (!firstUse(nonce, now)) return "a replay of a message " + name + " signed";
      return null;
    } catch (GeneralSecurityException | RuntimeException e) {
      return "the signature header cannot be read";
    }
  }

  private synchronized boolean firstUse(String nonce, long now) {
    for (Iterator<Long> it = seen.values().iterator(); it.hasNext(); ) {
      if (now - it.next() <= 2 * WINDOW.toMillis() && seen.size() < MAX_NONCES) break;
      it.remove();
    }
    return seen.putIfAbsent(nonce, now) == null;
  }

  private static byte[] signed(String address, JsonObject body, long at, String nonce) {
    return (address + "\n" + body.encode() + "\n" + at + "\n" + nonce).getBytes(StandardCharsets.UTF_8);
  }
}
