package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("HTTP edge errors")
class EdgeErrorsTest {

  @Test
  @DisplayName("are JSON 404 for an unknown route and 405 for a wrong method")
  void notFoundAndMethod(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx).compose(edge -> Future.all(edge.get("/nope"), edge.get("/demo/command")))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          HttpResponse<Buffer> missing = all.resultAt(0);
          HttpResponse<Buffer> wrong = all.resultAt(1);
          assertThat(missing.statusCode()).isEqualTo(404);
          assertThat(missing.getHeader("Content-Type")).startsWith("application/json");
          assertThat(missing.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "no route for GET /nope").put("code", 404));
          assertThat(wrong.statusCode()).isEqualTo(405);
          assertThat(wrong.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
              .put("error", "method GET is not allowed on /demo/command").put("code", 405));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answer a 2 MB body with JSON 413 and keep serving afterwards")
  void tooLarge(Vertx vertx, VertxTestContext ctx) {
    String big = "{\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}";
    Edge.deploy(vertx).compose(edge -> edge.post("/demo/command", "application/json", Buffer.buffer(big))
            .compose(resp -> {
              ctx.verify(() -> {
                assertThat(resp.statusCode()).isEqualTo(413);
                assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
                assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("ok", false)
                    .put("error", "body larger than 1048576 bytes").put("code", 413));
              });
              return edge.get("/health");
            }))
        .onComplete(ctx.succeeding(health -> ctx.verify(() -> {
          assertThat(health.statusCode()).isEqualTo(200);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("answer a chunked body over the configured limit with JSON 413 too")
  void tooLargeChunked(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.HTTP_MAX_BODY, 100);
    Edge.deploy(vertx, config).compose(edge -> vertx.createHttpClient()
            .request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(edge.port)
                .setURI("/platform/slack/events"))
            .compose(req -> req.setChunked(true).send(Buffer.buffer("y".repeat(500))))
            .compose(resp -> {
              ctx.verify(() -> assertThat(resp.statusCode()).isEqualTo(413));
              return resp.body();
            }))
        .onComplete(ctx.succeeding(body -> ctx.verify(() -> {
          assertThat(new JsonObject(body).getString("error")).isEqualTo("body larger than 100 bytes");
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("map bus failures to statuses: no handler 503, timeout 504, the server's own code, else 500")
  void busMapping(VertxTestContext ctx) {
    ctx.verify(() -> {
      HttpError none = HttpErrors.fromBus(new ReplyException(ReplyFailure.NO_HANDLERS, "no handlers"), "the x");
      assertThat(none.status()).isEqualTo(503);
      assertThat(none.getMessage()).isEqualTo("the x is not running");
      HttpError late = HttpErrors.fromBus(new ReplyException(ReplyFailure.TIMEOUT, "Timed out after 10000"), "the x");
      assertThat(late.status()).isEqualTo(504);
      assertThat(late.getMessage()).isEqualTo("the x did not answer in time");
      HttpError conflict = HttpErrors.fromBus(Bus.error(409, "task t1 is not waiting"), "the x");
      assertThat(conflict.status()).isEqualTo(409);
      assertThat(conflict.getMessage()).isEqualTo("task t1 is not waiting");
      assertThat(HttpErrors.fromBus(Bus.error(7, "odd"), "the x").status()).isEqualTo(500);
      HttpError bug = HttpErrors.fromBus(new IllegalStateException("at line 3 of Foo"), "the x");
      assertThat(bug.status()).isEqualTo(500);
      assertThat(bug.getMessage()).isEqualTo("internal error");
      ctx.completeNow();
    });
  }

  @Test
  @DisplayName("make the verticle fail to start on a nonsense port")
  void badPort(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx, new JsonObject().put(ConfigKeys.HTTP_PORT, "eighty")).onComplete(ctx.failing(err ->
        ctx.verify(() -> {
          assertThat(err).hasMessage("POCO_HTTP_PORT must be a whole number, got 'eighty'");
          ctx.completeNow();
        })));
  }
}
