package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
@DisplayName("GET /debug/feishu and /debug/slack")
class GatewayDebugRouteTest {
  static final JsonObject SLACK_CONFIG = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
      .put(ConfigKeys.SLACK_SIGNING_SECRET, "slack-signing-value").put(ConfigKeys.SLACK_APP_TOKEN, "xapp-app-token");

  static JsonObject gatewayRing() {
    JsonObject inbound = new JsonObject().put("at", "2026-12-06T23:00:00Z").put("kind", "inbound")
        .put("event_id", "ev1").put("app_secret", "s3cr3t").put("token_set", true)
        .put("headers", new JsonObject().put("Authorization", "Bearer t-abc").put("X-Lark-Signature", "deadbeef")
            .put("content-type", "application/json"))
        .put("nested", new JsonArray().add(new JsonObject().put("EncryptKey", "k-123").put("Password", "pw")
            .put("tenant_access_token", "t-999").put("signing_secret", "sig").put("text", "hello")));
    return new JsonObject().put("gateway_id", "g1").put("entries", new JsonArray().add(inbound));
  }

  @Test
  @DisplayName("/debug/feishu answers the gateway's ring, secret-looking keys removed at any depth")
  void proxiedAndRedacted(Vertx vertx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayDebug("feishu"), req -> gatewayRing());
    bus.ready().await();
    Edge edge = Edge.deploy(vertx).await();
    HttpResponse<Buffer> resp = edge.get("/debug/feishu?limit=5").await();
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
    String raw = resp.bodyAsString();
    for (String secret : new String[] {"s3cr3t", "t-abc", "deadbeef", "k-123", "\"pw\"", "t-999", "\"sig\""}) {
      assertThat(raw).doesNotContain(secret);
    }
    JsonObject body = resp.bodyAsJsonObject();
    assertThat(body.getString("gateway_id")).isEqualTo("g1");
    assertThat(body.getString("platform")).isEqualTo("feishu");
    assertThat(body.getBoolean("deployed")).isTrue();
    JsonObject entry = body.getJsonArray("entries").getJsonObject(0);
    assertThat(entry.fieldNames()).doesNotContain("app_secret");
    assertThat(entry.getBoolean("token_set")).isTrue();
    assertThat(entry.getString("event_id")).isEqualTo("ev1");
    assertThat(entry.getJsonObject("headers").fieldNames()).containsExactly("content-type");
    assertThat(entry.getJsonArray("nested").getJsonObject(0)).isEqualTo(new JsonObject().put("text", "hello"));
    assertThat(bus.last(Addresses.gatewayDebug("feishu"))).isEqualTo(new JsonObject().put("limit", 5));
  }

  @Test
  @DisplayName("/debug/slack with no gateway and Slack configured: 200, configured, not deployed")
  void noGatewayConfigured(Vertx vertx) {
    Edge edge = Edge.deploy(vertx, SLACK_CONFIG).await();
    HttpResponse<Buffer> resp = edge.get("/debug/slack").await();
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("platform", "slack").put("configured", true)
        .put("deployed", false)
        .put("note", "slack credentials are set but no gateway-slack runs in this cluster"));
    assertThat(resp.bodyAsString()).doesNotContain("xoxb-slack-bot-token");
  }

  @Test
  @DisplayName("/debug/slack with no gateway and Slack not configured: 200, names the keys that would enable it")
  void noGatewayNotConfigured(Vertx vertx) {
    Edge edge = Edge.deploy(vertx).await();
    HttpResponse<Buffer> resp = edge.get("/debug/slack").await();
    assertThat(resp.statusCode()).isEqualTo(200);
    assertThat(resp.bodyAsJsonObject()).isEqualTo(new JsonObject().put("platform", "slack").put("configured", false)
        .put("deployed", false).put("note", "slack is off: set " + ConfigKeys.SLACK_BOT_TOKEN + " and "
            + ConfigKeys.SLACK_APP_TOKEN + " to enable it")); // socket mode, the default, needs no signing secret
  }

  @Test
  @DisplayName("a gateway that never answers counts as not deployed, within the short timeout")
  void silentGateway(Vertx vertx) {
    long[] asked = new long[1];
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayDebug("feishu"), msg -> asked[0] = System.nanoTime())
        .completion().await();
    Edge edge = Edge.deploy(vertx, new JsonObject().put(ConfigKeys.FEISHU_APP_ID, "cli_1")
        .put(ConfigKeys.FEISHU_APP_SECRET, "feishu-app-secret-value")).await();
    JsonObject body = edge.get("/debug/feishu").await().bodyAsJsonObject();
    long tookMs = (System.nanoTime() - asked[0]) / 1_000_000;
    System.out.println("silentGateway: /debug/feishu answered " + tookMs + " ms after the gateway got the request");
    assertThat(tookMs).isBetween(GatewayDebugRoute.GATEWAY_TIMEOUT_MS - 100, 2_900L);
    assertThat(body.getBoolean("configured")).isTrue();
    assertThat(body.getBoolean("deployed")).isFalse();
    assertThat(body.getString("note")).startsWith("feishu credentials are set but no gateway-feishu runs");
  }

  @Test
  @DisplayName("keeps the /debug guard: a foreign Origin is refused, off loopback the token is needed; a bad limit is 400")
  void guarded(Vertx vertx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayDebug("slack"), req -> gatewayRing());
    bus.ready().await();
    Edge local = Edge.deploy(vertx).await();
    HttpResponse<Buffer> cross = local.request(HttpMethod.GET, "/debug/slack")
        .putHeader("Origin", "https://evil.example").send().await();
    EdgeSecurityTest.assertError(cross, 403, "cross-origin request refused");
    EdgeSecurityTest.assertError(local.get("/debug/slack?limit=abc").await(), 400, "limit must be");
    Edge open = Edge.deploy(vertx, new JsonObject().put(ConfigKeys.HTTP_HOST, "0.0.0.0")
        .put(ConfigKeys.HTTP_TOKEN, EdgeSecurityTest.TOKEN)).await();
    EdgeSecurityTest.assertError(open.get("/debug/slack").await(), 401, "missing token");
    HttpResponse<Buffer> withToken = open.request(HttpMethod.GET, "/debug/slack")
        .bearerTokenAuthentication(EdgeSecurityTest.TOKEN).send().await();
    assertThat(withToken.statusCode()).isEqualTo(200);
    assertThat(withToken.bodyAsJsonObject().getString("gateway_id")).isEqualTo("g1");
    assertThat(bus.received(Addresses.gatewayDebug("slack"))).hasSize(1);
  }
}
