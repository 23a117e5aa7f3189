package dev.poco.gateway.feishu;

import dev.poco.contract.TaskStatus;
import dev.poco.contract.View;
import dev.poco.gatewaykit.Markdown;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A {@link View} as a Feishu Card JSON 2.0 card (feishu.md §4): {@code schema "2.0"}, {@code update_multi} true (so
 * it can be patched), a header with the title and a status tag, the body as one markdown element, fields as markdown
 * lines, inputs in one form with their submit buttons, other buttons in a flowing column set. Card JSON 2.0 rejects
 * unknown properties, so only documented ones are used (labels are markdown elements, not component properties).
 *
 * <p>Within the platform limits ({@link PlatformLimits#FEISHU_CARD_MAX_BYTES}, {@link
 * PlatformLimits#FEISHU_CARD_MAX_ELEMENTS}) and never silently: a body too large is cut by bytes and the card says
 * so; the orchestrator pages long results itself, so this only bites on a page far larger than usual.
 */
public final class FeishuCards {
  private FeishuCards() {}

  /** Bytes the card may take: the limit less a margin for the envelope around it ({"content": "..."} escaping). */
  static final int BUDGET_BYTES = PlatformLimits.FEISHU_CARD_MAX_BYTES - 2 * 1024;
  static final String FENCE = "```";

  public static JsonObject card(View view) { return card(view, null); }

  /**
   * The card with {@code bodyElementId} on the body's markdown element (CardKit addresses it by that id, §11.2), when
   * not null.
   */
  public static JsonObject card(View view, String bodyElementId) {
    String body = view.body() == null ? "" : view.body();
    JsonObject card = build(view, body, false, bodyElementId);
    for (int round = 0; round < 6 && size(card) > BUDGET_BYTES; round++) {
      int over = size(card) - BUDGET_BYTES;
      // JSON escaping can make a byte of text cost up to 6 in the card: cut generously, then measure again
      int keep = Math.max(0, Markdown.utf8Bytes(body) - over * (round + 1) - 256);
      body = Markdown.truncateBytes(body, keep);
      card = build(view, body, true, bodyElementId);
    }
    return card;
  }

  /** The card as the string that {@code content} of a send, reply or PATCH carries. */
  public static String content(View view) { return card(view).encode(); }

  public static int size(JsonObject card) { return Markdown.utf8Bytes(card.encode()); }

  /** Counts every component (tagged object) in the card, nested ones included. */
  public static int elementCount(JsonObject card) { return count(card.getJsonObject("body").getJsonArray("elements")); }

  private static int count(JsonArray elements) {
    int n = 0;
    for (int i = 0; i < elements.size(); i++) {
      JsonObject e = elements.getJsonObject(i);
      n++;
      if (e.getJsonArray("elements") != null) n += count(e.getJsonArray("elements"));
      JsonArray columns = e.getJsonArray("columns");
      if (columns != null) n += count(columns);
    }
    return n;
  }

  private static JsonObject build(View view, String body, boolean truncated, String bodyElementId) {
    JsonArray elements = new JsonArray();
    String text = body;
    if (truncated) {
      if (openFence(text)) text += "\n" + FENCE;
      text += "\n\n*… (truncated to fit a Feishu card" + (view.pages() > 1
          ? "; this is page " + view.page() + " of " + view.pages() : "") + ")*";
    } else if (view.pages() > 1) {
      text += "\n\n*Page " + view.page() + " of " + view.pages() + "*";
    }
    if (!text.isBlank()) {
      elements.add(bodyElementId == null ? markdown(text) : markdown(text).put("element_id", bodyElementId));
    }
    if (!view.fields().isEmpty()) elements.add(markdown(fieldLines(view.fields())));
    List<View.Action> formActions = view.inputs().isEmpty() ? List.of()
        : view.actions().stream().filter(View.Action::submitsForm).toList();
    if (!view.inputs().isEmpty()) elements.add(form(view.inputs(), formActions));
    JsonArray columns = new JsonArray();
    int budget = PlatformLimits.FEISHU_CARD_MAX_ELEMENTS - count(elements) - 4;
    int skipped = 0;
    for (int i = 0; i < view.actions().size(); i++) {
      View.Action a = view.actions().get(i);
      if (formActions.contains(a)) continue;
      if (budget < 2) {
        skipped++;
        continue;
      }
      columns.add(new JsonObject().put("tag", "column").put("width", "auto")
          .put("elements", new JsonArray().add(button(a, "action_" + i, false))));
      budget -= 2;
    }
    if (!columns.isEmpty()) {
      elements.add(new JsonObject().put("tag", "column_set").put("flex_mode", "flow").put("columns", columns));
    }
    if (skipped > 0) elements.add(markdown("*… " + skipped + " more actions do not fit a Feishu card*"));
    JsonObject header = new JsonObject()
        .put("title", plain(view.title() == null || view.title().isBlank() ? "PoCo" : view.title()))
        .put("template", colour(view.status()));
    if (view.status() != null) {
      header.put("text_tag_list", new JsonArray().add(new JsonObject().put("tag", "text_tag")
          .put("text", plain(label(view.status()))).put("color", tagColour(view.status()))));
    }
    return new JsonObject().put("schema", "2.0")
        .put("config", new JsonObject().put("update_multi", true))
        .put("header", header)
        .put("body", new JsonObject().put("elements", elements));
  }

  private static String fieldLines(List<View.Field> fields) {
    StringBuilder out = new StringBuilder();
    for (View.Field f : fields) {
      if (out.length() > 0) out.append('\n');
      out.append("**").append(Markdown.escapeFeishu(f.label())).append(":** ").append(Markdown.escapeFeishu(f.value()));
    }
    return out.toString();
  }

  private static JsonObject form(List<View.Input> inputs, List<View.Action> submits) {
    JsonArray els = new JsonArray();
    for (View.Input in : inputs) {
      if (in.label() != null && !in.label().isBlank()) els.add(markdown("**" + Markdown.escapeFeishu(in.label()) + "**"));
      els.add(input(in));
      if (in.error() != null && !in.error().isBlank()) {
        els.add(markdown("<font color='red'>" + Markdown.escapeFeishu(in.error()) + "</font>"));
      }
    }
    if (submits.isEmpty()) submits = List.of(); // a form without a submit button still shows its inputs
    for (int i = 0; i < submits.size(); i++) els.add(button(submits.get(i), "submit_" + i, true));
    return new JsonObject().put("tag", "form").put("name", "form").put("elements", els);
  }

  private static JsonObject input(View.Input in) {
    if (View.Input.SELECT.equals(in.type())) {
      JsonArray options = new JsonArray();
      for (View.Option o : in.options()) {
        options.add(new JsonObject().put("text", plain(o.label() == null ? o.value() : o.label())).put("value", o.value()));
      }
      JsonObject sel = new JsonObject().put("tag", "select_static").put("name", in.name()).put("options", options);
      if (in.placeholder() != null) sel.put("placeholder", plain(in.placeholder()));
      if (in.value() != null && in.options().stream().anyMatch(o -> in.value().equals(o.value()))) {
        sel.put("initial_option", in.value());
      }
      return sel;
    }
    JsonObject input = new JsonObject().put("tag", "input").put("name", in.name()).put("max_length", 1000);
    if (View.Input.TEXTAREA.equals(in.type())) input.put("input_type", "multiline_text").put("rows", 4);
    if (in.placeholder() != null) input.put("placeholder", plain(in.placeholder()));
    if (in.value() != null) input.put("default_value", Markdown.truncateChars(in.value(), 1000));
    return input;
  }

  private static JsonObject button(View.Action a, String name, boolean submit) {
    JsonObject b = new JsonObject().put("tag", "button").put("name", name).put("text", plain(a.label()))
        .put("type", buttonType(a.style()));
    if (submit) b.put("form_action_type", "submit");
    // the click comes back as card.action.trigger with action.value = this value (intent_key, request_id, params)
    return b.put("behaviors", new JsonArray().add(new JsonObject().put("type", "callback").put("value", a.value())));
  }

  static String buttonType(String style) {
    return switch (style == null ? "" : style) {
      case "primary" -> "primary";
      case "danger" -> "danger";
      default -> "default";
    };
  }

  static JsonObject markdown(String content) { return new JsonObject().put("tag", "markdown").put("content", content); }

  static JsonObject plain(String content) { return new JsonObject().put("tag", "plain_text").put("content", content); }

  /** The header and tag colour of a task status (feishu.md §4 header templates). */
  static String colour(String status) {
    if (status == null) return "blue";
    return switch (status) {
      case "queued" -> "wathet";
      case "running" -> "blue";
      case "waiting_confirmation" -> "orange";
      case "completed" -> "green";
      case "failed" -> "red";
      case "cancelled" -> "grey";
      case "interrupted" -> "yellow";
      default -> "blue";
    };
  }

  /** text_tag colours have "neutral" where header templates have "grey". */
  static String tagColour(String status) {
    String c = colour(status);
    return c.equals("grey") ? "neutral" : c;
  }

  static String label(String status) {
    try {
      return TaskStatus.of(status).label();
    } catch (IllegalArgumentException e) {
      return status;
    }
  }

  static boolean openFence(String text) {
    int n = 0;
    for (String line : text.split("\n", -1)) if (line.stripLeading().startsWith(FENCE)) n++;
    return n % 2 == 1;
  }

  /** A card callback's answer (feishu.md §6): a toast and/or the card that replaces the clicked one; {} for none. */
  public static JsonObject callbackAnswer(String toast, String toastType, JsonObject card) {
    JsonObject out = new JsonObject();
    if (toast != null && !toast.isBlank()) {
      out.put("toast", new JsonObject().put("type", toastType == null ? "info" : toastType).put("content", toast));
    }
    if (card != null) out.put("card", new JsonObject().put("type", "raw").put("data", card));
    return out;
  }
}
