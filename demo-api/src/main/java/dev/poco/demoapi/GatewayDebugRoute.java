package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.Platforms;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /debug/feishu and /debug/slack: the gateway's debug ring (Addresses.gatewayDebug), or, when no gateway of that
 * platform answers, whether one should: 200 {platform, configured, deployed: false, note}. Guarded like every
 * /debug route (EdgeGuard: loopback trust or the bearer token). Secret-looking keys are dropped from the gateway's
 * answer before it leaves (SecretKeys), whatever the gateway redacted itself.
 */
final class GatewayDebugRoute {
  /** Short: the ring is in memory, and a debug page should not hang on a stuck gateway. */
  static final long GATEWAY_TIMEOUT_MS = 2_000;
  static final int MAX_LIMIT = 1_000;

  private final Vertx vertx;
  private final PlatformHealth platforms;
  private final Responses responses;

  GatewayDebugRoute(Vertx vertx, PlatformHealth platforms, Responses responses) {
    this.vertx = vertx;
    this.platforms = platforms;
    this.responses = responses;
  }

  void mount(Router router) {
    router.get("/debug/" + Platforms.FEISHU).handler(ctx -> debug(ctx, Platforms.FEISHU));
    router.get("/debug/" + Platforms.SLACK).handler(ctx -> debug(ctx, Platforms.SLACK));
  }

  private void debug(RoutingContext ctx, String platform) {
    JsonObject ask = new JsonObject();
    String limit = ctx.request().getParam("limit");
    if (limit != null) {
      try {
        int n = Integer.parseInt(limit.trim());
        if (n < 1 || n > MAX_LIMIT) throw new NumberFormatException();
        ask.put("limit", n);
      } catch (NumberFormatException e) {
        responses.error(ctx, 400, "limit must be a whole number from 1 to " + MAX_LIMIT);
        return;
      }
    }
    Bus.request(vertx.eventBus(), Addresses.gatewayDebug(platform), ask, GATEWAY_TIMEOUT_MS).onComplete(ar -> {
      if (ar.succeeded()) {
        JsonObject body = SecretKeys.strip(ar.result() == null ? new JsonObject() : ar.result());
        if (!body.containsKey("platform")) body.put("platform", platform);
        if (!body.containsKey("deployed")) body.put("deployed", true);
        responses.ok(ctx, body);
      } else if (absent(ar.cause())) {
        responses.ok(ctx, notDeployed(platform, ar.cause()));
      } else {
        HttpError e = HttpErrors.fromBus(ar.cause(), "gateway-" + platform);
        responses.error(ctx, e.status(), e.getMessage());
      }
    });
  }

  /** Nobody serves the address, or nobody answered in time: as far as the edge can tell, no gateway runs. */
  private static boolean absent(Throwable err) {
    return err instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT);
  }

  private JsonObject notDeployed(String platform, Throwable err) {
    boolean configured = platforms.configured().contains(platform);
    boolean silent = ((ReplyException) err).failureType() == ReplyFailure.TIMEOUT;
    String note;
    if (configured) {
      note = platform + " credentials are set but no gateway-" + platform + " runs in this cluster"
          + (silent ? " (nothing answered " + Addresses.gatewayDebug(platform) + " within " + GATEWAY_TIMEOUT_MS
          + " ms)" : "");
    } else {
      note = platform + " is off: set " + String.join(" and ", platforms.unset(platform)) + " to enable it";
    }
    return new JsonObject().put("platform", platform).put("configured", configured).put("deployed", false)
        .put("note", note);
  }
}
