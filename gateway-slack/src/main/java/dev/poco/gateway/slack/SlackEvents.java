package dev.poco.gateway.slack;

import dev.poco.contract.CardIntent;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Slack payloads into the contract (slack.md §2, §3): an Events API {@code message} into an {@link InboundMessage},
 * a {@code block_actions} interaction into a {@link CardIntent}, a slash command's form into an InboundMessage with
 * {@code slashCommand}. Pure functions; what is ignored says why.
 */
final class SlackEvents {
  private SlackEvents() {}

  /** A value, or why there is none. */
  record Parsed<T>(T value, String ignored) {
    static <T> Parsed<T> of(T v) { return new Parsed<>(v, null); }

    static <T> Parsed<T> ignore(String why) { return new Parsed<>(null, why); }
  }

  /**
   * A clicked button: the intent, and where the reply goes.
   *
   * @param triggerId the click's {@code trigger_id} (opens a modal within about 3 s, once), null when none
   */
  record Interaction(CardIntent intent, String channelId, String messageTs, boolean ephemeral, String responseUrl,
      String threadTs, String triggerId) {}

  /** A slash command: the message, and where a late answer goes. */
  record SlashCommand(InboundMessage message, String command, String responseUrl) {}

  /** A leading mention of the bot, e.g. {@code <@U0BOT> } or {@code <@U0BOT|poco> }. */
  private static final Pattern LEADING_MENTION = Pattern.compile("^\\s*<@([A-Z0-9]+)(\\|[^>]*)?>[\\s:,]*");

  /**
   * An {@code event_callback} envelope's {@code message} event. The bot's own and other bots' messages, and any
   * subtype (edits, joins, {@code bot_message}...) are ignored. A message in a thread keeps its thread; a top-level
   * one becomes the thread of its replies (threadId = its ts). A leading mention of the bot is stripped.
   */
  static Parsed<InboundMessage> message(JsonObject envelope, String botUserId) {
    JsonObject e = envelope.getJsonObject("event");
    if (e == null) return Parsed.ignore("no event");
    String type = e.getString("type");
    if (!"message".equals(type) && !"app_mention".equals(type)) return Parsed.ignore("event type " + type);
    // app_mention repeats a channel message that also arrives as message.channels: taking both would ask twice
    if ("app_mention".equals(type)) return Parsed.ignore("app_mention (the message event carries it)");
    if (e.getString("subtype") != null) return Parsed.ignore("message subtype " + e.getString("subtype"));
    if (e.getString("bot_id") != null) return Parsed.ignore("bot message");
    String user = e.getString("user");
    if (user == null) return Parsed.ignore("message without user");
    if (user.equals(botUserId)) return Parsed.ignore("the bot's own message");
    String channel = e.getString("channel");
    String ts = e.getString("ts");
    if (channel == null || ts == null) return Parsed.ignore("message without channel or ts");
    String chatType = "im".equals(e.getString("channel_type")) ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    String thread = e.getString("thread_ts") != null ? e.getString("thread_ts") : ts;
    String text = stripBotMention(e.getString("text", ""), botUserId);
    return Parsed.of(new InboundMessage(Platforms.SLACK, channel, chatType, user, text, ts,
        envelope.getString("event_id"), thread, false));
  }

  /** The text without a leading mention of the bot (any leading mention when the bot's id is not known yet). */
  static String stripBotMention(String text, String botUserId) {
    if (text == null) return "";
    var m = LEADING_MENTION.matcher(text);
    if (m.find() && (botUserId == null || botUserId.equals(m.group(1)))) return text.substring(m.end()).strip();
    return text.strip();
  }

  /**
   * A {@code block_actions} payload's first action as a {@link CardIntent}. Slack gives an interaction no event id
   * and does not redeliver one (slack.md §8: interactivity is not retried), so eventId stays null and the
   * orchestrator's once-only rule rests on the button's request_id; {@code trigger_id} is per click, not per
   * delivery, and would add nothing.
   */
  static Parsed<Interaction> interaction(JsonObject payload, ButtonValues values) {
    if (!"block_actions".equals(payload.getString("type"))) {
      return Parsed.ignore("interaction type " + payload.getString("type"));
    }
    Parsed<JsonObject> clicked = buttonValue(payload, values);
    if (clicked.value() == null) return Parsed.ignore(clicked.ignored());
    JsonObject value = clicked.value();
    String intentKey = value.getString("intent_key");
    JsonObject user = payload.getJsonObject("user", new JsonObject());
    JsonObject container = payload.getJsonObject("container", new JsonObject());
    String channel = payload.getJsonObject("channel", new JsonObject()).getString("id",
        container.getString("channel_id"));
    String chatType = channel != null && channel.startsWith("D") ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    String messageTs = container.getString("message_ts");
    JsonObject message = payload.getJsonObject("message");
    String threadTs = message == null ? null : message.getString("thread_ts");
    CardIntent intent = new CardIntent(Platforms.SLACK, channel, chatType, user.getString("id"), messageTs,
        intentKey, value.getString("request_id"), value, form(payload.getJsonObject("state")), false, null);
    return Parsed.of(new Interaction(intent, channel, messageTs, container.getBoolean("is_ephemeral", false),
        payload.getString("response_url"), threadTs, payload.getString("trigger_id")));
  }

  /** A {@code block_actions} payload's first action as the PoCo button value it carries (intent_key set). */
  static Parsed<JsonObject> buttonValue(JsonObject payload, ButtonValues values) {
    JsonArray actions = payload.getJsonArray("actions", new JsonArray());
    if (actions.isEmpty()) return Parsed.ignore("block_actions without actions");
    JsonObject action = actions.getJsonObject(0);
    if (!"button".equals(action.getString("type"))) {
      return Parsed.ignore("action type " + action.getString("type") + " (inputs are read on submit)");
    }
    JsonObject value;
    try {
      value = values.decode(new JsonObject(action.getString("value", "")));
    } catch (RuntimeException e) {
      return Parsed.ignore("button value is not PoCo's JSON");
    }
    if (value.getString("intent_key") == null) return Parsed.ignore("button value without intent_key");
    return Parsed.of(value);
  }

  /**
   * The message's input values by our input name: {@code state.values} is {block_id: {action_id: {type, value |
   * selected_option}}}; each input's action_id is its View.Input name (block_id {@code in:<name>}).
   */
  static JsonObject form(JsonObject state) {
    JsonObject form = new JsonObject();
    if (state == null) return form;
    JsonObject blocks = state.getJsonObject("values", new JsonObject());
    for (String blockId : blocks.fieldNames()) {
      Object b = blocks.getValue(blockId);
      if (!(b instanceof JsonObject inputs)) continue;
      for (String actionId : inputs.fieldNames()) {
        Object e = inputs.getValue(actionId);
        if (!(e instanceof JsonObject el)) continue;
        String name = blockId.startsWith(SlackBlocks.INPUT_BLOCK_PREFIX)
            ? blockId.substring(SlackBlocks.INPUT_BLOCK_PREFIX.length()) : actionId;
        JsonObject selected = el.getJsonObject("selected_option");
        if (selected != null) form.put(name, selected.getString("value"));
        else if (el.containsKey("value")) form.put(name, el.getString("value"));
      }
    }
    return form;
  }

  /** A slash command's form fields as an InboundMessage marked {@code slashCommand}. */
  static Parsed<SlashCommand> slashCommand(Map<String, String> form) {
    String channel = form.get("channel_id");
    String user = form.get("user_id");
    if (channel == null || user == null) return Parsed.ignore("slash command without channel_id or user_id");
    String chatType = channel.startsWith("D") ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    InboundMessage in = new InboundMessage(Platforms.SLACK, channel, chatType, user,
        form.getOrDefault("text", "").strip(), null, null, null, false, true);
    return Parsed.of(new SlashCommand(in, form.get("command"), form.get("response_url")));
  }

  /** An {@code application/x-www-form-urlencoded} body, decoded as UTF-8; a repeated key keeps its first value. */
  static Map<String, String> formFields(String body) {
    Map<String, String> out = new LinkedHashMap<>();
    if (body == null || body.isEmpty()) return out;
    for (String pair : body.split("&")) {
      if (pair.isEmpty()) continue;
      int eq = pair.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.putIfAbsent(k, v);
    }
    return out;
  }
}
