package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Intents;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Generated bodies POSTed to the demo routes of a real edge over real HTTP (the orchestrator is DemoRoutesTest's
 * fake): every answer is the JSON error shape or a success, never a 500, and comes back.
 */
class DemoRoutesFuzzTest {
  private static Vertx vertx;
  private static WebClient client;
  private static int port;

  @BeforeContainer
  static void start() throws Exception {
    vertx = Vertx.vertx();
    FakeBus bus = DemoRoutesTest.orchestrator(vertx);
    Edge edge = DemoRoutesTest.start(vertx, bus, new JsonObject()).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    port = edge.port;
    client = WebClient.create(vertx);
  }

  @AfterContainer
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  record Post(String path, byte[] body) {
    @Override public String toString() { return "POST " + path + " " + JsonBodies.preview(body); }
  }

  @Provide
  Arbitrary<Post> posts() {
    // The webhook routes only wrap the bytes for their gateway (none runs here: 503); the platforms' own
    // parsers live in their gateways.
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.of("/demo/command", "/demo/card-actions")),
        Tuple.of(1, Arbitraries.of("/platform/feishu/events", "/platform/slack/interactive")))
        .flatMap(path -> JsonBodies.bodies(path).map(body -> new Post(path, body)));
  }

  @Property
  void everyAnswerIsJsonAndNone500(@ForAll("posts") Post post) throws Exception {
    HttpResponse<Buffer> resp = send(post);
    Statistics.collect(post.path(), resp.statusCode());
    if (post.path().startsWith("/platform/")) {
      assertThat(resp.statusCode()).as("status").isIn(413, 503);
    } else {
      assertThat(resp.statusCode()).as("status").isIn(200, 400, 403, 404, 409, 413);
    }
    assertAnswer(resp);
  }

  // Found by the property (with 3000 tries): a card action whose form nests arrays ~1000 levels deep (the decoder's
  // limit) overflowed the event loop's stack when the edge copied the form, a 500.
  @Example
  void aBodyNestedPastTheLimitIsA400() throws Exception {
    String form = "[".repeat(1_000) + "]".repeat(1_000);
    String body = "{\"event\":{\"action\":{\"value\":{\"intent_key\":\"" + Intents.HOME + "\"},\"form_value\":{\"a\":"
        + form + "}}}}";
    HttpResponse<Buffer> resp = send(new Post("/demo/card-actions", JsonBodies.bytes(body)));
    assertAnswer(resp);
    assertThat(resp.statusCode()).isEqualTo(400);
    assertThat(resp.bodyAsJsonObject().getString("error")).isEqualTo("malformed JSON: nested deeper than 64 levels");

    String deepest = "{\"text\":\"/help\",\"chat_id\":\"c\",\"x\":" + "[".repeat(63) + "]".repeat(63) + "}";
    assertThat(send(new Post("/demo/command", JsonBodies.bytes(deepest))).statusCode()).isEqualTo(200);
  }

  private static HttpResponse<Buffer> send(Post post) throws Exception {
    return client.post(port, "127.0.0.1", post.path())
        .putHeader("Content-Type", "application/json").timeout(10_000).sendBuffer(Buffer.buffer(post.body()))
        .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
  }

  static void assertAnswer(HttpResponse<Buffer> resp) {
    assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = resp.bodyAsJsonObject();
    if (resp.statusCode() == 200) {
      assertThat(body.getBoolean("ok")).isTrue();
      assertThat(body.getJsonObject("view")).isNotNull();
    } else {
      assertThat(body.getBoolean("ok")).isFalse();
      assertThat(body.getString("error")).isNotBlank();
      assertThat(body.getInteger("code")).isEqualTo(resp.statusCode());
    }
  }
}
