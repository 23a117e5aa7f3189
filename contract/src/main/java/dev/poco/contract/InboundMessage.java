package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
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
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record InboundMessage(@JsonProperty(required = true) String platform, @JsonProperty(required = true) String chatId,
    @JsonProperty(defaultValue = Platforms.CHAT_GROUP) String chatType, @JsonProperty(required = true) String userId,
    @JsonSetter(nulls = Nulls.AS_EMPTY) String text, @JsonInclude(JsonInclude.Include.NON_NULL) String messageId,
    @JsonInclude(JsonInclude.Include.NON_NULL) String eventId, @JsonInclude(JsonInclude.Include.NON_NULL) String threadId,
    boolean trusted, @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean slashCommand) {

  public InboundMessage(String platform, String chatId, String chatType, String userId, String text,
      String messageId, String eventId, String threadId, boolean trusted) {
    this(platform, chatId, chatType, userId, text, messageId, eventId, threadId, trusted, false);
  }

  public ReplyTarget target() { return new ReplyTarget(platform, chatId, threadId); }

  public JsonObject toJson() { return Records.toJson(this); }

  public static InboundMessage fromJson(JsonObject j) { return Records.fromJson(j, InboundMessage.class); }
}
