package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.security.cert.X509CRL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A message marked trusted reaches the orchestrator only when an edge-role node of this cluster signed it")
class TrustedSendsTest {
  static final Instant NOW = Instant.now();
  static final ClusterCa.KeyAndCert CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  static final ClusterCa.KeyAndCert FOREIGN_CA = ClusterCa.newCa("c1", NOW, Duration.ofDays(30));
  final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  static ClusterCredentials creds(ClusterCa.KeyAndCert ca, String node, String... roles) {
    ClusterCa.KeyAndCert kc = ClusterCa.issue(ca, "c1", node, Set.of(roles), NOW, Duration.ofDays(30));
    return new ClusterCredentials(CA.cert(), kc.cert(), kc.key(), null);
  }

  static JsonObject message(boolean trusted) {
    return new JsonObject().put("platform", "demo").put("chatId", "c").put("userId", "u").put("text", "rm -rf /")
        .put("trusted", trusted);
  }

  /** The orchestrator's consumer: answers "taken" when the message reached it. */
  void orchestrator() {
    vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(new JsonObject().put("taken", true)));
  }

  String outcome(JsonObject body, DeliveryOptions options) {
    try {
      vertx.eventBus().request(Addresses.ORCHESTRATOR_INBOUND, body, options).await();
      return "taken";
    } catch (ReplyException e) {
      return e.failureCode() + " " + e.getMessage();
    }
  }

  String outcome(JsonObject body) { return outcome(body, new DeliveryOptions()); }

  @Test
  @DisplayName("signed by the edge: taken; untrusted messages need no signature; a gateway node's trusted flag is refused")
  void edgeSignsOthersCannot() {
    TrustedSends.install(vertx, creds(CA, "edge", "demo-api", "orchestrator"), () -> null, Clock.systemUTC());
    orchestrator();
    assertThat(outcome(message(true))).isEqualTo("taken");
    assertThat(outcome(message(false))).isEqualTo("taken");

    Vertx gatewayNode = Vertx.vertx();
    try {
      TrustedSends.install(gatewayNode, creds(CA, "gw", "gateway-slack", "orchestrator"), () -> null, Clock.systemUTC());
      gatewayNode.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(new JsonObject()));
      Throwable err;
      try {
        gatewayNode.eventBus().request(Addresses.ORCHESTRATOR_INBOUND, message(true)).await();
        err = null;
      } catch (ReplyException e) {
        err = e;
      }
      assertThat(err).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) err).failureCode()).isEqualTo(403);
      assertThat(err.getMessage()).contains("not signed").contains("demo-api");
    } finally {
      gatewayNode.close().await();
    }
  }

  @Test
  @DisplayName("refused: a foreign CA's edge, a revoked edge, a stale signature, a replay, a body changed after signing")
  void forgeriesAreRefused() {
    ClusterCredentials own = creds(CA, "orch", "orchestrator");
    ClusterCredentials edge = creds(CA, "edge", "demo-api");
    AtomicReference<X509CRL> crl = new AtomicReference<>();
    vertx.eventBus().addInboundInterceptor(new TrustedSends(own, crl::get, Clock.systemUTC())::check);
    orchestrator();

    TrustedSends foreign = new TrustedSends(creds(FOREIGN_CA, "edge", "demo-api"), () -> null, Clock.systemUTC());
    io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> foreignSigner = foreign::sign;
    vertx.eventBus().addOutboundInterceptor(foreignSigner);
    assertThat(outcome(message(true))).startsWith("403").contains("not signed by this cluster's CA");
    vertx.eventBus().removeOutboundInterceptor(foreignSigner);

    // capture what the real edge signs, then deliver it by hand as a node without the key would
    AtomicReference<String> header = new AtomicReference<>();
    Vertx edgeNode = Vertx.vertx();
    try {
      TrustedSends.install(edgeNode, edge, () -> null, Clock.systemUTC());
      edgeNode.eventBus().addInboundInterceptor(ctx -> { // runs after every outbound interceptor: sees the header
        if (ctx.message().address().equals(Addresses.ORCHESTRATOR_INBOUND)) { // not the reply
          header.set(ctx.message().headers().get(TrustedSends.HEADER));
        }
        ctx.next();
      });
      edgeNode.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(new JsonObject()));
      edgeNode.eventBus().request(Addresses.ORCHESTRATOR_INBOUND, message(true)).await();
    } finally {
      edgeNode.close().await();
    }
    DeliveryOptions signed = new DeliveryOptions().addHeader(TrustedSends.HEADER, header.get());
    assertThat(outcome(message(true).put("text", "something else"), signed)).startsWith("403").contains("does not match");
    assertThat(outcome(message(true), signed)).isEqualTo("taken");
    assertThat(outcome(message(true), signed)).startsWith("403").contains("replay");

    ClusterCredentials later = creds(CA, "orch2", "orchestrator");
    Vertx late = Vertx.vertx();
    try {
      late.eventBus().addInboundInterceptor(
          new TrustedSends(later, () -> null, Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)))::check);
      late.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(new JsonObject()));
      Throwable err = null;
      try {
        late.eventBus().request(Addresses.ORCHESTRATOR_INBOUND, message(true), signed).await();
      } catch (ReplyException e) {
        err = e;
      }
      assertThat(err).hasMessageContaining("outside the 60 s window");
    } finally {
      late.close().await();
    }

    crl.set(ClusterCa.crl(CA, Map.of(edge.cert().getSerialNumber(), NOW), 2, NOW, Duration.ofDays(1)));
    Vertx edgeAgain = Vertx.vertx();
    try {
      AtomicReference<String> h2 = new AtomicReference<>();
      TrustedSends.install(edgeAgain, edge, () -> null, Clock.systemUTC());
      edgeAgain.eventBus().addInboundInterceptor(ctx -> {
        if (ctx.message().address().equals(Addresses.ORCHESTRATOR_INBOUND)) h2.set(ctx.message().headers().get(TrustedSends.HEADER));
        ctx.next();
      });
      edgeAgain.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_INBOUND, m -> m.reply(new JsonObject()));
      edgeAgain.eventBus().request(Addresses.ORCHESTRATOR_INBOUND, message(true)).await();
      assertThat(outcome(message(true), new DeliveryOptions().addHeader(TrustedSends.HEADER, h2.get())))
          .startsWith("403").contains("node edge's certificate is revoked");
    } finally {
      edgeAgain.close().await();
    }
  }
}
