package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.Platforms;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Platform webhooks: the raw request goes to the platform's gateway, whose answer is written back as is.
 *
 * <p>The body goes byte for byte (RawHttpRequest.body_base64): the gateway verifies the platform's signature over
 * exactly the bytes the platform signed.
 *
 * <p>The 3-second rule: Feishu and Slack wait 3 s for the HTTP answer, so the edge waits at most
 * {@link Bus#PLATFORM_ANSWER_MS} (2.5 s) for the gateway, leaving room for the network.
 *
 * <p>When the gateway does not answer in time the edge answers <b>504</b> JSON, not 200. A 200 tells the platform
 * the event was taken: a Feishu or Slack event the gateway then never handles (it was stuck, or its node died with
 * the request) is lost for good. A non-2xx is a failed delivery: Feishu re-pushes events after 15 s, 5 min, 1 h and
 * 6 h with the same event_id, Slack retries up to 3 times (at once, ~1 min, ~5 min; no X-Slack-No-Retry is set), and
 * the orchestrator de-duplicates by event_id, so a redelivery of an event that did get through in the end is
 * answered as a duplicate and does nothing twice. Card callbacks and slash commands are never re-pushed by the
 * platform; for them the user sees an error and clicks or types again, which is again safe for the same reason,
 * whereas a 200 "{}" would look like a click that did nothing. A gateway that keeps to its own rule (it answers
 * within PLATFORM_ANSWER_MS, doing slow work after) never meets this path.
 *
 * <p>When no gateway of that platform is deployed at all (NO_HANDLERS) the edge answers 503 JSON saying so; the
 * platform's retries then reach the gateway once it runs.
 */
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
    RawHttpRequest raw = RawHttpRequest.of(req.method().name(), req.path(), headers(req.headers()),
        body == null ? null : body.getBytes(), req.remoteAddress() == null ? null : req.remoteAddress().hostAddress());
    String gateway = "the " + platform + " gateway";
    Bus.request(vertx.eventBus(), Addresses.gatewayWebhook(platform), raw.toJson(), Bus.PLATFORM_ANSWER_MS)
        .onFailure(err -> ctx.fail(failure(err, platform)))
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

  /** What the platform is answered when the gateway is not there or too slow (see the class comment). */
  static HttpError failure(Throwable err, String platform) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new HttpError(Failures.UNAVAILABLE, "no gateway-" + platform + " runs in this cluster: this " + platform
          + " webhook cannot be handled until one is deployed");
    }
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return new HttpError(504, "gateway-" + platform + " did not answer within " + Bus.PLATFORM_ANSWER_MS
          + " ms; not acknowledged, so the platform delivers it again");
    }
    return HttpErrors.fromBus(err, "the " + platform + " gateway");
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
