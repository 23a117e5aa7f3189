package dev.poco.gateway.feishu;

import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.LongSupplier;

/**
 * Verifies a Feishu webhook request before anything reads it (feishu.md §5, GATEWAYS.md "Security"): the
 * {@code X-Lark-Signature} over the exact bytes and a ±5 min timestamp window when an encrypt key is set, then the
 * decryption of {@code {"encrypt": ...}}, then the verification token. A {@code url_verification} challenge is
 * answered here. What fails is refused with 400 (unreadable) or 401 (not from Feishu) and a JSON reason that names
 * no secret.
 */
public final class WebhookVerifier {
  /** How far X-Lark-Request-Timestamp may be from now (the SDK checks none; feishu.md §5 suggests ±5 min). */
  public static final long MAX_SKEW_MS = 5 * 60_000;

  /** What the verifier decided. */
  public sealed interface Outcome permits Answer, Event {}

  /** Answer the request with this now (a challenge's answer, or a refusal); nothing else runs. */
  public record Answer(RawHttpResponse response, boolean refused, String reason) implements Outcome {}

  /** A verified, decrypted schema 2.0 envelope to handle. */
  public record Event(JsonObject envelope) implements Outcome {
    public String eventType() { return envelope.getJsonObject("header", new JsonObject()).getString("event_type"); }

    public String eventId() { return envelope.getJsonObject("header", new JsonObject()).getString("event_id"); }
  }

  private final String verificationToken;
  private final String encryptKey;
  private final LongSupplier clockMs;

  public WebhookVerifier(String verificationToken, String encryptKey, LongSupplier clockMs) {
    this.verificationToken = verificationToken;
    this.encryptKey = encryptKey;
    this.clockMs = clockMs;
  }

  public Outcome verify(RawHttpRequest req) {
    byte[] body = req.bodyBytes();
    if (body.length == 0) return refuse(400, "empty body");
    boolean signed = false;
    if (encryptKey != null) {
      String sig = req.header("X-Lark-Signature");
      if (sig != null) {
        String ts = req.header("X-Lark-Request-Timestamp");
        String nonce = req.header("X-Lark-Request-Nonce");
        if (ts == null || nonce == null) return refuse(401, "signature without timestamp or nonce");
        long at;
        try {
          at = Long.parseLong(ts.trim()) * 1000;
        } catch (NumberFormatException e) {
          return refuse(401, "unreadable X-Lark-Request-Timestamp");
        }
        if (Math.abs(clockMs.getAsLong() - at) > MAX_SKEW_MS) return refuse(401, "stale or future timestamp");
        if (!FeishuCrypto.signatureMatches(sig, ts.trim(), nonce, encryptKey, body)) {
          return refuse(401, "bad signature");
        }
        signed = true;
      }
    }
    JsonObject outer = parse(new String(body, StandardCharsets.UTF_8));
    if (outer == null) return refuse(400, "body is not a JSON object");
    JsonObject json;
    Object encrypted = outer.getValue("encrypt");
    if (encryptKey != null) {
      if (!(encrypted instanceof String enc)) return refuse(400, "expected an encrypted body (an encrypt key is set)");
      String plain;
      try {
        plain = FeishuCrypto.decrypt(encryptKey, enc);
      } catch (IllegalArgumentException e) {
        return refuse(400, e.getMessage());
      }
      json = parse(plain);
      if (json == null) return refuse(400, "decrypted body is not a JSON object");
    } else {
      if (encrypted != null) return refuse(400, "encrypted body, but no encrypt key is configured");
      json = outer;
    }
    boolean challenge = "url_verification".equals(json.getValue("type"));
    // Feishu's SDKs do not sign the challenge; any other encrypted-mode request must be signed.
    if (encryptKey != null && !signed && !challenge) return refuse(401, "missing X-Lark-Signature");
    JsonObject header = json.getValue("header") instanceof JsonObject h ? h : null;
    Object token = challenge || header == null ? json.getValue("token") : header.getValue("token");
    if (verificationToken != null && !(token instanceof String t && sameSecret(t, verificationToken))) {
      return refuse(401, "bad verification token");
    }
    if (challenge) {
      Object c = json.getValue("challenge");
      if (!(c instanceof String)) return refuse(400, "url_verification without a challenge");
      return new Answer(json(200, new JsonObject().put("challenge", c)), false, "url_verification");
    }
    if (!"2.0".equals(json.getValue("schema")) || header == null) {
      // legacy v1 events are not subscribed to; answer 200 so Feishu does not push them again
      return new Answer(json(200, new JsonObject().put("msg", "ignored: not a schema 2.0 event")), false,
          "legacy or unknown envelope");
    }
    return new Event(json);
  }

  private static boolean sameSecret(String a, String b) {
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject parse(String s) {
    try {
      Object v = io.vertx.core.json.Json.decodeValue(s);
      return v instanceof JsonObject o ? o : null;
    } catch (DecodeException e) {
      return null;
    }
  }

  static Answer refuse(int status, String reason) {
    return new Answer(json(status, new JsonObject().put("error", reason)), true, reason);
  }

  static RawHttpResponse json(int status, JsonObject body) {
    return new RawHttpResponse(status, "application/json", body.encode());
  }
}
