package dev.poco.demoapi;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writes the edge's own JSON answers, secrets masked. */
final class Responses {
  static final String JSON = "application/json; charset=utf-8";

  private final Redactor redactor;

  Responses(Redactor redactor) { this.redactor = redactor; }

  Redactor redactor() { return redactor; }

  void ok(RoutingContext ctx, JsonObject body) { json(ctx, 200, body); }

  void json(RoutingContext ctx, int status, JsonObject body) {
    HttpServerResponse resp = ctx.response();
    if (resp.ended() || resp.closed()) return;
    resp.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(redactor.apply(body).encode());
  }

  /** Asks HTTP/1.x to close the connection after this answer (HTTP/2 forbids the header: its streams are separate). */
  static void closeAfter(RoutingContext ctx) {
    if (ctx.request().version() != HttpVersion.HTTP_2) {
      ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
  }

  void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, new JsonObject().put("ok", false).put("error", message).put("code", status));
  }
}
