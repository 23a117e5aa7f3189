package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.RawHttpRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Verify before parsing (feishu.md §5): challenge plain and encrypted, token, signature, timestamp window, garbage. */
class WebhookVerifierTest {
  static final long NOW_MS = 1_700_000_000_000L;
  static final String TS = "1700000000";
  static final String VT = "vt-secret";
  static final String EK = "ek-secret";

  static RawHttpRequest request(String body, JsonObject headers) {
    return RawHttpRequest.of("POST", "/platform/feishu/events", headers, body.getBytes(StandardCharsets.UTF_8),
        "127.0.0.1");
  }

  /** An encrypted, signed body as Feishu sends it in encrypted mode. */
  static RawHttpRequest signed(String plain, String ts, String key) {
    String body = new JsonObject().put("encrypt", FeishuCrypto.encrypt(key, plain)).encode();
    String sig = FeishuCrypto.signature(ts, "n1", key, body.getBytes(StandardCharsets.UTF_8));
    return request(body, new JsonObject().put("x-lark-request-timestamp", ts).put("x-lark-request-nonce", "n1")
        .put("x-lark-signature", sig));
  }

  static String event(String token) {
    return new JsonObject().put("schema", "2.0").put("header", new JsonObject().put("event_id", "ev1")
        .put("event_type", "im.message.receive_v1").put("token", token)).put("event", new JsonObject()).encode();
  }

  static String challenge(String token) {
    return new JsonObject().put("challenge", "ch-1").put("token", token).put("type", "url_verification").encode();
  }

  WebhookVerifier plain = new WebhookVerifier(VT, null, () -> NOW_MS);
  WebhookVerifier encrypted = new WebhookVerifier(VT, EK, () -> NOW_MS);

  @Test
  void plainChallengeWithTheRightTokenIsAnsweredWithTheChallenge() {
    var out = (WebhookVerifier.Answer) plain.verify(request(challenge(VT), new JsonObject()));
    assertThat(out.refused()).isFalse();
    assertThat(out.response().status()).isEqualTo(200);
    assertThat(new JsonObject(out.response().body())).isEqualTo(new JsonObject().put("challenge", "ch-1"));
  }

  @Test
  void plainChallengeWithAWrongTokenIs401() {
    var out = (WebhookVerifier.Answer) plain.verify(request(challenge("nope"), new JsonObject()));
    assertThat(out.refused()).isTrue();
    assertThat(out.response().status()).isEqualTo(401);
    assertThat(out.response().body()).doesNotContain(VT);
  }

  @Test
  void encryptedChallengeIsDecryptedAndAnsweredInPlaintext() {
    String body = new JsonObject().put("encrypt", FeishuCrypto.encrypt(EK, challenge(VT))).encode();
    var out = (WebhookVerifier.Answer) encrypted.verify(request(body, new JsonObject()));
    assertThat(out.response().status()).isEqualTo(200);
    assertThat(new JsonObject(out.response().body()).getString("challenge")).isEqualTo("ch-1");
  }

  @Test
  void signedEncryptedEventPasses() {
    var out = encrypted.verify(signed(event(VT), TS, EK));
    assertThat(out).isInstanceOf(WebhookVerifier.Event.class);
    assertThat(((WebhookVerifier.Event) out).eventId()).isEqualTo("ev1");
  }

  @Test
  void aBadSignatureIs401AndNothingIsDecrypted() {
    RawHttpRequest good = signed(event(VT), TS, EK);
    JsonObject headers = good.headers().copy().put("x-lark-signature", "00" + good.header("x-lark-signature").substring(2));
    var out = (WebhookVerifier.Answer) encrypted.verify(new RawHttpRequest("POST", good.path(), headers,
        good.bodyBase64(), null));
    assertThat(out.response().status()).isEqualTo(401);
    assertThat(out.reason()).isEqualTo("bad signature");
  }

  @Test
  void aSignatureWithTheWrongKeyIs401() {
    var out = (WebhookVerifier.Answer) encrypted.verify(signed(event(VT), TS, "another key"));
    assertThat(out.response().status()).isEqualTo(401);
  }

  @Test
  void aStaleTimestampIsRefusedEvenWithAGoodSignature() {
    String old = String.valueOf(NOW_MS / 1000 - 301);
    var out = (WebhookVerifier.Answer) encrypted.verify(signed(event(VT), old, EK));
    assertThat(out.response().status()).isEqualTo(401);
    assertThat(out.reason()).contains("timestamp");
    String future = String.valueOf(NOW_MS / 1000 + 301);
    assertThat(((WebhookVerifier.Answer) encrypted.verify(signed(event(VT), future, EK))).refused()).isTrue();
  }

  @Test
  void aSignedButGarbledBodyIs400() {
    String body = "{\"encrypt\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}";
    String sig = FeishuCrypto.signature(TS, "n1", EK, body.getBytes(StandardCharsets.UTF_8));
    var out = (WebhookVerifier.Answer) encrypted.verify(request(body, new JsonObject()
        .put("x-lark-request-timestamp", TS).put("x-lark-request-nonce", "n1").put("x-lark-signature", sig)));
    assertThat(out.response().status()).isEqualTo(400);
    var notJson = (WebhookVerifier.Answer) plain.verify(request("{not json", new JsonObject()));
    assertThat(notJson.response().status()).isEqualTo(400);
  }

  @Test
  void anUnsignedEventInEncryptedModeIs401() {
    String body = new JsonObject().put("encrypt", FeishuCrypto.encrypt(EK, event(VT))).encode();
    var out = (WebhookVerifier.Answer) encrypted.verify(request(body, new JsonObject()));
    assertThat(out.response().status()).isEqualTo(401);
  }

  @Test
  void aPlainEventWithAWrongTokenIs401AndWithTheRightOnePasses() {
    assertThat(((WebhookVerifier.Answer) plain.verify(request(event("x"), new JsonObject()))).response().status())
        .isEqualTo(401);
    assertThat(plain.verify(request(event(VT), new JsonObject()))).isInstanceOf(WebhookVerifier.Event.class);
  }

  @Test
  void anEncryptedBodyWithoutAKeyIs400AndALegacyEventIsIgnored() {
    String body = new JsonObject().put("encrypt", FeishuCrypto.encrypt(EK, event(VT))).encode();
    assertThat(((WebhookVerifier.Answer) plain.verify(request(body, new JsonObject()))).response().status())
        .isEqualTo(400);
    String v1 = new JsonObject().put("uuid", "u").put("token", VT).put("type", "event_callback").encode();
    var out = (WebhookVerifier.Answer) plain.verify(request(v1, new JsonObject()));
    assertThat(out.refused()).isFalse();
    assertThat(out.response().status()).isEqualTo(200);
  }
}
