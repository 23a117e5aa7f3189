package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * A chat message from any platform, already acked by its gateway. De-duplication is the orchestrator's, through the
 * store: a gateway passes every delivery on, redeliveries included.
 *
 * @param chatType {@link Platforms#CHAT_DM} or {@link Platforms#CHAT_GROUP}
 * @param eventId the platform's event id: marked with the work it caused (a task's first save, one transaction), so a
 *     redelivery after a failed delivery runs once and one after a success is answered with a {@link Reply}
 *     marked {@code duplicate}, doing nothing
 * @param trusted set only by a surface that cannot be reached from outside (the demo API on loopback):
 *     its user is allowed without being on the access list
 * @param slashCommand the text came from a platform slash command (Slack's {@code /poco}) rather than a message:
 *     a view answering it is shown to the user only
 */
public record InboundMessage(String platform, String chatId, String chatType, String userId, String text,
    String messageId, String eventId, String threadId, boolean trusted, boolean slashCommand) {

  public InboundMessage(String platform, String chatId, String chatType, String userId, String text,
      String messageId, String eventId, String threadId, boolean trusted) {
    this(platform, chatId, chatType, userId, text, messageId, eventId, threadId, trusted, false);
  }

  public ReplyTarget target() { return new ReplyTarget(platform, chatId, threadId); }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("platform", platform).put("chat_id", chatId).put("chat_type", chatType)
        .put("user_id", userId).put("text", text).put("trusted", trusted);
    Jsons.putIf(j, "message_id", messageId);
    Jsons.putIf(j, "event_id", eventId);
    if (slashCommand) j.put("slash_command", true);
    return Jsons.putIf(j, "thread_id", threadId);
  }

  public static InboundMessage fromJson(JsonObject j) {
    return new InboundMessage(Jsons.required(j, "platform"), Jsons.required(j, "chat_id"),
        j.getString("chat_type", Platforms.CHAT_GROUP), Jsons.required(j, "user_id"), j.getString("text", ""),
        j.getString("message_id"), j.getString("event_id"), j.getString("thread_id"), Jsons.bool(j, "trusted", false),
        Jsons.bool(j, "slash_command", false));
  }
}
