package dev.poco.gatewaykit;

import dev.poco.contract.Bus;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A gateway's consumer for the render addresses (shared and per instance): a malformed body is refused as 400, the
 * renderer's ack is the reply, and a render the platform refused fails with 500 so the orchestrator sends a
 * must-show one again (RenderRequest states the rules).
 */
public final class RenderEndpoint {
  private RenderEndpoint() {}

  public static Handler<Message<JsonObject>> handler(Function<RenderRequest, Future<RenderAck>> renderer) {
    return msg -> {
      RenderRequest r;
      try {
        r = RenderRequest.fromJson(msg.body());
      } catch (RuntimeException e) {
        Bus.fail(msg, e);
        return;
      }
      renderer.apply(r).onSuccess(ack -> msg.reply(ack.toJson())).onFailure(err -> msg.fail(500,
          err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage()));
    };
  }
}
