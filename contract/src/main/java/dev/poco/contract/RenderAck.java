package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → orchestrator, the answer to a {@link RenderRequest}: the view was shown (or dropped as stale, or
 * superseded by a newer version already shown). A failure reply instead means it was not shown; a must-show render
 * is then sent again.
 *
 * @param gatewayId the instance that handled it: later renders of the card go to its own address
 * @param messageId the message that shows the card: the new one when the render was a post, else the one patched.
 *     Opaque to the orchestrator: it keeps it with the card and sends it back as {@link RenderRequest#messageId()},
 *     so a gateway may carry its own binding in it (Feishu: the CardKit entity of a task card, so the card streams on
 *     after a gateway restart)
 * @param stale true when the version was not newer than the one shown, so nothing was changed
 */
public record RenderAck(String gatewayId, String messageId, boolean stale) {
  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("gateway_id", gatewayId);
    if (stale) j.put("stale", true);
    return Jsons.putIf(j, "message_id", messageId);
  }

  public static RenderAck fromJson(JsonObject j) {
    return new RenderAck(Jsons.required(j, "gateway_id"), j.getString("message_id"), Jsons.bool(j, "stale", false));
  }
}
