package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → gateway ({@link Addresses#gatewayChat}): create or dissolve a project's group chat / channel.
 * The project id is made before the call and is the idempotency key: a create repeated for the same project id
 * (a retry after a timeout) answers with the chat made the first time, never a second chat; a dissolve of a chat
 * already gone succeeds. Sent with {@link Bus#CHAT_TIMEOUT_MS}. Reply: {@link ChatReply}.
 *
 * @param op {@link #CREATE} (name, user_id: the creator, made a member) or {@link #DISSOLVE} (chat_id)
 */
public record ChatRequest(String op, String projectId, String name, String userId, String chatId) {
  public static final String CREATE = "create";
  public static final String DISSOLVE = "dissolve";

  public static ChatRequest create(String projectId, String name, String userId) {
    return new ChatRequest(CREATE, projectId, name, userId, null);
  }

  public static ChatRequest dissolve(String projectId, String chatId) {
    return new ChatRequest(DISSOLVE, projectId, null, null, chatId);
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("op", op).put("project_id", projectId);
    Jsons.putIf(j, "name", name);
    Jsons.putIf(j, "user_id", userId);
    return Jsons.putIf(j, "chat_id", chatId);
  }

  public static ChatRequest fromJson(JsonObject j) {
    String op = Jsons.required(j, "op");
    if (!CREATE.equals(op) && !DISSOLVE.equals(op)) throw new IllegalArgumentException("unknown op '" + op + "'");
    ChatRequest r = new ChatRequest(op, Jsons.required(j, "project_id"), j.getString("name"), j.getString("user_id"),
        j.getString("chat_id"));
    if (CREATE.equals(op)) {
      Jsons.required(j, "name");
      Jsons.required(j, "user_id");
    } else {
      Jsons.required(j, "chat_id");
    }
    return r;
  }
}
