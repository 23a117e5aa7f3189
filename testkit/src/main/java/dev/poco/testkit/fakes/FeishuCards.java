package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Card JSON 2.0 as Feishu checks it (feishu.md §4, §2, §3) and as a user reads it: the refusal a card earns, and
 * helpers a test uses to find what a user would see or click.
 */
public final class FeishuCards {
  /** Cards and rich text ≤ 30 KB (feishu.md §3 "Update a card", §4 Limits), counted in UTF-8 bytes. */
  public static final int MAX_CARD_BYTES = 30 * 1024;
  /** Text messages ≤ 150 KB (feishu.md §3). */
  public static final int MAX_TEXT_BYTES = 150 * 1024;
  /** ≤ 200 elements and components (feishu.md §4 Limits, §11.2). */
  public static final int MAX_ELEMENTS = 200;
  /** The top-level properties of a 2.0 card; 2.0 rejects unknown properties (feishu.md §4). */
  private static final Set<String> TOP_LEVEL = Set.of("schema", "config", "card_link", "header", "body");

  private FeishuCards() {}

  /** A refusal: the Feishu code and its message. */
  public record Refusal(int code, String msg) {}

  /** Why Feishu refuses this interactive content string, or null when it takes it. */
  public static Refusal check(String content) {
    if (content.getBytes(StandardCharsets.UTF_8).length > MAX_CARD_BYTES) {
      return new Refusal(FakeFeishu.CONTENT_TOO_LONG, "content too long: card over 30 KB");
    }
    JsonObject card;
    try {
      card = new JsonObject(content);
    } catch (RuntimeException e) {
      return new Refusal(FakeFeishu.INVALID_PARAM, "invalid card content: not a JSON object");
    }
    if (!"2.0".equals(card.getString("schema"))) {
      return new Refusal(FakeFeishu.INVALID_PARAM, "the fake takes Card JSON 2.0 only: schema must be \"2.0\"");
    }
    for (String key : card.fieldNames()) {
      if (!TOP_LEVEL.contains(key)) return new Refusal(FakeFeishu.INVALID_PARAM, "unknown card property: " + key);
    }
    if (!updateMulti(card)) {
      return new Refusal(FakeFeishu.INVALID_PARAM, "config.update_multi must be true in Card JSON 2.0");
    }
    JsonObject body = card.getJsonObject("body");
    if (body != null && card.getValue("elements") == null && body.getValue("elements") != null
        && !(body.getValue("elements") instanceof JsonArray)) {
      return new Refusal(FakeFeishu.INVALID_PARAM, "body.elements must be an array");
    }
    int n = count(body == null ? null : body.getJsonArray("elements"));
    if (n > MAX_ELEMENTS) {
      return new Refusal(FakeFeishu.CARD_CREATE_FAILED, "card create failure: " + n + " elements, at most 200");
    }
    String bad = structure(card);
    return bad == null ? null : new Refusal(FakeFeishu.INVALID_PARAM, "invalid card: " + bad);
  }

  private static final Set<String> TEMPLATES = Set.of("blue", "wathet", "turquoise", "green", "yellow", "orange", "red",
      "carmine", "violet", "purple", "indigo", "grey", "default");
  private static final Set<String> BUTTON_TYPES = Set.of("primary", "default", "danger");
  private static final java.util.regex.Pattern ELEMENT_ID = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,19}");

  /**
   * The structural rules of feishu.md §4 (and §11.2 for element_id), or null when the card keeps them: header
   * templates; button types; form_action_type submit|reset; no form in a form, a column or a panel; no table or chart
   * in a form; no table in a column; column_set nesting ≤ 5; panel title plain_text|markdown and padding of 1 or 4
   * values; element_id letters, digits, underscore, starting with a letter, ≤ 20 and unique.
   */
  static String structure(JsonObject card) {
    JsonObject header = card.getJsonObject("header");
    if (header != null && header.getValue("template") != null && !TEMPLATES.contains(header.getString("template"))) {
      return "unknown header template " + header.getValue("template");
    }
    JsonObject body = card.getJsonObject("body");
    return body == null ? null : walkRules(body.getJsonArray("elements"), null, 0, new java.util.HashSet<>());
  }

  private static String walkRules(JsonArray elements, String inside, int columnDepth, Set<String> ids) {
    if (elements == null) return null;
    for (Object o : elements) {
      if (!(o instanceof JsonObject e)) continue;
      String tag = e.getString("tag", "");
      String id = e.getString("element_id");
      if (id != null && (!ELEMENT_ID.matcher(id).matches() || !ids.add(id))) return "bad or duplicate element_id " + id;
      if (tag.equals("form") && inside != null) return "a form inside a " + inside;
      if ((tag.equals("table") || tag.equals("chart")) && "form".equals(inside)) return "a " + tag + " inside a form";
      if (tag.equals("table") && "column".equals(inside)) return "a table inside a column";
      if (tag.equals("button")) {
        if (e.getValue("type") != null && !BUTTON_TYPES.contains(e.getString("type"))) return "button type " + e.getValue("type");
        Object fat = e.getValue("form_action_type");
        if (fat != null && !fat.equals("submit") && !fat.equals("reset")) return "form_action_type " + fat;
      }
      if (tag.equals("collapsible_panel") && e.getValue("header") instanceof JsonObject ph) {
        if (ph.getValue("title") instanceof JsonObject t && !Set.of("plain_text", "markdown").contains(t.getString("tag"))) {
          return "collapsible_panel title tag " + t.getString("tag") + " (plain_text or markdown only)";
        }
        if (ph.getValue("padding") instanceof String pad) {
          int parts = pad.trim().split("\\s+").length;
          if (parts != 1 && parts != 4) return "invalid panel header padding";
        }
      }
      int depth = tag.equals("column_set") ? columnDepth + 1 : columnDepth;
      if (depth > 5) return "column_set nested more than 5 levels";
      String here = tag.equals("form") ? "form" : tag.equals("collapsible_panel") ? "collapsible_panel"
          : tag.equals("column") ? "column" : inside;
      String bad = walkRules(e.getJsonArray("elements"), here, depth, ids);
      if (bad == null && e.getValue("columns") instanceof JsonArray cols) bad = walkRules(cols, "column", depth, ids);
      if (bad != null) return bad;
    }
    return null;
  }

  /** 2.0 defaults update_multi to true and takes only true (feishu.md §4). */
  public static boolean updateMulti(JsonObject card) {
    JsonObject config = card.getJsonObject("config");
    return config == null || !Boolean.FALSE.equals(config.getValue("update_multi"));
  }

  /** Elements and components, nested ones included (columns, forms, panels). */
  static int count(JsonArray elements) {
    if (elements == null) return 0;
    int n = 0;
    for (Object o : elements) {
      if (!(o instanceof JsonObject e)) continue;
      n++;
      n += count(e.getJsonArray("elements"));
      if (e.getValue("columns") instanceof JsonArray cols) n += count(cols);
    }
    return n;
  }

  /** Every object with a tag in the card body, depth first, in reading order. */
  public static List<JsonObject> components(JsonObject card) {
    List<JsonObject> out = new ArrayList<>();
    JsonObject body = card.getJsonObject("body");
    walk(body == null ? null : body.getJsonArray("elements"), out);
    return out;
  }

  private static void walk(JsonArray elements, List<JsonObject> out) {
    if (elements == null) return;
    for (Object o : elements) {
      if (!(o instanceof JsonObject e)) continue;
      out.add(e);
      if (e.getValue("elements") instanceof JsonArray inner) walk(inner, out);
      if (e.getValue("columns") instanceof JsonArray cols) walk(cols, out);
    }
  }

  /** The button whose text a user reads as {@code label}, or null. */
  public static JsonObject button(JsonObject card, String label) {
    for (JsonObject c : components(card)) {
      if ("button".equals(c.getString("tag")) && label.equals(text(c.getValue("text")))) return c;
    }
    return null;
  }

  /** The labels of every button, in reading order. */
  public static List<String> buttons(JsonObject card) {
    return components(card).stream().filter(c -> "button".equals(c.getString("tag"))).map(c -> text(c.getValue("text")))
        .toList();
  }

  /** The callback value a click on this button delivers: its behaviors[type=callback].value (feishu.md §6). */
  public static JsonObject callbackValue(JsonObject button) {
    JsonArray behaviors = button.getJsonArray("behaviors");
    if (behaviors != null) {
      for (Object o : behaviors) {
        if (o instanceof JsonObject b && "callback".equals(b.getString("type"))) {
          return b.getJsonObject("value", new JsonObject());
        }
      }
    }
    return button.getJsonObject("value", new JsonObject());
  }

  /** The form holding the component named {@code name}, or null. */
  public static JsonObject formOf(JsonObject card, String name) {
    for (JsonObject c : components(card)) {
      if (!"form".equals(c.getString("tag"))) continue;
      List<JsonObject> inner = new ArrayList<>();
      walk(c.getJsonArray("elements"), inner);
      if (inner.stream().anyMatch(i -> name.equals(i.getString("name")))) return c;
    }
    return null;
  }

  /**
   * What a form submit delivers as form_value (feishu.md §6): each named input or select of the form holding
   * {@code field}, at its default (select initial_option, input default_value), with {@code typed} overriding.
   */
  public static JsonObject formValue(JsonObject card, String field, JsonObject typed) {
    JsonObject form = formOf(card, field);
    JsonObject out = new JsonObject();
    if (form == null) return typed.copy();
    List<JsonObject> inner = new ArrayList<>();
    walk(form.getJsonArray("elements"), inner);
    for (JsonObject c : inner) {
      String name = c.getString("name");
      String tag = c.getString("tag", "");
      if (name == null || tag.equals("button")) continue;
      if (c.getValue("initial_option") != null) out.put(name, c.getValue("initial_option"));
      else if (c.getValue("default_value") != null) out.put(name, c.getValue("default_value"));
      else if (tag.equals("input")) out.put(name, "");
    }
    return out.mergeIn(typed);
  }

  /** Everything a user reads on the card: header title and subtitle, markdown and plain text, button labels. */
  public static String visibleText(JsonObject card) {
    StringBuilder sb = new StringBuilder();
    JsonObject header = card.getJsonObject("header");
    if (header != null) {
      sb.append(text(header.getValue("title"))).append('\n').append(text(header.getValue("subtitle"))).append('\n');
      if (header.getValue("text_tag_list") instanceof JsonArray tags) {
        for (Object t : tags) if (t instanceof JsonObject o) sb.append(text(o.getValue("text"))).append('\n');
      }
    }
    for (JsonObject c : components(card)) {
      String tag = c.getString("tag", "");
      if (tag.equals("markdown") || tag.equals("plain_text") || tag.equals("lark_md")) {
        sb.append(c.getString("content", "")).append('\n');
      } else if (c.getValue("text") != null) {
        sb.append(text(c.getValue("text"))).append('\n');
      }
      if (c.getValue("header") instanceof JsonObject h) sb.append(text(h.getValue("title"))).append('\n');
    }
    return sb.toString();
  }

  private static String text(Object t) {
    if (t instanceof String s) return s;
    if (t instanceof JsonObject o) return o.getString("content", "");
    return "";
  }
}
