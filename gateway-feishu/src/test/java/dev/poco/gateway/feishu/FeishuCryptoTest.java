package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** feishu.md §5: the decryption test vector, the signature formula, a round trip. */
class FeishuCryptoTest {
  static final String KEY = "test key";
  static final String VECTOR = "P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=";

  @Test
  void decryptsTheTestVectorOfTheNotes() {
    assertThat(FeishuCrypto.decrypt(KEY, VECTOR)).isEqualTo("hello world");
  }

  @Test
  void signatureIsPlainSha256OfTimestampNonceKeyAndTheRawBody() {
    byte[] body = ("{\"encrypt\":\"" + VECTOR + "\"}").getBytes(StandardCharsets.UTF_8);
    // known answer computed with `printf '%s' '1700000000nonce1test key{"encrypt":"P37w..."}' | sha256sum`
    String expected = "21b279029a3bdf7b9f02a4935c76c53f09876d9d0e45add77a99d55d1bc7e79e";
    assertThat(FeishuCrypto.signature("1700000000", "nonce1", KEY, body)).isEqualTo(expected);
    assertThat(FeishuCrypto.signatureMatches(expected.toUpperCase(), "1700000000", "nonce1", KEY, body)).isTrue();
    assertThat(FeishuCrypto.signatureMatches(expected, "1700000001", "nonce1", KEY, body)).isFalse();
    assertThat(FeishuCrypto.signatureMatches(null, "1700000000", "nonce1", KEY, body)).isFalse();
  }

  @Test
  void encryptThenDecryptRoundTripsAnyText() {
    String text = "{\"text\":\"你好, world ✓ \\n\"}";
    String enc = FeishuCrypto.encrypt("k", text);
    assertThat(FeishuCrypto.decrypt("k", enc)).isEqualTo(text);
    assertThat(FeishuCrypto.encrypt("k", text)).isNotEqualTo(enc); // a random IV each time
  }

  @Test
  void aWrongKeyOrGarbageIsRefusedWithoutNamingTheKey() {
    assertThatThrownBy(() -> FeishuCrypto.decrypt("other key", VECTOR)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("other key");
    assertThatThrownBy(() -> FeishuCrypto.decrypt(KEY, "not base64 !!")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FeishuCrypto.decrypt(KEY, "AAAA")).isInstanceOf(IllegalArgumentException.class);
  }
}
