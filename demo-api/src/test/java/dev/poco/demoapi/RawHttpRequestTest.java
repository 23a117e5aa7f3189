package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.RawHttpRequest;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("RawHttpRequest on the wire")
class RawHttpRequestTest {

  @Test
  @DisplayName("round-trips any bytes through JSON, and reads them as UTF-8 on request")
  void bytesRoundTrip() {
    byte[] body = {'o', 'k', (byte) 0xC3, (byte) 0x28, '\r', '\n', (byte) 0x80};
    RawHttpRequest sent = RawHttpRequest.of("POST", "/platform/slack/events",
        new JsonObject().put("x-slack-signature", "v0=1"), body, "127.0.0.1");
    JsonObject wire = new JsonObject(sent.toJson().encode());
    assertThat(wire.containsKey("body")).isFalse();
    RawHttpRequest got = RawHttpRequest.fromJson(wire);
    assertThat(got.bodyBytes()).isEqualTo(body);
    assertThat(got.bodyText()).startsWith("ok\uFFFD(\r\n");
    assertThat(got.header("X-Slack-Signature")).isEqualTo("v0=1");
    assertThat(RawHttpRequest.fromJson(new JsonObject()).bodyBytes()).isEmpty();
    assertThat(RawHttpRequest.of("POST", "/", new JsonObject(), "é".getBytes(StandardCharsets.UTF_8), null).bodyText())
        .isEqualTo("é");
  }

  @Test
  @DisplayName("refuses a body that is not base64 as a bad request")
  void notBase64() {
    assertThatThrownBy(() -> RawHttpRequest.fromJson(new JsonObject().put("body_base64", "not base64!")))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(Bus.code(e)).isEqualTo(Failures.BAD_REQUEST));
  }
}
