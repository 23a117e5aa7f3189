package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * HTTP edge → gateway: a platform webhook request exactly as it arrived, so the gateway can verify
 * its signature over the raw body. Header names are lower case.
 */
public record RawHttpRequest(String method, String path, JsonObject headers, String body, String remoteAddress) {
  public String header(String name) { return headers.getString(name.toLowerCase(java.util.Locale.ROOT)); }

  public JsonObject toJson() {
    return new JsonObject().put("method", method).put("path", path).put("headers", headers).put("body", body)
        .put("remote_address", remoteAddress);
  }

  public static RawHttpRequest fromJson(JsonObject j) {
    return new RawHttpRequest(j.getString("method"), j.getString("path"), Jsons.obj(j, "headers"),
        j.getString("body", ""), j.getString("remote_address"));
  }
}
