package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.RawHttpRequest;
import dev.poco.contract.RawHttpResponse;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("The platform webhook routes")
class WebhookRoutesTest {

  @Test
  @DisplayName("forward a Slack slash command raw, lower-case headers and all, and write back the gateway's answer")
  void slackRaw(Vertx vertx, VertxTestContext ctx) {
    String form = "command=%2Fpoco&text=hello+world&user_id=U1";
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayWebhook("slack"),
        req -> new RawHttpResponse(200, "text/plain", "ack " + RawHttpRequest.fromJson(req).path()).toJson());
    bus.ready().compose(v -> Edge.deploy(vertx))
        .compose(edge -> edge.post("/platform/slack/commands", "application/x-www-form-urlencoded",
            Buffer.buffer(form)))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.getHeader("Content-Type")).isEqualTo("text/plain");
          assertThat(resp.bodyAsString()).isEqualTo("ack /platform/slack/commands");
          RawHttpRequest sent = RawHttpRequest.fromJson(bus.last(Addresses.gatewayWebhook("slack")));
          assertThat(sent.method()).isEqualTo("POST");
          assertThat(sent.bodyText()).isEqualTo(form);
          assertThat(sent.remoteAddress()).isEqualTo("127.0.0.1");
          assertThat(sent.headers().getString("content-type")).isEqualTo("application/x-www-form-urlencoded");
          assertThat(sent.headers().fieldNames()).allSatisfy(name -> assertThat(name).isLowerCase());
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("send each route to its own platform's gateway")
  void routing(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx)
        .reply(Addresses.gatewayWebhook("feishu"), req -> new RawHttpResponse(200, "application/json",
            "{\"challenge\":\"c1\"}").toJson())
        .reply(Addresses.gatewayWebhook("slack"), req -> new RawHttpResponse(204, null, null).toJson());
    JsonObject event = new JsonObject().put("type", "url_verification").put("challenge", "c1");
    bus.ready().compose(v -> Edge.deploy(vertx)).compose(edge -> Future.all(List.of(
            edge.post("/platform/feishu/events", event), edge.post("/platform/feishu/card-actions", event),
            edge.post("/platform/slack/events", event), edge.post("/platform/slack/interactive", event))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> resps = all.list();
          assertThat(resps.get(0).bodyAsJsonObject()).isEqualTo(new JsonObject().put("challenge", "c1"));
          assertThat(resps.get(1).statusCode()).isEqualTo(200);
          assertThat(resps.get(2).statusCode()).isEqualTo(204);
          assertThat(resps.get(3).statusCode()).isEqualTo(204);
          assertThat(bus.received(Addresses.gatewayWebhook("feishu"))).extracting(j -> j.getString("path"))
              .containsExactly("/platform/feishu/events", "/platform/feishu/card-actions");
          assertThat(bus.received(Addresses.gatewayWebhook("slack"))).extracting(j -> j.getString("path"))
              .containsExactly("/platform/slack/events", "/platform/slack/interactive");
          assertThat(new JsonObject(RawHttpRequest.fromJson(bus.last(Addresses.gatewayWebhook("feishu"))).bodyText()))
              .isEqualTo(event);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answer 503 JSON naming the gateway when none is deployed")
  void noGateway(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx).compose(edge -> Future.all(edge.post("/platform/feishu/events", new JsonObject()),
            edge.post("/platform/slack/events", new JsonObject())))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> resps = all.list();
          assertThat(resps.get(0).statusCode()).isEqualTo(503);
          assertThat(resps.get(0).getHeader("Content-Type")).startsWith("application/json");
          assertThat(resps.get(0).bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "no gateway-feishu runs in this cluster: this feishu webhook cannot be handled until one"
                  + " is deployed").put("code", 503));
          assertThat(resps.get(1).statusCode()).isEqualTo(503);
          assertThat(resps.get(1).bodyAsJsonObject().getString("error")).startsWith("no gateway-slack runs");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("turn a gateway's failure code into that HTTP status with a JSON error")
  void gatewayFailure(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayWebhook("slack"), req -> {
      throw Bus.error(401, "invalid signature");
    });
    bus.ready().compose(v -> Edge.deploy(vertx)).compose(edge -> edge.post("/platform/slack/events", new JsonObject()))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(401);
          assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "invalid signature").put("code", 401));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answer 502 JSON, not silence, when the gateway's answer cannot be read")
  void unreadableGatewayAnswer(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayWebhook("slack"),
        req -> new JsonObject().put("status", "ok").put("body", "hi"));
    bus.ready().compose(v -> Edge.deploy(vertx)).compose(edge -> edge.post("/platform/slack/events", new JsonObject()))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(502);
          assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "the slack gateway answered something unreadable").put("code", 502));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answer a slow gateway's webhook within the 3-second rule: 504, unacknowledged, so the platform redelivers")
  void slowGateway(Vertx vertx, VertxTestContext ctx) {
    long[] asked = new long[1];
    // A gateway that takes the request and never answers. Timed from its arrival: on a loaded host the client's own
    // connect and send can take longer than the budget under test.
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayWebhook("slack"), msg -> asked[0] = System.nanoTime())
        .completion().compose(v -> Edge.deploy(vertx))
        .compose(edge -> edge.post("/platform/slack/events", new JsonObject().put("event_id", "Ev1")))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          long tookMs = (System.nanoTime() - asked[0]) / 1_000_000;
          System.out.println("slowGateway: the edge answered " + tookMs + " ms after the gateway got the webhook");
          assertThat(tookMs).isBetween(Bus.PLATFORM_ANSWER_MS - 100, 2_950L);
          assertThat(resp.statusCode()).isEqualTo(504);
          assertThat(resp.getHeader("X-Slack-No-Retry")).isNull();
          assertThat(resp.bodyAsJsonObject().getString("error"))
              .isEqualTo("gateway-slack did not answer within 2500 ms; not acknowledged, so the platform delivers it"
                  + " again");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("carry the body byte for byte: invalid UTF-8, CRLFs and odd whitespace reach the gateway unchanged")
  void rawBytesExact(Vertx vertx, VertxTestContext ctx) {
    byte[] body = {'{', '"', 'a', '"', ':', ' ', '"', (byte) 0xC3, (byte) 0x28, '"', '\r', '\n', ' ', '\t', '}',
        '\r', '\n', (byte) 0xFF, 0, ' ', ' '};
    List<byte[]> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayWebhook("feishu"), msg -> {
      RawHttpRequest req = RawHttpRequest.fromJson(msg.body());
      seen.add(req.bodyBytes());
      msg.reply(new RawHttpResponse(200, "application/json", "{}").toJson());
    }).completion().compose(v -> Edge.deploy(vertx))
        .compose(edge -> edge.post("/platform/feishu/events", "application/json; charset=utf-8", Buffer.buffer(body)))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(seen).hasSize(1);
          assertThat(seen.get(0)).isEqualTo(body);
          ctx.completeNow();
        })));
  }
}
