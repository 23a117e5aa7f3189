package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A message as the fake Feishu holds it, with the full history of its contents: the content it was sent with, then one
 * entry per accepted PATCH (or CardKit write, or card callback answer). Guarded by the fake's lock.
 */
public final class FeishuMessage {
  public final String messageId;
  public final String chatId;
  public final String msgType;
  /** "app" or "user" (feishu.md §3 sender_type). */
  public final String senderType;
  /** The app_id for an app, the open_id for a user. */
  public final String senderId;
  public final long createTimeMs;
  public final String parentId;
  final List<String> contents = new ArrayList<>();
  boolean recalled;
  /** The CardKit entity this message shows, or null (feishu.md §11.1 "Send it"). */
  String cardId;
  final List<String> reactions = new ArrayList<>();

  FeishuMessage(String messageId, String chatId, String msgType, String senderType, String senderId, long createTimeMs,
      String parentId, String content) {
    this.messageId = messageId;
    this.chatId = chatId;
    this.msgType = msgType;
    this.senderType = senderType;
    this.senderId = senderId;
    this.createTimeMs = createTimeMs;
    this.parentId = parentId;
    contents.add(content);
  }

  /** Every content string, first the sent one, then each update in order. */
  public List<String> history() {
    synchronized (FakeFeishu.LOCK) {
      return List.copyOf(contents);
    }
  }

  /** The content a user sees now. */
  public String content() {
    synchronized (FakeFeishu.LOCK) {
      return contents.get(contents.size() - 1);
    }
  }

  /** The card a user sees now (interactive messages), or the text message's JSON. */
  public JsonObject json() { return new JsonObject(content()); }

  public boolean recalled() {
    synchronized (FakeFeishu.LOCK) {
      return recalled;
    }
  }

  public String cardId() {
    synchronized (FakeFeishu.LOCK) {
      return cardId;
    }
  }

  /** Emoji types of the reactions added to this message, in order. */
  public List<String> reactions() {
    synchronized (FakeFeishu.LOCK) {
      return List.copyOf(reactions);
    }
  }

  public boolean isCard() { return "interactive".equals(msgType); }

  /** What a user reads: the card's visible text, or the text message's text. */
  public String visibleText() {
    JsonObject j = json();
    return isCard() ? FeishuCards.visibleText(j) : j.getString("text", j.encode());
  }

  /** The Message object of the Feishu API (feishu.md §3 Send, response data). */
  JsonObject toApi(String tenantKey) {
    return new JsonObject().put("message_id", messageId).put("root_id", parentId == null ? "" : parentId)
        .put("parent_id", parentId == null ? "" : parentId).put("thread_id", "").put("msg_type", msgType)
        .put("create_time", String.valueOf(createTimeMs)).put("update_time", String.valueOf(createTimeMs))
        .put("deleted", recalled).put("updated", contents.size() > 1).put("chat_id", chatId)
        .put("sender", new JsonObject().put("id", senderId).put("id_type", "app".equals(senderType) ? "app_id" : "open_id")
            .put("sender_type", senderType).put("tenant_key", tenantKey))
        .put("body", new JsonObject().put("content", content()));
  }

  @Override
  public String toString() {
    return messageId + " " + msgType + " by " + senderType + ":" + senderId + " (" + history().size() + " versions)";
  }
}
