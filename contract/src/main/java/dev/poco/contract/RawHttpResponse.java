package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** Gateway → HTTP edge: the response to write for a webhook request. */
public record RawHttpResponse(int status, String contentType, String body) {
  public JsonObject toJson() {
    return new JsonObject().put("status", status).put("content_type", contentType).put("body", body);
  }

  public static RawHttpResponse fromJson(JsonObject j) {
    return new RawHttpResponse(Jsons.integer(j, "status", 200), j.getString("content_type", "application/json"),
        j.getString("body", ""));
  }
}
