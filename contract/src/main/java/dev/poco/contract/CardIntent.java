package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
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
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record CardIntent(@JsonProperty(required = true) String platform,
    @JsonInclude(JsonInclude.Include.NON_NULL) String chatId, @JsonInclude(JsonInclude.Include.NON_NULL) String chatType,
    @JsonProperty(required = true) String userId, @JsonInclude(JsonInclude.Include.NON_NULL) String messageId,
    @JsonProperty(required = true) String intentKey, @JsonInclude(JsonInclude.Include.NON_NULL) String requestId,
    @JsonProperty(defaultValue = "{}") JsonObject value, @JsonProperty(defaultValue = "{}") JsonObject form,
    boolean trusted, @JsonInclude(JsonInclude.Include.NON_NULL) String eventId) {

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

  public JsonObject toJson() { return Records.toJson(this); }

  public static CardIntent fromJson(JsonObject j) { return Records.fromJson(j, CardIntent.class); }
}
