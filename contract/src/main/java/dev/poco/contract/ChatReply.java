package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Gateway → orchestrator, the answer to a {@link ChatRequest}: the chat's id and the name it shows, which may differ
 * from the project's (Slack channel names are lower case, without spaces, at most 80 characters). Empty for a dissolve.
 */
public record ChatReply(String chatId, String name) {
  public JsonObject toJson() { return Jsons.putIf(Jsons.putIf(new JsonObject(), "chat_id", chatId), "name", name); }

  public static ChatReply fromJson(JsonObject j) { return new ChatReply(j.getString("chat_id"), j.getString("name")); }
}
