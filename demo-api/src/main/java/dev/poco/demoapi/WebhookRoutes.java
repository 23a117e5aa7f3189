package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.Platforms;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Platform webhooks: the raw request goes to the platform's gateway, whose answer is written back as is. */
final class WebhookRoutes {
  private final Vertx vertx;

  WebhookRoutes(Vertx vertx) { this.vertx = vertx; }

  void mount(Router router) {
    router.post("/platform/feishu/events").handler(ctx -> forward(ctx, Platforms.FEISHU));
    router.post("/platform/feishu/card-actions").handler(ctx -> forward(ctx, Platforms.FEISHU));
    router.post("/platform/slack/events").handler(ctx -> forward(ctx, Platforms.SLACK));
    router.post("/platform/slack/interactive").handler(ctx -> forward(ctx, Platforms.SLACK));
    router.post("/platform/slack/commands").handler(ctx -> forward(ctx, Platforms.SLACK));
  }

  private void forward(RoutingContext ctx, String platform) {
    HttpServerRequest req = ctx.request();
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    RawHttpRequest raw = new RawHttpRequest(req.method().name(), req.path(), headers(req.headers()),
        body == null ? "" : body.toString(), req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
    String gateway = "the " + platform + " gateway";
    Bus.request(vertx.eventBus(), Addresses.gatewayWebhook(platform), raw.toJson())
        .onFailure(err -> ctx.fail(HttpErrors.fromBus(err, gateway)))
        .onSuccess(json -> {
          RawHttpResponse resp;
          try {
            resp = RawHttpResponse.fromJson(json);
          } catch (RuntimeException unreadable) { // thrown in a callback it would leave the request unanswered
            ctx.fail(new HttpError(502, gateway + " answered something unreadable"));
            return;
          }
          write(ctx, resp);
        });
  }

  private static JsonObject headers(MultiMap headers) {
    JsonObject out = new JsonObject();
    for (String name : headers.names()) {
      out.put(name.toLowerCase(Locale.ROOT), String.join(", ", headers.getAll(name)));
    }
    return out;
  }

  private static void write(RoutingContext ctx, RawHttpResponse resp) {
    if (ctx.response().ended() || ctx.response().closed()) return;
    int status = resp.status() >= 100 && resp.status() <= 599 ? resp.status() : 502;
    ctx.response().setStatusCode(status);
    if (resp.contentType() != null) ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, resp.contentType());
    ctx.response().end(resp.body() == null ? "" : resp.body());
  }
}
