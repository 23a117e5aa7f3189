package dev.poco.gateway.feishu;

import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns verified schema 2.0 envelopes into the contract: {@code im.message.receive_v1} into an
 * {@link InboundMessage} (feishu.md §5), {@code card.action.trigger} into a {@link CardIntent} (§6). Pure: no I/O.
 */
public final class FeishuEvents {
  private FeishuEvents() {}

  public static final String MESSAGE_RECEIVE = "im.message.receive_v1";
  public static final String CARD_ACTION = "card.action.trigger";

  /** A parse result: the value, or why the event is ignored (a bot's message, an unsupported message type). */
  public record Parsed<T>(T value, String ignored) {
    static <T> Parsed<T> of(T v) { return new Parsed<>(v, null); }

    static <T> Parsed<T> ignore(String why) { return new Parsed<>(null, why); }
  }

  /** A card action with what answering it needs beyond the intent. */
  public record CardAction(CardIntent intent, String openMessageId, String openChatId) {}

  private static final Pattern PLACEHOLDER = Pattern.compile("@_user_\\d+");
  private static final Pattern LEADING = Pattern.compile("^(\\s*@_user_\\d+)+\\s*");

  public static Parsed<InboundMessage> message(JsonObject envelope) {
    JsonObject header = obj(envelope, "header");
    JsonObject event = obj(envelope, "event");
    JsonObject sender = obj(event, "sender");
    JsonObject message = obj(event, "message");
    String senderType = sender.getString("sender_type", "");
    // Only people drive PoCo: the bot's own messages and other bots' are ignored (GATEWAYS.md, intake).
    if (!"user".equals(senderType)) return Parsed.ignore("sender_type '" + senderType + "' is not a user");
    String userId = obj(sender, "sender_id").getString("open_id");
    String chatId = message.getString("chat_id");
    if (blank(userId) || blank(chatId)) return Parsed.ignore("message without sender open_id or chat_id");
    String type = message.getString("message_type", "");
    JsonObject content = parseObject(message.getString("content"));
    String raw = switch (type) {
      case "text" -> content.getString("text", "");
      case "post" -> postText(content);
      default -> null;
    };
    if (raw == null) return Parsed.ignore("message_type '" + type + "' is not text");
    String text = withoutMentions(raw, message.getJsonArray("mentions"));
    String chatType = "p2p".equals(message.getString("chat_type")) ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    // In a thread (topic) a reply goes to the thread's root message: Feishu's reply API takes a message id. A prompt
    // in a group is itself what the replies belong under: the task's card answers it, and so does the line that tells
    // the phone the task ended.
    String threadId = blank(message.getString("thread_id")) ? null : emptyToNull(message.getString("root_id"));
    if (threadId == null && Platforms.CHAT_GROUP.equals(chatType)) threadId = emptyToNull(message.getString("message_id"));
    return Parsed.of(new InboundMessage(Platforms.FEISHU, chatId, chatType, userId, text,
        emptyToNull(message.getString("message_id")), emptyToNull(header.getString("event_id")), threadId, false));
  }

  /**
   * The text without the leading @mentions (the bot being addressed); a mention elsewhere becomes "@name" so the
   * sentence still reads.
   */
  static String withoutMentions(String text, JsonArray mentions) {
    Map<String, String> names = new HashMap<>();
    if (mentions != null) {
      for (int i = 0; i < mentions.size(); i++) {
        if (mentions.getValue(i) instanceof JsonObject m && m.getString("key") != null) {
          names.put(m.getString("key"), m.getString("name", ""));
        }
      }
    }
    String rest = LEADING.matcher(text).replaceFirst("");
    Matcher m = PLACEHOLDER.matcher(rest);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = names.get(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(name == null || name.isEmpty() ? "" : "@" + name));
    }
    m.appendTail(out);
    return out.toString().strip();
  }

  /** The plain text of a rich-text ("post") message: its title and text runs; an @ becomes its placeholder key. */
  static String postText(JsonObject content) {
    JsonObject post = content;
    if (!content.containsKey("content")) { // a localized post: {"zh_cn": {...}}
      for (String k : content.fieldNames()) {
        if (content.getValue(k) instanceof JsonObject o) {
          post = o;
          break;
        }
      }
    }
    StringBuilder out = new StringBuilder();
    JsonArray lines = post.getJsonArray("content", new JsonArray());
    for (int i = 0; i < lines.size(); i++) {
      if (!(lines.getValue(i) instanceof JsonArray runs)) continue;
      if (out.length() > 0) out.append('\n');
      for (int j = 0; j < runs.size(); j++) {
        if (!(runs.getValue(j) instanceof JsonObject run)) continue;
        switch (run.getString("tag", "")) {
          case "text", "a", "code_block" -> out.append(run.getString("text", ""));
          case "at" -> out.append(run.getString("user_id", "")).append(' ');
          default -> { }
        }
      }
    }
    return out.toString();
  }

  /** @param chatTypes chat types seen on messages (chat_id → dm|group), as a callback does not say it; may be empty */
  public static Parsed<CardAction> cardAction(JsonObject envelope, Map<String, String> chatTypes) {
    JsonObject header = obj(envelope, "header");
    JsonObject event = obj(envelope, "event");
    JsonObject action = obj(event, "action");
    JsonObject context = obj(event, "context");
    String userId = obj(event, "operator").getString("open_id");
    if (blank(userId)) return Parsed.ignore("card action without operator open_id");
    JsonObject value = action.getValue("value") instanceof String s ? parseObject(s) : obj(action, "value");
    String intentKey = value.getValue("intent_key") instanceof String k ? k : null;
    if (blank(intentKey)) return Parsed.ignore("card action whose value has no intent_key (not a PoCo button)");
    JsonObject form = obj(action, "form_value");
    String chatId = emptyToNull(context.getString("open_chat_id"));
    String messageId = emptyToNull(context.getString("open_message_id"));
    String chatType = chatId == null ? null : chatTypes.get(chatId);
    CardIntent intent = new CardIntent(Platforms.FEISHU, chatId, chatType, userId, messageId, intentKey,
        value.getValue("request_id") instanceof String r ? r : null, value, form, false,
        emptyToNull(header.getString("event_id")));
    return Parsed.of(new CardAction(intent, messageId, chatId));
  }

  static JsonObject obj(JsonObject j, String key) {
    return j != null && j.getValue(key) instanceof JsonObject o ? o : new JsonObject();
  }

  static JsonObject parseObject(String s) {
    if (s == null || s.isBlank()) return new JsonObject();
    try {
      return io.vertx.core.json.Json.decodeValue(s) instanceof JsonObject o ? o : new JsonObject();
    } catch (DecodeException e) {
      return new JsonObject();
    }
  }

  private static boolean blank(String s) { return s == null || s.isBlank(); }

  private static String emptyToNull(String s) { return blank(s) ? null : s; }
}
