package dev.poco.demoapi;

import dev.poco.contract.CardIntent;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonObject;

/**
 * The Feishu-shaped card callback of the original demo API, read into a CardIntent:
 * {@code {"event": {"operator": {"open_id"}, "context": {"open_message_id", "open_chat_id"?},
 * "action": {"value": {"intent_key", "surface"?, "request_id", ...}, "form_value": {...}}}}}.
 * The operator's open_id is ignored: the clicking user is the caller the edge established.
 */
final class CardActionPayload {
  private CardActionPayload() {}

  static CardIntent toIntent(JsonObject body, EdgeGuard.Caller caller) {
    JsonObject event = Bodies.requiredObject(body, "event", "event");
    JsonObject context = Bodies.object(event, "context", "event.context");
    JsonObject action = Bodies.requiredObject(event, "action", "event.action");
    JsonObject value = Bodies.requiredObject(action, "value", "event.action.value").copy();
    JsonObject form = Bodies.object(action, "form_value", "event.action.form_value").copy();

    String intentKey = Bodies.requiredString(value, "intent_key", "event.action.value.intent_key");
    String requestId = Bodies.string(value, "request_id", "event.action.value.request_id", null);
    if (requestId == null) {
      requestId = DemoIds.fresh("req");
      value.put("request_id", requestId);
    }
    boolean dm = Platforms.CHAT_DM.equals(Bodies.string(value, "surface", "event.action.value.surface", null));
    String chatId = Bodies.string(context, "open_chat_id", "event.context.open_chat_id",
        dm ? DemoIds.DM_CHAT : DemoIds.GROUP_CHAT);
    String messageId = Bodies.string(context, "open_message_id", "event.context.open_message_id", null);
    return new CardIntent(Platforms.DEMO, chatId, dm ? Platforms.CHAT_DM : Platforms.CHAT_GROUP, caller.userId(),
        messageId, intentKey, requestId, value, form, caller.trusted());
  }
}
