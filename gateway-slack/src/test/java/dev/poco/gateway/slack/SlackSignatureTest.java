package dev.poco.gateway.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** slack.md §1: the SDK's test vector, the 5-minute window, a tampered body, missing headers. */
class SlackSignatureTest {
  static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
  static final String TS = "1531420618";
  static final String BODY = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
  static final String EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
  static final long AT_TS_MS = Long.parseLong(TS) * 1000;

  static byte[] body() { return BODY.getBytes(StandardCharsets.UTF_8); }

  @Test
  void testVectorSignsAndVerifies() {
    SlackSignature s = new SlackSignature(SECRET, () -> AT_TS_MS + 1_000);
    assertThat(s.sign(TS, body())).isEqualTo(EXPECTED);
    assertThat(s.refusal(TS, EXPECTED, body())).isNull();
  }

  @Test
  void staleOrFutureTimestampIsRefused() {
    assertThat(new SlackSignature(SECRET, () -> AT_TS_MS + 5 * 60_000).refusal(TS, EXPECTED, body()))
        .contains("5-minute window");
    assertThat(new SlackSignature(SECRET, () -> AT_TS_MS + 5 * 60_000 - 1).refusal(TS, EXPECTED, body())).isNull();
    assertThat(new SlackSignature(SECRET, () -> AT_TS_MS - 6 * 60_000).refusal(TS, EXPECTED, body()))
        .contains("5-minute window");
  }

  @Test
  void tamperedBodyWrongSecretAndMissingHeadersAreRefused() {
    SlackSignature s = new SlackSignature(SECRET, () -> AT_TS_MS);
    byte[] tampered = (BODY + "x").getBytes(StandardCharsets.UTF_8);
    assertThat(s.refusal(TS, EXPECTED, tampered)).isEqualTo("signature mismatch");
    assertThat(new SlackSignature("other", () -> AT_TS_MS).refusal(TS, EXPECTED, body())).isEqualTo("signature mismatch");
    assertThat(s.refusal(null, EXPECTED, body())).startsWith("missing");
    assertThat(s.refusal(TS, null, body())).startsWith("missing");
    assertThat(s.refusal("yesterday", EXPECTED, body())).startsWith("unreadable");
    assertThat(s.refusal(TS, EXPECTED, tampered)).doesNotContain(SECRET);
  }
}
