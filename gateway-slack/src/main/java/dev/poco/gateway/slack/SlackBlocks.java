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
 * (100 in a modal) and about 12,000 characters of block text: every button is kept (a view's pages are its own Prev /
 * Next buttons and a "Page n of m" line); a body longer than what is left is cut, then fields and inputs that do not
 * fit are left out, and the message says so.
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
  /** Blocks in a modal (slack.md §4: 100, against a message's 50). */
  static final int MODAL_MAX_BLOCKS = 100;

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
    return blocks(v, values, -1, PlatformLimits.SLACK_MAX_BLOCKS);
  }

  /**
   * The view's blocks within {@code maxBlocks}: header, body, fields, inputs, the page line, the buttons. The buttons
   * (the way on: Next, Back) always fit, in actions blocks of 25; the body is cut first, then fields and inputs that
   * no longer fit are left out with a line saying how many (never refused by Slack as invalid_blocks).
   *
   * @param omitAction index of an action not shown as a button (a modal's submit), -1 for none
   * @param maxBlocks {@link PlatformLimits#SLACK_MAX_BLOCKS} in a message, {@link #MODAL_MAX_BLOCKS} in a modal
   */
  static JsonArray blocks(View v, ButtonValues values, int omitAction, int maxBlocks) {
    List<JsonObject> head = new ArrayList<>();
    int textChars = 0;
    String title = titleLine(v);
    if (!title.isEmpty()) {
      head.add(new JsonObject().put("type", "header").put("text", plain(title, HEADER_MAX_CHARS)));
      textChars += Math.min(title.length(), HEADER_MAX_CHARS);
    }
    // fields and inputs, each group kept or left out whole (an input with its error line)
    List<List<JsonObject>> groups = new ArrayList<>();
    for (int i = 0; i < v.fields().size(); i += FIELDS_PER_SECTION) {
      JsonArray fields = new JsonArray();
      for (View.Field f : v.fields().subList(i, Math.min(v.fields().size(), i + FIELDS_PER_SECTION))) {
        String t = "*" + Markdown.escapeSlack(nz(f.label())) + "*\n" + Markdown.toSlackMrkdwn(nz(f.value()));
        t = Markdown.truncateChars(t, FIELD_MAX_CHARS);
        textChars += t.length();
        fields.add(mrkdwn(t));
      }
      groups.add(List.of(new JsonObject().put("type", "section").put("fields", fields)));
    }
    for (View.Input in : v.inputs()) {
      List<JsonObject> g = new ArrayList<>();
      g.add(input(in));
      if (in.error() != null && !in.error().isBlank()) g.add(context(":warning: " + Markdown.escapeSlack(in.error())));
      groups.add(g);
    }
    List<JsonObject> actions = actionBlocks(v.actions(), omitAction, values);
    JsonObject pageLine = v.pages() > 1 ? context("Page " + v.page() + " of " + v.pages()) : null;
    boolean hasBody = v.body() != null && !v.body().isBlank();
    int fixed = head.size() + actions.size() + (pageLine == null ? 0 : 1);
    int room = maxBlocks - fixed - (hasBody ? 1 : 0);
    List<JsonObject> middle = new ArrayList<>();
    int groupBlocks = groups.stream().mapToInt(List::size).sum();
    if (groupBlocks <= room) {
      groups.forEach(middle::addAll);
    } else {
      int left = 0;
      for (List<JsonObject> g : groups) {
        if (left == 0 && middle.size() + g.size() <= room - 1) middle.addAll(g);
        else left++;
      }
      middle.add(context("_… " + left + " more " + (left == 1 ? "item is" : "items are") + " not shown here (Slack "
          + "allows " + maxBlocks + " blocks" + (maxBlocks == MODAL_MAX_BLOCKS ? " in a form" : " per message") + ")._"));
    }
    List<JsonObject> tail = new ArrayList<>(middle);
    if (pageLine != null) tail.add(pageLine);
    tail.addAll(actions);
    List<JsonObject> body = bodySections(v.body(), maxBlocks - head.size() - tail.size(),
        PlatformLimits.SLACK_BLOCKS_TEXT_SOFT_MAX_CHARS - textChars);
    JsonArray out = new JsonArray();
    head.forEach(out::add);
    body.forEach(out::add);
    tail.forEach(out::add);
    return out;
  }

  /** The buttons, {@value PlatformLimits#SLACK_ACTIONS_MAX_ELEMENTS} to an actions block; action ids keep the view's index. */
  private static List<JsonObject> actionBlocks(List<View.Action> actions, int omitAction, ButtonValues values) {
    List<JsonObject> out = new ArrayList<>();
    JsonArray elements = new JsonArray();
    for (int k = 0; k < actions.size(); k++) {
      if (k == omitAction) continue;
      elements.add(button(actions.get(k), k, values));
      if (elements.size() == PlatformLimits.SLACK_ACTIONS_MAX_ELEMENTS) {
        out.add(new JsonObject().put("type", "actions").put("block_id", "act:" + out.size()).put("elements", elements));
        elements = new JsonArray();
      }
    }
    if (!elements.isEmpty()) {
      out.add(new JsonObject().put("type", "actions").put("block_id", "act:" + out.size()).put("elements", elements));
    }
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
