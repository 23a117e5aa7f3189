package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Reply;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
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
@DisplayName("Secrets")
class SecretsTest {
  static final String SECRET = "FEISHU-SECRET-8c1f2e9a";
  static final JsonObject CONFIG = new JsonObject().put(ConfigKeys.FEISHU_APP_ID, "cli_a1b2c3")
      .put(ConfigKeys.FEISHU_APP_SECRET, SECRET).put(ConfigKeys.SLACK_SIGNING_SECRET, "slack-signing-7d7d7d")
      .put(ConfigKeys.backendKey("codex", "COMMAND"), "/opt/bin/codex").put(ConfigKeys.HTTP_MAX_BODY, 4096);

  @Test
  @DisplayName("/debug/env lists every whitelisted key with presence and length only")
  void debugEnv(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx, CONFIG).compose(edge -> edge.get("/debug/env"))
        .onComplete(ctx.succeeding(resp -> ctx.verify(() -> {
      assertThat(resp.statusCode()).isEqualTo(200);
      JsonObject keys = resp.bodyAsJsonObject().getJsonObject("keys");
      assertThat(keys.fieldNames()).containsAll(DebugRoutes.KEYS).containsAll(ConfigKeys.SECRETS)
          .contains(ConfigKeys.HOME, ConfigKeys.STUB_DELTA_MS, "POCO_CLAUDE_PERMISSION_MODE", "POCO_CURSOR_MODE",
              "POCO_COCO_APPROVAL_MODE", "POCO_CAPO_TIMEOUT_SECONDS", "POCO_CODEX_TRANSPORT_IDLE_SECONDS");
      assertThat(keys.getJsonObject(ConfigKeys.FEISHU_APP_SECRET))
          .isEqualTo(new JsonObject().put("present", true).put("length", SECRET.length()));
      assertThat(keys.getJsonObject("POCO_CODEX_COMMAND"))
          .isEqualTo(new JsonObject().put("present", true).put("length", "/opt/bin/codex".length()));
      assertThat(keys.getJsonObject(ConfigKeys.SLACK_BOT_TOKEN))
          .isEqualTo(new JsonObject().put("present", false).put("length", 0));
      assertThat(keys.stream()).allSatisfy(e -> assertThat(((JsonObject) e.getValue()).fieldNames())
          .containsExactlyInAnyOrder("present", "length"));
      for (Object value : CONFIG.getMap().values()) assertThat(resp.bodyAsString()).doesNotContain(value.toString());
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("appear in no response body, even when the orchestrator or the caller echoes one")
  void nowhere(Vertx vertx, VertxTestContext ctx) {
    FakeBus bus = new FakeBus(vertx)
        .reply(Addresses.ORCHESTRATOR_HEALTH, b -> HealthRouteTest.orchestratorHealth()
            .put("agent_detail", "launched with --secret " + SECRET))
        .reply(Addresses.ORCHESTRATOR_INBOUND, b -> Reply.of(View.notice("Echo", b.getString("text"))).toJson())
        .reply(Addresses.ORCHESTRATOR_TASK_LIST, b -> new JsonObject().put("tasks", new JsonArray()
            .add(Fixtures.task("t1", TaskStatus.COMPLETED).toBuilder().output("env: " + SECRET)
                .build().toJson())))
        .reply(Addresses.ORCHESTRATOR_TASK_GET, b -> {
          throw Bus.error(404, "unknown task " + b.getString("task_id"));
        })
        .reply(Addresses.ORCHESTRATOR_INTENT, b -> {
          throw Bus.error(400, "unknown intent " + b.getString("intent_key"));
        });
    JsonObject action = new JsonObject().put("event", new JsonObject()
        .put("action", new JsonObject().put("value", new JsonObject().put("intent_key", SECRET))));
    bus.ready().compose(v -> Edge.deploy(vertx, CONFIG)).compose(edge -> Future.all(List.of(
            edge.get("/health"), edge.get("/debug/env"), edge.get("/tasks"), edge.get("/tasks/" + SECRET),
            edge.get("/nope/" + SECRET), edge.post("/demo/command", new JsonObject().put("text", "say " + SECRET)),
            edge.post("/demo/card-actions", action),
            edge.post("/demo/command", "application/json", Buffer.buffer("{\"text\": " + SECRET + "}")),
            edge.post("/demo/command", "application/json", Buffer.buffer("x".repeat(5000) + SECRET)),
            edge.post("/platform/feishu/events", "application/json", Buffer.buffer(SECRET)))))
        .onComplete(ctx.succeeding(all -> ctx.verify(() -> {
          List<HttpResponse<Buffer>> resps = all.list();
          assertThat(resps).extracting(HttpResponse::statusCode)
              .containsExactly(200, 200, 200, 404, 404, 200, 400, 400, 413, 503);
          for (HttpResponse<Buffer> resp : resps) {
            assertThat(resp.bodyAsString()).doesNotContain(SECRET);
          }
          assertThat(resps.get(0).bodyAsJsonObject().getString("agent_detail")).endsWith(Redactor.MASK);
          assertThat(resps.get(5).bodyAsString()).contains("say " + Redactor.MASK);
          ctx.completeNow();
        })));
  }
}
