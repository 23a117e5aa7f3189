package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
@DisplayName("GET /health")
class HealthRouteTest {

  static JsonObject orchestratorHealth() {
    JsonObject runner = new JsonObject().put("runner_id", "r1").put("node_id", "n1")
        .put("backends", new JsonArray().add(new BackendInfo("stub", true, "1.0", null, true, null).toJson()))
        .put("capacity", 2).put("max_tasks", 2).put("task_ids", new JsonArray())
        .put("roots", new JsonArray().add("/home"))
        .put("last_seen_ms", 120);
    return new JsonObject().put("agent_backend", "stub").put("agent_ready", true).put("agent_detail", "stub 1.0")
        .put("runners", new JsonArray().add(runner))
        .put("state", new JsonObject().put("backend", "sqlite").put("path", "/tmp/poco.db").put("schema_version", 3))
        .put("access", new JsonObject().put("allowed_users", 1).put("pairing_pending", false))
        .put("tasks", new JsonObject().put("queued", 0).put("running", 1).put("waiting_confirmation", 0))
        .put("warnings", new JsonArray().add("orchestrator warning"))
        .put("missing", new JsonArray().add("orchestrator gap"));
  }

  @Test
  @DisplayName("is ok in local mode and carries the orchestrator's report next to the edge's own sections")
  void localMode(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.ORCHESTRATOR_HEALTH, body -> orchestratorHealth());
    bus.ready().compose(v -> Edge.deploy(vertx)).onComplete(ctx.succeeding(edge -> edge.get("/health")
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
          JsonObject h = resp.bodyAsJsonObject();
          assertThat(h.getString("status")).isEqualTo("ok");
          assertThat(h.getString("mode")).isEqualTo("local");
          assertThat(h.getString("agent_backend")).isEqualTo("stub");
          assertThat(h.getBoolean("agent_ready")).isTrue();
          assertThat(h.getJsonArray("runners").getJsonObject(0).getString("runner_id")).isEqualTo("r1");
          assertThat(h.getJsonObject("state").getInteger("schema_version")).isEqualTo(3);
          assertThat(h.getJsonObject("tasks").getInteger("running")).isEqualTo(1);
          assertThat(h.getJsonObject("access").getInteger("allowed_users")).isEqualTo(1);
          assertThat(h.getJsonObject("feishu").getMap()).containsEntry("configured", false)
              .containsEntry("delivery_mode", "longconn").containsEntry("listener_ready", false)
              .containsEntry("verification_token_enabled", false).containsEntry("signature_validation_enabled", false);
          assertThat(h.getJsonObject("slack").getMap()).containsEntry("configured", false)
              .containsEntry("delivery_mode", "socket").containsEntry("listener_ready", false);
          assertThat(h.getBoolean("feishu_listener_ready")).isFalse();
          assertThat(h.getJsonObject("http").getMap()).containsEntry("host", "127.0.0.1")
              .containsEntry("port", edge.port);
          assertThat(strings(h, "missing")).contains("orchestrator gap")
              .anyMatch(m -> m.startsWith("Feishu is off"))
              .anyMatch(m -> m.startsWith("Slack is off"));
          assertThat(strings(h, "warnings")).containsExactly("orchestrator warning");
          assertThat(h.getLong("uptime_ms")).isGreaterThanOrEqualTo(0);
          assertThat(bus.received(Addresses.ORCHESTRATOR_HEALTH)).hasSize(1);
          ctx.completeNow();
        })))));
  }

  @Test
  @DisplayName("is degraded with both platforms configured and no gateway running, and shows no secret value")
  void platforms(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.FEISHU_APP_ID, "cli_app_id_123")
        .put(ConfigKeys.FEISHU_APP_SECRET, "feishu-app-secret-value").put(ConfigKeys.FEISHU_DELIVERY_MODE, "webhook")
        .put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
        .put(ConfigKeys.SLACK_SIGNING_SECRET, "slack-signing-value")
        .put(ConfigKeys.SLACK_APP_TOKEN, "xapp-slack-app-token");
    FakeBus bus = new FakeBus(vertx).reply(Addresses.ORCHESTRATOR_HEALTH, body -> orchestratorHealth());
    bus.ready().compose(v -> Edge.deploy(vertx, config)).compose(edge -> edge.get("/health"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject h = resp.bodyAsJsonObject();
          assertThat(h.getString("mode")).isEqualTo("feishu+slack");
          assertThat(h.getString("status")).isEqualTo("degraded");
          assertThat(strings(h, "reasons")).containsExactly("feishu configured but no gateway-feishu is running",
              "slack configured but no gateway-slack is running");
          assertThat(h.getJsonObject("feishu").getMap()).containsEntry("configured", true)
              .containsEntry("delivery_mode", "webhook").containsEntry("listener_ready", false)
              .containsEntry("deployed", false).containsEntry("verification_token_enabled", false);
          assertThat(h.getJsonObject("slack").getMap()).containsEntry("configured", true)
              .containsEntry("signature_validation_enabled", true);
          assertThat(strings(h, "missing")).contains("feishu configured but no gateway-feishu is running",
              "slack configured but no gateway-slack is running");
          assertThat(strings(h, "warnings"))
              .anyMatch(w -> w.startsWith(ConfigKeys.FEISHU_VERIFICATION_TOKEN + " is not set"));
          String raw = resp.bodyAsString();
          for (String secret : List.of("feishu-app-secret-value", "xoxb-slack-bot-token", "slack-signing-value",
              "xapp-slack-app-token")) {
            assertThat(raw).doesNotContain(secret);
          }
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("counts Slack as configured only with the app token when it runs in socket mode")
  void slackSocketNeedsAppToken(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
        .put(ConfigKeys.SLACK_SIGNING_SECRET, "slack-signing-value");
    Edge.deploy(vertx, config).compose(edge -> edge.get("/health")).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      JsonObject h = resp.bodyAsJsonObject();
      assertThat(h.getString("mode")).isEqualTo("local");
      assertThat(h.getJsonObject("slack").getBoolean("configured")).isFalse();
      assertThat(strings(h, "missing")).contains("Slack is off: set " + ConfigKeys.SLACK_APP_TOKEN);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("Slack in socket mode needs no signing secret; in webhook mode it needs one and no app token")
  void slackNeedsWhatItsDeliveryModeUses(Vertx vertx, VertxTestContext ctx) {
    JsonObject socket = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
        .put(ConfigKeys.SLACK_APP_TOKEN, "xapp-slack-app-token");
    JsonObject webhook = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
        .put(ConfigKeys.SLACK_DELIVERY_MODE, "webhook");
    Edge.deploy(vertx, socket).compose(edge -> edge.get("/health")).compose(resp -> {
      ctx.verify(() -> {
        JsonObject h = resp.bodyAsJsonObject();
        assertThat(h.getString("mode")).isEqualTo("slack");
        assertThat(strings(h, "missing")).noneMatch(m -> m.contains(ConfigKeys.SLACK_SIGNING_SECRET));
      });
      return Edge.deploy(vertx, webhook).compose(edge -> edge.get("/health"));
    }).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      JsonObject h = resp.bodyAsJsonObject();
      assertThat(h.getJsonObject("slack").getBoolean("configured")).isFalse();
      assertThat(strings(h, "missing")).contains("Slack is off: set " + ConfigKeys.SLACK_SIGNING_SECRET);
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("still answers 200, degraded, naming the missing orchestrator, when nothing serves the health address")
  void noOrchestrator(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx).compose(edge -> edge.get("/health")).onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp.statusCode()).isEqualTo(200);
      JsonObject h = resp.bodyAsJsonObject();
      assertThat(h.getString("status")).isEqualTo("degraded");
      assertThat(h.getString("mode")).isEqualTo("local");
      assertThat(h.getBoolean("agent_ready")).isFalse();
      assertThat(strings(h, "missing"))
          .anyMatch(m -> m.startsWith("the orchestrator is not running"));
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("says degraded when the orchestrator does not answer in time")
  void silentOrchestrator(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx).silent(Addresses.ORCHESTRATOR_HEALTH);
    bus.ready().compose(v -> Edge.deploy(vertx)).compose(edge -> edge.get("/health"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          assertThat(resp.statusCode()).isEqualTo(200);
          assertThat(resp.bodyAsJsonObject().getString("status")).isEqualTo("degraded");
          assertThat(strings(resp.bodyAsJsonObject(), "missing"))
              .anyMatch(m -> m.contains("did not answer"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("warns, to the token's holder, when the edge binds a non-loopback host")
  void nonLoopbackWarning(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.HTTP_HOST, "0.0.0.0").put(ConfigKeys.HTTP_TOKEN, "tok-health-1");
    Edge.deploy(vertx, config)
        .compose(edge -> edge.request(HttpMethod.GET, "/health").bearerTokenAuthentication("tok-health-1").send())
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject h = resp.bodyAsJsonObject();
          assertThat(h.getJsonObject("http").getString("host")).isEqualTo("0.0.0.0");
          assertThat(strings(h, "warnings"))
              .anyMatch(w -> w.startsWith("the HTTP edge binds 0.0.0.0, not loopback"));
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("shows the running gateway's own listener state, secret keys dropped, and stays ok")
  void gatewayListenerReady(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.FEISHU_APP_ID, "cli_app_id_123")
        .put(ConfigKeys.FEISHU_APP_SECRET, "feishu-app-secret-value");
    FakeBus bus = new FakeBus(vertx).reply(Addresses.ORCHESTRATOR_HEALTH, body -> orchestratorHealth())
        .reply(Addresses.gatewayHealth("feishu"), body -> new JsonObject().put("configured", true)
            .put("delivery_mode", "longconn").put("listener_ready", true)
            .put("connected_since", "2026-12-06T22:00:00Z").put("last_event_at", "2026-12-06T23:00:00Z")
            .putNull("last_error").put("gateway_id", "g1").put("app_secret", "leaked-app-secret"));
    bus.ready().compose(v -> Edge.deploy(vertx, config)).compose(edge -> edge.get("/health"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject h = resp.bodyAsJsonObject();
          assertThat(h.getString("status")).isEqualTo("ok");
          assertThat(h.containsKey("reasons")).isFalse();
          JsonObject feishu = h.getJsonObject("feishu");
          assertThat(feishu.getMap()).containsEntry("configured", true).containsEntry("delivery_mode", "longconn")
              .containsEntry("listener_ready", true).containsEntry("deployed", true)
              .containsEntry("connected_since", "2026-12-06T22:00:00Z")
              .containsEntry("last_event_at", "2026-12-06T23:00:00Z").containsEntry("gateway_id", "g1")
              .containsEntry("signature_validation_enabled", false);
          assertThat(feishu.containsKey("last_error")).isTrue();
          assertThat(h.getBoolean("feishu_listener_ready")).isTrue();
          assertThat(resp.bodyAsString()).doesNotContain("leaked-app-secret").doesNotContain("app_secret");
          // Slack: not configured, nothing answers; not deployed, and no reason to degrade.
          assertThat(h.getJsonObject("slack").getMap()).containsEntry("listener_ready", false)
              .containsEntry("deployed", false);
          assertThat(bus.received(Addresses.gatewayHealth("feishu"))).hasSize(1);
          ctx.completeNow();
        })));
  }

  @Test
  @DisplayName("shows a running gateway whose listener is down: listener_ready false, its last error as a warning")
  void gatewayListenerDown(Vertx vertx, VertxTestContext ctx) {
    JsonObject config = new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-slack-bot-token")
        .put(ConfigKeys.SLACK_SIGNING_SECRET, "slack-signing-value").put(ConfigKeys.SLACK_APP_TOKEN, "xapp-app-token");
    FakeBus bus = new FakeBus(vertx).reply(Addresses.ORCHESTRATOR_HEALTH, body -> orchestratorHealth())
        .reply(Addresses.gatewayHealth("slack"), body -> new JsonObject().put("configured", true)
            .put("delivery_mode", "socket").put("listener_ready", false).putNull("connected_since")
            .put("last_event_at", "2026-12-06T23:00:00Z")
            .put("last_error", "apps.connections.open: invalid_auth with xapp-app-token"));
    bus.ready().compose(v -> Edge.deploy(vertx, config)).compose(edge -> edge.get("/health"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
          JsonObject h = resp.bodyAsJsonObject();
          assertThat(h.getString("status")).isEqualTo("ok");
          JsonObject slack = h.getJsonObject("slack");
          assertThat(slack.getMap()).containsEntry("configured", true).containsEntry("listener_ready", false)
              .containsEntry("deployed", true).containsEntry("last_event_at", "2026-12-06T23:00:00Z");
          assertThat(slack.getString("last_error")).isEqualTo("apps.connections.open: invalid_auth with "
              + Redactor.MASK);
          assertThat(strings(h, "warnings")).contains("gateway-slack runs but its listener is not ready: "
              + "apps.connections.open: invalid_auth with " + Redactor.MASK);
          assertThat(resp.bodyAsString()).doesNotContain("xapp-app-token");
          ctx.completeNow();
        })));
  }

  private static List<String> strings(JsonObject json, String key) {
    return json.getJsonArray(key).stream().map(Object::toString).toList();
  }
}
