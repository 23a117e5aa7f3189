package dev.poco.testkit.fakes;

import static dev.poco.testkit.fakes.FakeFeishu.*;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The IM endpoints of {@link FakeFeishu}: messages, replies, card PATCH, reactions (feishu.md §3, §4) and group chats
 * (§3 Groups), with the checks and codes of §2. State lives in the fake; every handler answers through its Call.
 */
final class FeishuImApi {
  private static final long UUID_WINDOW_MS = 3600_000L;
  private static final Set<String> MSG_TYPES = Set.of("text", "post", "interactive", "image", "file", "audio", "media",
      "sticker", "share_chat", "share_user");
  private final FakeFeishu fake;

  FeishuImApi(FakeFeishu fake) { this.fake = fake; }

  // ---- messages (§3) ----

  void send(FakeFeishu.Call c) {
    String type = c.req.getParam("receive_id_type");
    String receiveId = c.body().getString("receive_id");
    if (type == null || receiveId == null || receiveId.isBlank()) {
      c.error(400, INVALID_PARAM, "receive_id_type and receive_id are required");
      return;
    }
    FeishuChat chat;
    switch (type) {
      case "chat_id" -> chat = fake.chat(receiveId);
      case "open_id" -> chat = receiveId.startsWith("ou_") ? fake.p2pChat(receiveId) : null;
      default -> {
        c.error(400, INVALID_PARAM, "the fake takes receive_id_type chat_id or open_id, not " + type);
        return;
      }
    }
    if (chat == null) {
      c.error(400, INVALID_PARAM, "invalid receive_id: " + receiveId);
      return;
    }
    deliver(c, chat, null);
  }

  void reply(FakeFeishu.Call c, String parentId) {
    FeishuMessage parent = fake.message(parentId);
    if (parent == null) {
      c.error(400, INVALID_PARAM, "invalid message_id: " + parentId);
      return;
    }
    if (parent.recalled()) {
      c.error(400, RECALLED, "the message has been recalled");
      return;
    }
    deliver(c, fake.chat(parent.chatId), parentId);
  }

  /** Send and reply share the checks: msg_type, content a JSON string, card or text limits, membership, 5/s. */
  void deliver(FakeFeishu.Call c, FeishuChat chat, String parentId) {
    JsonObject b = c.body();
    String msgType = b.getString("msg_type");
    if (msgType == null || !MSG_TYPES.contains(msgType)) {
      c.error(400, INVALID_PARAM, "invalid msg_type: " + msgType);
      return;
    }
    String uuid = b.getString("uuid");
    synchronized (LOCK) {
      Object[] seen = uuid == null ? null : fake.uuids.get("msg:" + uuid);
      if (seen != null && (long) seen[0] > fake.nowMs() - UUID_WINDOW_MS) {
        c.ok(((FeishuMessage) seen[1]).toApi(TENANT_KEY)); // same uuid within 1 h: sent at most once (§3)
        return;
      }
    }
    FeishuCards.Refusal refused = checkContent(b.getValue("content"), msgType);
    String content = refused == null ? (String) b.getValue("content") : null;
    String cardId = null;
    if (refused == null && msgType.equals("interactive")) {
      JsonObject j = new JsonObject(content);
      if ("card".equals(j.getString("type")) && j.getJsonObject("data") != null) {
        cardId = j.getJsonObject("data").getString("card_id");
        FeishuCardKit.Sendable s = fake.cardKit.takeForSending(cardId);
        if (s.refusal() != null) {
          c.error(400, s.refusal().code(), s.refusal().msg());
          return;
        }
        content = s.card();
      } else {
        refused = FeishuCards.check(content);
      }
    }
    if (refused != null) {
      c.error(400, refused.code(), refused.msg());
      return;
    }
    if (chat.dissolved() || !chat.members().contains(fake.appId)) {
      c.error(400, BOT_NOT_IN_CHAT, "Bot is not in the chat");
      return;
    }
    if (fake.overFivePerSecond("chat:" + chat.chatId)) {
      c.error(400, FREQUENCY_LIMIT, "The message sending frequency has exceeded the limit");
      return;
    }
    FeishuMessage m;
    synchronized (LOCK) {
      m = new FeishuMessage("om_" + fake.next(), chat.chatId, msgType, "app", fake.appId, fake.nowMs(), parentId, content);
      m.cardId = cardId;
      chat.messages.add(m);
      fake.messages.put(m.messageId, m);
      if (uuid != null) fake.uuids.put("msg:" + uuid, new Object[] {fake.nowMs(), m});
      if (cardId != null) fake.cardKit.bind(cardId, m);
      c.ok(m.toApi(TENANT_KEY));
    }
  }

  /** content must be a string holding JSON (§3); text ≤ 150 KB. Card checks are {@link FeishuCards#check}. */
  static FeishuCards.Refusal checkContent(Object content, String msgType) {
    if (!(content instanceof String s)) {
      return new FeishuCards.Refusal(INVALID_PARAM, "content must be a string holding JSON, not "
          + (content == null ? "missing" : content.getClass().getSimpleName()));
    }
    JsonObject j;
    try {
      j = new JsonObject(s);
    } catch (RuntimeException e) {
      return new FeishuCards.Refusal(INVALID_PARAM, "content is not valid JSON");
    }
    if (msgType.equals("text")) {
      if (!(j.getValue("text") instanceof String)) return new FeishuCards.Refusal(INVALID_PARAM, "text content needs text");
      if (s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FeishuCards.MAX_TEXT_BYTES) {
        return new FeishuCards.Refusal(CONTENT_TOO_LONG, "content too long: text over 150 KB");
      }
    }
    return null;
  }

  void patch(FakeFeishu.Call c, String messageId) {
    FeishuMessage m = fake.message(messageId);
    if (m == null) {
      c.error(400, INVALID_PARAM, "invalid message_id: " + messageId);
      return;
    }
    if (m.recalled()) {
      c.error(400, RECALLED, "the message has been recalled");
      return;
    }
    if (!m.isCard()) {
      c.error(400, INVALID_PARAM, "only interactive messages can be updated with PATCH; this is " + m.msgType);
      return;
    }
    if (!("app".equals(m.senderType) && fake.appId.equals(m.senderId))) {
      c.error(400, NO_PERMISSION, "only the sender can update a message");
      return;
    }
    if (fake.nowMs() - m.createTimeMs > UPDATE_WINDOW_MS) {
      c.error(400, TOO_OLD, "Message can only be updated within fourteen days");
      return;
    }
    FeishuCards.Refusal refused = checkContent(c.body().getValue("content"), "interactive");
    String content = refused == null ? (String) c.body().getValue("content") : null;
    if (refused == null) refused = FeishuCards.check(content);
    if (refused == null && !FeishuCards.updateMulti(m.json())) {
      refused = new FeishuCards.Refusal(INVALID_PARAM, "update_multi must be true in the old card");
    }
    if (refused != null) {
      c.error(400, refused.code(), refused.msg());
      return;
    }
    if (fake.overFivePerSecond("patch:" + messageId)) {
      c.error(400, FREQUENCY_LIMIT, "The message update frequency has exceeded the limit (5 QPS per message)");
      return;
    }
    synchronized (LOCK) {
      m.contents.add(content);
    }
    c.ok(new JsonObject());
  }

  void getMessage(FakeFeishu.Call c, String messageId) {
    FeishuMessage m = fake.message(messageId);
    if (m == null) {
      c.error(400, INVALID_PARAM, "invalid message_id: " + messageId);
      return;
    }
    synchronized (LOCK) {
      c.ok(new JsonObject().put("items", new JsonArray().add(m.toApi(TENANT_KEY))));
    }
  }

  void recallByBot(FakeFeishu.Call c, String messageId) {
    FeishuMessage m = fake.message(messageId);
    if (m == null || !fake.appId.equals(m.senderId)) {
      c.error(400, m == null ? INVALID_PARAM : NO_PERMISSION, "cannot recall " + messageId);
      return;
    }
    fake.recall(messageId);
    c.ok(new JsonObject());
  }

  void react(FakeFeishu.Call c, String messageId) {
    FeishuMessage m = fake.message(messageId);
    JsonObject type = c.body().getJsonObject("reaction_type");
    if (m == null || type == null || type.getString("emoji_type") == null) {
      c.error(400, INVALID_PARAM, "invalid message_id or reaction_type");
      return;
    }
    synchronized (LOCK) { m.reactions.add(type.getString("emoji_type")); }
    c.ok(new JsonObject().put("reaction_id", "rc_" + fake.next()).put("action_time", String.valueOf(fake.nowMs()))
        .put("operator", new JsonObject().put("operator_id", fake.appId).put("operator_type", "app"))
        .put("reaction_type", type));
  }

  // ---- chats (§3 Groups) ----

  void createChat(FakeFeishu.Call c) {
    JsonObject b = c.body();
    String uuid = c.req.getParam("uuid");
    JsonArray users = b.getJsonArray("user_id_list", new JsonArray());
    JsonArray bots = b.getJsonArray("bot_id_list", new JsonArray());
    if (users.size() > 50 || bots.size() > 5) {
      c.error(400, INVALID_PARAM, "at most 50 users and 5 bots per call");
      return;
    }
    FeishuChat chat;
    synchronized (LOCK) {
      FeishuChat same = uuid == null ? null : fake.chats.values().stream().filter(x -> uuid.equals(x.uuid)).findFirst()
          .orElse(null);
      if (same != null) {
        c.ok(chatJson(same)); // the same uuid: the same chat (idempotent create)
        return;
      }
      String owner = b.getString("owner_id", "");
      chat = new FeishuChat("oc_" + fake.next(), "group", b.getString("name", ""), owner.isEmpty() ? fake.appId : owner, uuid);
      chat.members.add(fake.appId);
      if (!owner.isEmpty()) chat.members.add(owner);
      users.forEach(u -> chat.members.add(String.valueOf(u)));
      bots.forEach(x -> chat.members.add(String.valueOf(x)));
      fake.chats.put(chat.chatId, chat);
    }
    c.ok(chatJson(chat));
  }

  JsonObject chatJson(FeishuChat chat) {
    return new JsonObject().put("chat_id", chat.chatId).put("name", chat.name).put("owner_id", chat.ownerId)
        .put("owner_id_type", chat.ownerId.equals(fake.appId) ? "app_id" : "open_id").put("chat_mode", "group")
        .put("chat_type", "private").put("external", false).put("tenant_key", TENANT_KEY);
  }

  FeishuChat liveChat(FakeFeishu.Call c, String chatId) {
    FeishuChat chat = fake.chat(chatId);
    if (chat == null || chat.dissolved()) {
      c.error(400, INVALID_PARAM, "invalid chat_id: " + chatId);
      return null;
    }
    if (!chat.members().contains(fake.appId)) {
      c.error(400, BOT_NOT_IN_CHAT, "Bot is not in the chat");
      return null;
    }
    return chat;
  }

  void getChat(FakeFeishu.Call c, String chatId) {
    FeishuChat chat = liveChat(c, chatId);
    if (chat != null) c.ok(chatJson(chat).put("user_count", String.valueOf(chat.members().size())));
  }

  void deleteChat(FakeFeishu.Call c, String chatId) {
    FeishuChat chat = liveChat(c, chatId);
    if (chat == null) return;
    synchronized (LOCK) { chat.dissolved = true; }
    c.ok(new JsonObject());
  }

  void addMembers(FakeFeishu.Call c, String chatId) {
    FeishuChat chat = liveChat(c, chatId);
    if (chat == null) return;
    JsonArray ids = c.body().getJsonArray("id_list", new JsonArray());
    if (ids.size() > 50) {
      c.error(400, INVALID_PARAM, "at most 50 users per call");
      return;
    }
    JsonArray invalid = new JsonArray();
    synchronized (LOCK) {
      for (Object o : ids) {
        String id = String.valueOf(o);
        if (id.startsWith("ou_") || id.startsWith("cli_")) chat.members.add(id);
        else invalid.add(id);
      }
    }
    c.ok(new JsonObject().put("invalid_id_list", invalid).put("not_existed_id_list", new JsonArray())
        .put("pending_approval_id_list", new JsonArray()));
  }

  void getMembers(FakeFeishu.Call c, String chatId) {
    FeishuChat chat = liveChat(c, chatId);
    if (chat == null) return;
    JsonArray items = new JsonArray();
    for (String id : chat.members()) {
      if (id.startsWith("ou_")) items.add(new JsonObject().put("member_id_type", "open_id").put("member_id", id)
          .put("name", id).put("tenant_key", TENANT_KEY));
    }
    c.ok(new JsonObject().put("items", items).put("page_token", "").put("has_more", false)
        .put("member_total", items.size()));
  }

  void botInfo(FakeFeishu.Call c) {
    // this endpoint answers {code, msg, bot} without a data wrapper
    c.answer(200, new JsonObject().put("code", 0).put("msg", "ok").put("bot", new JsonObject()
        .put("activate_status", 2).put("app_name", "PoCo").put("open_id", fake.botOpenId)
        .put("ip_white_list", new JsonArray())), null);
  }
}
