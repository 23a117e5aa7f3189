package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Jsons;
import dev.poco.contract.Platforms;
import dev.poco.runtime.Settings;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * GET /health: the orchestrator's view of runners, state and tasks, plus what the edge knows from config and from
 * asking each platform's gateway (Addresses.gatewayHealth). A gateway that answers fills its platform's entry with
 * its own view (configured, delivery_mode, listener_ready, connected_since, last_event_at, last_error) and
 * deployed: true; none answering leaves listener_ready: false, deployed: false, and makes the status degraded when
 * the platform is configured. Callers the edge does not serve in full (no token off loopback, a
 * foreign Host or Origin) get only {"status"}: enough for probes, nothing for anyone else.
 */
final class HealthRoute {
  // `poco status` and probes poll /health: answer "degraded" quickly rather than wait out Bus.TIMEOUT_MS.
  static final long ORCHESTRATOR_TIMEOUT_MS = 3_000;
  static final long GATEWAY_TIMEOUT_MS = 2_000;
  /** What /health takes from a gateway's health reply (see Addresses.gatewayHealth), over the edge's config view. */
  static final List<String> GATEWAY_KEYS = List.of("configured", "delivery_mode", "listener_ready", "connected_since",
      "last_event_at", "last_error", "gateway_id");
  private static final List<String> EDGE_KEYS =
      List.of("status", "reasons", "mode", "feishu", "slack", "http", "missing", "warnings", "uptime_ms");

  private final Vertx vertx;
  private final Settings settings;
  private final EdgeConfig edge;
  private final PlatformHealth platforms;
  private final IntSupplier port;
  private final Responses responses;
  private final long startedAt = System.currentTimeMillis();

  HealthRoute(Vertx vertx, Settings settings, EdgeConfig edge, IntSupplier port, Responses responses) {
    this.vertx = vertx;
    this.settings = settings;
    this.edge = edge;
    this.platforms = new PlatformHealth(settings, edge);
    this.port = port;
    this.responses = responses;
  }

  void mount(Router router) {
    router.get("/health").handler(this::health);
  }

  private void health(RoutingContext ctx) {
    Future<JsonObject> orchestrator =
        Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_HEALTH, new JsonObject(), ORCHESTRATOR_TIMEOUT_MS);
    Map<String, Future<JsonObject>> gateways = new LinkedHashMap<>();
    // Every platform, configured here or not: in a cluster the gateway's node holds the credentials that count.
    for (String platform : List.of(Platforms.FEISHU, Platforms.SLACK)) {
      gateways.put(platform, Bus.request(vertx.eventBus(), Addresses.gatewayHealth(platform), new JsonObject(),
          GATEWAY_TIMEOUT_MS));
    }
    List<Future<JsonObject>> all = new ArrayList<>(gateways.values());
    all.add(orchestrator);
    Future.join(all).onComplete(done -> {
      JsonObject full = compose(orchestrator, gateways);
      responses.ok(ctx, EdgeGuard.fullHealth(ctx) ? full : new JsonObject().put("status", full.getString("status")));
    });
  }

  private JsonObject compose(AsyncResult<JsonObject> orchestrator, Map<String, Future<JsonObject>> gateways) {
    JsonArray reasons = new JsonArray();
    JsonObject out = new JsonObject().put("mode", platforms.mode());
    JsonArray missing = new JsonArray();
    JsonArray warnings = new JsonArray();
    if (orchestrator.succeeded()) {
      JsonObject body = orchestrator.result();
      body.fieldNames().stream().filter(k -> !EDGE_KEYS.contains(k)).forEach(k -> out.put(k, body.getValue(k)));
      markEdgeNode(out);
      missing.addAll(body.getJsonArray("missing", new JsonArray()));
      warnings.addAll(body.getJsonArray("warnings", new JsonArray()));
    } else {
      out.put("agent_backend", settings.str(ConfigKeys.AGENT_BACKEND, "codex")).put("agent_ready", false)
          .put("agent_detail", "unknown: the orchestrator is not answering").put("runners", new JsonArray());
      missing.add(orchestratorProblem(orchestrator.cause()));
      reasons.add(orchestratorProblem(orchestrator.cause()));
    }
    JsonObject feishu = platforms.feishu();
    JsonObject slack = platforms.slack();
    gateways.forEach((platform, reply) -> {
      JsonObject entry = platform.equals(Platforms.FEISHU) ? feishu : slack;
      if (reply.succeeded()) {
        JsonObject gateway = SecretKeys.strip(reply.result() == null ? new JsonObject() : reply.result());
        for (String key : GATEWAY_KEYS) if (gateway.containsKey(key)) entry.put(key, gateway.getValue(key));
        entry.put("listener_ready", Jsons.bool(gateway, "listener_ready", false)).put("deployed", true);
        if (!entry.getBoolean("listener_ready") && Jsons.bool(entry, "configured", false)) {
          warnings.add("gateway-" + platform + " runs but its listener is not ready"
              + (gateway.getValue("last_error") instanceof String err ? ": " + err : ""));
        }
      } else {
        entry.put("listener_ready", false).put("deployed", false);
        if (platforms.configured().contains(platform)) {
          String problem = PlatformHealth.gatewayProblem(platform, reply.cause());
          missing.add(problem);
          reasons.add(problem);
        }
      }
    });
    platforms.missing().forEach(missing::add);
    platforms.warnings().forEach(warnings::add);
    out.put("status", reasons.isEmpty() ? "ok" : "degraded");
    if (!reasons.isEmpty()) out.put("reasons", reasons);
    return out.put("feishu", feishu).put("slack", slack)
        // The 0.4 README tells users to look for this flat key.
        .put("feishu_listener_ready", feishu.getBoolean("listener_ready"))
        .put("http", new JsonObject().put("host", edge.host()).put("port", port.getAsInt()))
        .put("missing", missing).put("warnings", warnings)
        .put("uptime_ms", System.currentTimeMillis() - startedAt);
  }

  /** The caller asked this edge, whose node need not be the orchestrator's: "this" is the edge's node. */
  private void markEdgeNode(JsonObject out) {
    if (!(out.getValue("cluster") instanceof JsonObject cluster) || !vertx.isClustered()) return;
    String me = ((VertxInternal) vertx).clusterManager().getNodeId();
    cluster.put("this_node", me);
    for (Object o : cluster.getJsonArray("nodes", new JsonArray())) {
      if (o instanceof JsonObject n) n.put("this", me.equals(n.getString("node_id")));
    }
  }

  private static String orchestratorProblem(Throwable err) {
    HttpError e = HttpErrors.fromBus(err, HttpErrors.ORCHESTRATOR);
    return switch (e.status()) {
      case 503 -> "the orchestrator is not running: nothing serves " + Addresses.ORCHESTRATOR_HEALTH;
      case 504 -> "the orchestrator did not answer its health check within " + ORCHESTRATOR_TIMEOUT_MS + " ms";
      default -> "the orchestrator failed its health check: " + e.getMessage();
    };
  }
}
