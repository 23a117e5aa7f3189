package dev.poco.gateway.slack;

import dev.poco.contract.View;
import dev.poco.gatewaykit.Markdown;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link View} as Slack Block Kit (slack.md §4, GATEWAYS.md "Limits never truncate silently"): a header with the
 * title and a status emoji; the body as mrkdwn sections of at most 3,000 characters; fields as section fields
 * (10 per section); inputs as input blocks (a field error as a context line under its input); actions in actions
 * blocks of at most 25 buttons, each button's value the View.Action value JSON ({@link ButtonValues} when over
 * 2,000 characters) and its {@code action_id} the intent key plus its index (unique per message). At most 50 blocks
 * and about 12,000 characters of block text: a body longer than what is left is cut and the message says so.
 */
final class SlackBlocks {
  static final String INPUT_BLOCK_PREFIX = "in:";
  static final int HEADER_MAX_CHARS = 150;
  static final int BUTTON_TEXT_MAX_CHARS = 75;
  static final int FIELD_MAX_CHARS = 2_000;
  static final int FIELDS_PER_SECTION = 10;
  static final int OPTION_TEXT_MAX_CHARS = 75;
  static final int OPTION_VALUE_MAX_CHARS = 150;
  static final int MAX_OPTIONS = 100;
  static final int LABEL_MAX_CHARS = 2_000;
  /** The fallback {@code text} (notifications, screen readers): within chat.update's 4,000. */
  static final int FALLBACK_MAX_CHARS = 3_000;

  private SlackBlocks() {}

  /** The status emoji of a task status wire name, "" for none. */
  static String statusEmoji(String status) {
    if (status == null) return "";
    return switch (status) {
      case "queued" -> "🕒";
      case "running" -> "⏳";
      case "waiting_confirmation" -> "⏸";
      case "completed" -> "✅";
      case "failed" -> "❌";
      case "cancelled" -> "🚫";
      case "interrupted" -> "⚠️";
      default -> "";
    };
  }

  /** The plain title line: emoji, title. */
  static String titleLine(View v) {
    String emoji = statusEmoji(v.status());
    String title = v.title() == null ? "" : v.title().strip();
    return emoji.isEmpty() ? title : title.isEmpty() ? emoji : emoji + " " + title;
  }

  /**
   * The message's top-level {@code text} (notifications, screen readers): the title and the start of the body,
   * escaped, since Slack parses it as mrkdwn: an agent's {@code <!channel>} must not ping anyone.
   */
  static String fallbackText(View v) {
    String body = v.body() == null ? "" : v.body().strip();
    String title = titleLine(v);
    String text = title.isEmpty() ? body : body.isEmpty() ? title : title + "\n" + body;
    if (text.isEmpty()) text = " ";
    return Markdown.truncateChars(Markdown.escapeSlack(text), FALLBACK_MAX_CHARS);
  }

  static JsonArray blocks(View v, ButtonValues values) {
    List<JsonObject> head = new ArrayList<>();
    List<JsonObject> tail = new ArrayList<>();
    int[] textChars = {0};
    String title = titleLine(v);
    if (!title.isEmpty()) {
      head.add(new JsonObject().put("type", "header").put("text", plain(title, HEADER_MAX_CHARS)));
      textChars[0] += Math.min(title.length(), HEADER_MAX_CHARS);
    }
    for (int i = 0; i < v.fields().size(); i += FIELDS_PER_SECTION) {
      JsonArray fields = new JsonArray();
      for (View.Field f : v.fields().subList(i, Math.min(v.fields().size(), i + FIELDS_PER_SECTION))) {
        String t = "*" + Markdown.escapeSlack(nz(f.label())) + "*\n" + Markdown.toSlackMrkdwn(nz(f.value()));
        t = Markdown.truncateChars(t, FIELD_MAX_CHARS);
        textChars[0] += t.length();
        fields.add(mrkdwn(t));
      }
      tail.add(new JsonObject().put("type", "section").put("fields", fields));
    }
    for (View.Input in : v.inputs()) {
      tail.add(input(in));
      if (in.error() != null && !in.error().isBlank()) {
        tail.add(context(":warning: " + Markdown.escapeSlack(in.error())));
      }
    }
    if (v.pages() > 1) tail.add(context("Page " + v.page() + " of " + v.pages()));
    List<View.Action> actions = v.actions();
    for (int i = 0; i < actions.size(); i += PlatformLimits.SLACK_ACTIONS_MAX_ELEMENTS) {
      JsonArray elements = new JsonArray();
      for (int k = i; k < Math.min(actions.size(), i + PlatformLimits.SLACK_ACTIONS_MAX_ELEMENTS); k++) {
        elements.add(button(actions.get(k), k, values));
      }
      tail.add(new JsonObject().put("type", "actions").put("block_id", "act:" + (i / 25)).put("elements", elements));
    }
    List<JsonObject> body = bodySections(v.body(),
        PlatformLimits.SLACK_MAX_BLOCKS - head.size() - tail.size(),
        PlatformLimits.SLACK_BLOCKS_TEXT_SOFT_MAX_CHARS - textChars[0]);
    JsonArray out = new JsonArray();
    head.forEach(out::add);
    body.forEach(out::add);
    tail.forEach(out::add);
    return out;
  }

  /**
   * The body as mrkdwn sections within {@code maxBlocks} blocks and {@code maxChars} characters; when it does not
   * fit, the sections that do and a context line saying how much is not shown.
   */
  static List<JsonObject> bodySections(String body, int maxBlocks, int maxChars) {
    List<JsonObject> out = new ArrayList<>();
    if (body == null || body.isBlank()) return out;
    String mrkdwn = Markdown.toSlackMrkdwn(body);
    List<String> pages = Markdown.pages(mrkdwn, PlatformLimits.SLACK_SECTION_MAX_CHARS);
    int total = mrkdwn.length();
    int shown = 0;
    int blocksLeft = Math.max(1, maxBlocks);
    int charsLeft = Math.max(200, maxChars);
    for (int i = 0; i < pages.size(); i++) {
      String p = pages.get(i);
      boolean last = i == pages.size() - 1;
      boolean fits = p.length() <= charsLeft && (last ? blocksLeft >= 1 : blocksLeft >= 2);
      if (!fits) {
        int room = Math.min(p.length(), charsLeft - 120);
        if (room > 0 && blocksLeft >= 2) {
          String part = Markdown.truncateChars(p, room);
          out.add(section(part));
          shown += part.length();
        }
        out.add(context("_… " + (total - shown) + " more characters of this text are not shown here (Slack allows "
            + PlatformLimits.SLACK_MAX_BLOCKS + " blocks and about " + PlatformLimits.SLACK_BLOCKS_TEXT_SOFT_MAX_CHARS
            + " characters per message)._"));
        return out;
      }
      if (p.isBlank()) continue;
      out.add(section(p));
      shown += p.length();
      blocksLeft--;
      charsLeft -= p.length();
    }
    return out;
  }

  private static JsonObject input(View.Input in) {
    String name = in.name();
    JsonObject element;
    if (View.Input.SELECT.equals(in.type())) {
      JsonArray options = new JsonArray();
      JsonObject initial = null;
      for (View.Option o : in.options().subList(0, Math.min(MAX_OPTIONS, in.options().size()))) {
        JsonObject opt = new JsonObject().put("text", plain(nz(o.label()), OPTION_TEXT_MAX_CHARS))
            .put("value", Markdown.truncateChars(nz(o.value()), OPTION_VALUE_MAX_CHARS));
        options.add(opt);
        if (o.value() != null && o.value().equals(in.value())) initial = opt;
      }
      element = new JsonObject().put("type", "static_select").put("action_id", name).put("options", options);
      if (initial != null) element.put("initial_option", initial);
      if (in.placeholder() != null) element.put("placeholder", plain(in.placeholder(), 150));
    } else {
      element = new JsonObject().put("type", "plain_text_input").put("action_id", name)
          .put("multiline", View.Input.TEXTAREA.equals(in.type()));
      if (in.value() != null && !in.value().isEmpty()) element.put("initial_value", in.value());
      if (in.placeholder() != null && !in.placeholder().isBlank()) element.put("placeholder", plain(in.placeholder(), 150));
    }
    String label = in.label() == null || in.label().isBlank() ? name : in.label();
    return new JsonObject().put("type", "input").put("block_id", INPUT_BLOCK_PREFIX + name).put("optional", true)
        .put("label", plain(label, LABEL_MAX_CHARS)).put("element", element);
  }

  private static JsonObject button(View.Action a, int index, ButtonValues values) {
    JsonObject b = new JsonObject().put("type", "button").put("text", plain(nz(a.label()), BUTTON_TEXT_MAX_CHARS))
        .put("action_id", Markdown.truncateChars(nz(a.intentKey()), 200) + ":" + index)
        .put("value", values.encode(a.value()));
    if ("primary".equals(a.style()) || "danger".equals(a.style())) b.put("style", a.style());
    return b;
  }

  static JsonObject plain(String text, int max) {
    String t = text == null || text.isEmpty() ? " " : Markdown.truncateChars(text, max);
    return new JsonObject().put("type", "plain_text").put("text", t).put("emoji", true);
  }

  static JsonObject mrkdwn(String text) { return new JsonObject().put("type", "mrkdwn").put("text", text); }

  static JsonObject section(String mrkdwn) { return new JsonObject().put("type", "section").put("text", mrkdwn(mrkdwn)); }

  static JsonObject context(String mrkdwn) {
    return new JsonObject().put("type", "context").put("elements", new JsonArray().add(mrkdwn(mrkdwn)));
  }

  private static String nz(String s) { return s == null ? "" : s; }
}
