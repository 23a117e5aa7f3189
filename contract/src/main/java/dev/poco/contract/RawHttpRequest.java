package dev.poco.contract;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HTTP edge → gateway: a platform webhook request exactly as it arrived, so the gateway can verify
 * its signature over the raw body. Header names are lower case.
 *
 * <p>The body travels as {@code body_base64}: the base64 of the exact bytes received. A string would be decoded and
 * re-encoded on the way (invalid UTF-8 turned into U+FFFD), and a signature computed over other bytes than the
 * platform signed fails; base64 carries any bytes, odd whitespace and CRLFs included, unchanged.
 *
 * @param bodyBase64 standard base64 (RFC 4648, with padding) of the raw body; "" for an empty body
 */
public record RawHttpRequest(String method, String path, JsonObject headers, String bodyBase64,
    String remoteAddress) {

  /** A request carrying {@code body} byte for byte. */
  public static RawHttpRequest of(String method, String path, JsonObject headers, byte[] body, String remoteAddress) {
    return new RawHttpRequest(method, path, headers,
        body == null ? "" : Base64.getEncoder().encodeToString(body), remoteAddress);
  }

  public String header(String name) { return headers.getString(name.toLowerCase(java.util.Locale.ROOT)); }

  /** The exact bytes received: what a signature is computed over. */
  public byte[] bodyBytes() {
    return bodyBase64 == null || bodyBase64.isEmpty() ? new byte[0] : Base64.getDecoder().decode(bodyBase64);
  }

  /** The body read as UTF-8, for parsing once its signature is verified (invalid bytes become U+FFFD). */
  public String bodyText() { return new String(bodyBytes(), StandardCharsets.UTF_8); }

  public JsonObject toJson() {
    return new JsonObject().put("method", method).put("path", path).put("headers", headers)
        .put("body_base64", bodyBase64 == null ? "" : bodyBase64).put("remote_address", remoteAddress);
  }

  /** Throws IllegalArgumentException when {@code body_base64} is not base64 (a bad request, code 400). */
  public static RawHttpRequest fromJson(JsonObject j) {
    String body = j.getString("body_base64", "");
    if (body == null) body = "";
    Base64.getDecoder().decode(body); // fail here, at the bus boundary, rather than later inside a gateway
    return new RawHttpRequest(j.getString("method"), j.getString("path"), Jsons.obj(j, "headers"), body,
        j.getString("remote_address"));
  }
}
