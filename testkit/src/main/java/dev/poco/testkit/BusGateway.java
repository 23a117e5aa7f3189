package dev.poco.testkit;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * What a platform gateway hands the orchestrator once it has verified a platform payload: the only path on which a
 * test may name any user (the HTTP edge speaks for one identity, never for a user id in a body). Call the blocking
 * methods from the test thread; answers are the orchestrator's Reply JSON (a refusal carries its code in "refused").
 */
public final class BusGateway {
  private final Vertx vertx;
  private final String platform;

  public BusGateway(Vertx vertx, String platform) {
    this.vertx = vertx;
    this.platform = platform;
  }

  public JsonObject message(String chatId, String userId, String text) {
    return messageAsync(chatId, userId, text).await();
  }

  /** Sends without waiting, for messages that must be in flight together; never await it on an event loop. */
  public Future<JsonObject> messageAsync(String chatId, String userId, String text) {
    return messageAsync(chatId, userId, text, fresh("evt"));
  }

  /** A delivery with the platform event id the test chose: the same id again is a platform's redelivery. */
  public JsonObject message(String chatId, String userId, String text, String eventId) {
    return messageAsync(chatId, userId, text, eventId).await();
  }

  public Future<JsonObject> messageAsync(String chatId, String userId, String text, String eventId) {
    InboundMessage msg = new InboundMessage(platform, chatId, Platforms.CHAT_GROUP, userId, text, "msg_" + eventId,
        eventId, null, false);
    return Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INBOUND, msg.toJson(), Bus.EDGE_TIMEOUT_MS);
  }

  /** Whether a Reply answers a redelivery that was handled before (a gateway shows nothing for it). */
  public static boolean duplicate(JsonObject reply) { return reply.getBoolean("duplicate", false); }

  /** The refusal code of a Reply, 0 when the request was done. */
  public static int refused(JsonObject reply) { return reply.getInteger("refused", 0); }

  public JsonObject click(String chatId, String userId, String intentKey, JsonObject params) {
    return click(chatId, userId, intentKey, params, fresh("req"), null);
  }

  /** A card callback as the platform delivers it, with its request id and event id (the same again: a redelivery). */
  public JsonObject click(String chatId, String userId, String intentKey, JsonObject params, String requestId,
      String eventId) {
    JsonObject value = new JsonObject().put("intent_key", intentKey).put("request_id", requestId);
    if (params != null) value.mergeIn(params);
    CardIntent intent = new CardIntent(platform, chatId, Platforms.CHAT_GROUP, userId, null, intentKey, requestId,
        value, new JsonObject(), false, eventId);
    return Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_INTENT, intent.toJson(), Bus.EDGE_TIMEOUT_MS).await();
  }

  private static String fresh(String kind) { return "gw_" + kind + "_" + UUID.randomUUID(); }
}
