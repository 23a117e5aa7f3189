package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * A card action (button click or form submit), platform-neutral. {@code value} is what the view's
 * {@link ViewAction} carried (intent_key, request_id and its parameters); {@code form} holds the
 * submitted inputs by name.
 *
 * @param eventId the platform's id of this callback delivery (Feishu {@code card.action.trigger} event id, Slack
 *     interaction), null when the surface has none (the demo). The orchestrator acts once per event id, across its
 *     restarts: a redelivery gets a {@link Reply} marked {@code duplicate}.
 */
public record CardIntent(String platform, String chatId, String chatType, String userId, String messageId,
    String intentKey, String requestId, JsonObject value, JsonObject form, boolean trusted, String eventId) {

  /** A card action without a platform event id (the demo surface). */
  public CardIntent(String platform, String chatId, String chatType, String userId, String messageId,
      String intentKey, String requestId, JsonObject value, JsonObject form, boolean trusted) {
    this(platform, chatId, chatType, userId, messageId, intentKey, requestId, value, form, trusted, null);
  }

  public ReplyTarget target() { return new ReplyTarget(platform, chatId, null); }

  /** A parameter from the action value, else from the form. */
  public String param(String key) {
    Object v = value.getValue(key);
    if (v == null) v = form.getValue(key);
    return v == null ? null : v.toString();
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("platform", platform).put("user_id", userId).put("intent_key", intentKey)
        .put("value", value).put("form", form).put("trusted", trusted);
    Jsons.putIf(j, "chat_id", chatId);
    Jsons.putIf(j, "chat_type", chatType);
    Jsons.putIf(j, "message_id", messageId);
    Jsons.putIf(j, "event_id", eventId);
    return Jsons.putIf(j, "request_id", requestId);
  }

  public static CardIntent fromJson(JsonObject j) {
    return new CardIntent(Jsons.required(j, "platform"), j.getString("chat_id"), j.getString("chat_type"),
        Jsons.required(j, "user_id"), j.getString("message_id"), Jsons.required(j, "intent_key"),
        j.getString("request_id"), Jsons.obj(j, "value"), Jsons.obj(j, "form"), Jsons.bool(j, "trusted", false),
        j.getString("event_id"));
  }
}
