package dev.poco.gateway.slack;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Slack request signing (slack.md §1): {@code X-Slack-Signature = "v0=" + hex(HMAC_SHA256(secret,
 * "v0:" + X-Slack-Request-Timestamp + ":" + rawBody))} over the raw body bytes, refused when the timestamp is 5
 * minutes or more away from now (either way: a timestamp from the future is as suspect as a stale one), compared in
 * constant time. Reimplemented rather than taken from the SDK (§7).
 */
final class SlackSignature {
  static final long WINDOW_MS = 5 * 60 * 1000;

  private final byte[] secret;
  private final LongSupplier clockMs;

  SlackSignature(String signingSecret, LongSupplier clockMs) {
    this.secret = signingSecret.getBytes(StandardCharsets.UTF_8);
    this.clockMs = clockMs;
  }

  /** Null when the request is genuine and fresh, else why it is refused (no secret in it). */
  String refusal(String timestamp, String signature, byte[] body) {
    if (timestamp == null || signature == null) return "missing X-Slack-Request-Timestamp or X-Slack-Signature";
    long ts;
    try {
      ts = Long.parseLong(timestamp.trim());
    } catch (NumberFormatException e) {
      return "unreadable X-Slack-Request-Timestamp";
    }
    if (Math.abs(clockMs.getAsLong() - ts * 1000) >= WINDOW_MS) return "timestamp outside the 5-minute window";
    byte[] expected = sign(timestamp.trim(), body).getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.UTF_8))) {
      return "signature mismatch";
    }
    return null;
  }

  /** The v0 signature of {@code body} sent at {@code timestamp}. */
  String sign(String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      mac.update(("v0:" + timestamp + ":").getBytes(StandardCharsets.UTF_8));
      mac.update(body);
      return "v0=" + HexFormat.of().formatHex(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
