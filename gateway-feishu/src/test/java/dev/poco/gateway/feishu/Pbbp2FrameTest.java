package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Pbbp2FrameTest {
  /** The golden ping of feishu.md §7.3 (service 33554678), byte-identical to the Java SDK's. */
  static final String GOLDEN_PING = "0800100018f68180102000"
      + "2a0c0a0474797065120470696e67";

  @Test
  void pingIsByteIdenticalToTheSdks() {
    assertThat(HexFormat.of().formatHex(Pbbp2Frame.ping(33554678).encode())).isEqualTo(GOLDEN_PING);
    Pbbp2Frame decoded = Pbbp2Frame.decode(HexFormat.of().parseHex(GOLDEN_PING));
    assertThat(decoded.service()).isEqualTo(33554678);
    assertThat(decoded.method()).isEqualTo(Pbbp2Frame.CONTROL);
    assertThat(decoded.header("type")).isEqualTo("ping");
    assertThat(decoded.payload()).isNull();
  }

  @Test
  void dataFrameRoundTripsWithEveryField() {
    byte[] payload = "{\"schema\":\"2.0\",\"text\":\"你好\"}".getBytes(StandardCharsets.UTF_8);
    Pbbp2Frame f = new Pbbp2Frame(Long.MAX_VALUE, 7_000_000_000L, 33554678, Pbbp2Frame.DATA,
        List.of(new Pbbp2Frame.Header("type", "event"), new Pbbp2Frame.Header("message_id", "m-1"),
            new Pbbp2Frame.Header("sum", "1"), new Pbbp2Frame.Header("seq", "0"),
            new Pbbp2Frame.Header("trace_id", "t-1")), "", "", payload, "log-new");
    Pbbp2Frame back = Pbbp2Frame.decode(f.encode());
    assertThat(back.seqId()).isEqualTo(Long.MAX_VALUE);
    assertThat(back.logId()).isEqualTo(7_000_000_000L);
    assertThat(back.service()).isEqualTo(33554678);
    assertThat(back.headers()).isEqualTo(f.headers());
    assertThat(back.payload()).isEqualTo(payload);
    assertThat(back.payloadEncoding()).isEmpty();
    assertThat(back.logIdNew()).isEqualTo("log-new");
    assertThat(back.encode()).isEqualTo(f.encode());
  }

  @Test
  void negativeInt32AndAckHeaders() {
    Pbbp2Frame f = new Pbbp2Frame(1, 2, -1, Pbbp2Frame.DATA, List.of(new Pbbp2Frame.Header("type", "event")),
        null, null, null, null);
    assertThat(Pbbp2Frame.decode(f.encode()).service()).isEqualTo(-1);
    Pbbp2Frame ack = f.withPayload("{\"code\":200}".getBytes(StandardCharsets.UTF_8), "biz_rt", "3");
    assertThat(ack.header("biz_rt")).isEqualTo("3");
    assertThat(ack.header("type")).isEqualTo("event");
    assertThat(ack.withPayload(new byte[0], "biz_rt", "4").headers()).hasSize(2);
  }

  @Test
  void unknownFieldsAreSkippedAndMissingRequiredFieldsRefused() {
    // field 15 varint and field 14 fixed32 after a ping: skipped
    byte[] extra = HexFormat.of().parseHex(GOLDEN_PING + "7801" + "7501020304");
    assertThat(Pbbp2Frame.decode(extra).header("type")).isEqualTo("ping");
    assertThatThrownBy(() -> Pbbp2Frame.decode(HexFormat.of().parseHex("08001000"))) // no service, method
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pbbp2Frame.decode(HexFormat.of().parseHex("0800100018002000" + "2a020a00")))
        .as("a header without a value").isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Pbbp2Frame.decode(HexFormat.of().parseHex("080010001800200042ff")))
        .as("truncated").isInstanceOf(IllegalArgumentException.class);
  }
}
