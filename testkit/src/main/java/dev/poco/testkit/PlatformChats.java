package dev.poco.testkit;

import dev.poco.contract.RenderRequest;
import dev.poco.contract.View;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The platform's side of a {@link RecordingGateway}: chats, the bot's messages in them with their views, ephemeral
 * cards, toasts. It outlives the gateway instance (as Feishu outlives a PoCo restart). Every method holds the lock:
 * the gateway's handlers call it on an event loop, the test thread reads it.
 */
final class PlatformChats {
  /** A group chat (made by a ChatRequest) or a DM. */
  static final class Chat {
    final String chatId;
    final String name;
    final String projectId;
    final boolean dm;
    final Set<String> members = new LinkedHashSet<>();
    boolean dissolved;

    Chat(String chatId, String name, String projectId, boolean dm) {
      this.chatId = chatId;
      this.name = name;
      this.projectId = projectId;
      this.dm = dm;
    }
  }

  /** What a render did: outcome (posted, patched, reposted, stale, not_found) and the message that shows the card. */
  record Applied(String outcome, String messageId) {}

  /** A toast shown to one user. */
  record Toast(String chatId, String userId, String text) {}

  private final Map<String, Chat> chats = new LinkedHashMap<>();
  private final Map<String, ShownMessage> messages = new LinkedHashMap<>();
  private final Map<String, ShownMessage> byCardKey = new HashMap<>();
  private final Map<String, Long> highest = new HashMap<>();
  private final List<Toast> toasts = new ArrayList<>();
  private int nextMessage;
  private int nextChat;
  private int nextEphemeral;

  static String dmChatId(String userId) { return "dm_" + userId; }

  synchronized Chat dm(String userId) {
    return chats.computeIfAbsent(dmChatId(userId), id -> {
      Chat c = new Chat(id, "DM " + userId, null, true);
      c.members.add(userId);
      return c;
    });
  }

  synchronized boolean isDm(String chatId) {
    Chat c = chats.get(chatId);
    return c != null ? c.dm : chatId.startsWith("dm_");
  }

  /** The chat of a project, made once: a create repeated for the same project id gets the same chat. */
  synchronized Chat createChat(String projectId, String name, String userId, boolean[] fresh) {
    for (Chat c : chats.values()) {
      if (projectId.equals(c.projectId) && !c.dissolved) {
        fresh[0] = false;
        return c;
      }
    }
    Chat c = new Chat("oc_" + (++nextChat), name, projectId, false);
    c.members.add(userId);
    chats.put(c.chatId, c);
    fresh[0] = true;
    return c;
  }

  synchronized void dissolve(String chatId) {
    Chat c = chats.get(chatId);
    if (c != null) c.dissolved = true;
  }

  /** Applies a render as the platform would: post, patch, or drop it as stale. */
  synchronized Applied render(RenderRequest r) {
    String key = r.cardKey();
    Long top = highest.get(key);
    ShownMessage bound = byCardKey.get(key);
    if (top != null && r.version() <= top) {
      return new Applied("stale", bound != null ? bound.messageId() : r.messageId());
    }
    ShownMessage m;
    String outcome;
    if (r.messageId() == null && bound != null) {
      m = bound; // a post repeated (its ack was lost): patch the message posted before
      m.show(r.view());
      outcome = "reposted";
    } else if (r.messageId() == null) {
      Chat c = chatOf(r.target().chatId());
      if (c.dissolved) return new Applied("not_found", null);
      m = add(c.chatId, null, "render", key, r.view());
      outcome = "posted";
    } else {
      m = messages.get(r.messageId());
      if (m == null || m.ephemeral()) return new Applied("not_found", null);
      m.show(r.view());
      m.bind(key);
      outcome = "patched";
    }
    byCardKey.putIfAbsent(key, m);
    highest.put(key, r.version());
    return new Applied(outcome, m.messageId());
  }

  synchronized ShownMessage post(String chatId, View view) {
    return add(chatOf(chatId).chatId, null, "reply", null, view);
  }

  synchronized ShownMessage ephemeral(String chatId, String userId, View view) {
    ShownMessage m = new ShownMessage("eph_" + (++nextEphemeral), chatId, userId, "reply", null, view);
    messages.put(m.messageId(), m);
    return m;
  }

  synchronized void replace(ShownMessage m, View view) { m.show(view); }

  synchronized void toast(String chatId, String userId, String text) { toasts.add(new Toast(chatId, userId, text)); }

  synchronized ShownMessage message(String id) { return messages.get(id); }

  synchronized List<ShownMessage> all() { return List.copyOf(messages.values()); }

  synchronized List<Chat> chats() { return List.copyOf(chats.values()); }

  synchronized Chat chat(String chatId) { return chats.get(chatId); }

  synchronized List<Toast> toasts() { return List.copyOf(toasts); }

  synchronized ShownMessage byCardKey(String key) { return byCardKey.get(key); }

  private ShownMessage add(String chatId, String visibleTo, String origin, String key, View view) {
    ShownMessage m = new ShownMessage("om_" + (++nextMessage), chatId, visibleTo, origin, key, view);
    messages.put(m.messageId(), m);
    return m;
  }

  private Chat chatOf(String chatId) {
    return chats.computeIfAbsent(chatId, id -> new Chat(id, id, null, id.startsWith("dm_")));
  }
}
