package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Block Kit checks the fake applies (slack.md §4 Size limits, §10.4) and lookups for clicks. */
final class SlackBlocks {
  static final int MAX_MESSAGE_BLOCKS = 50;
  static final int MAX_MODAL_BLOCKS = 100;
  static final int MAX_SECTION_TEXT = 3_000;
  static final int MAX_MARKDOWN_BLOCK = 12_000;

  private SlackBlocks() {}

  /**
   * Why Slack refuses these blocks ({@code invalid_blocks}), or null when they pass: not a JSON array, more than
   * {@code max}, a block without a type, a section's text over 3,000 chars, a markdown block over 12,000.
   */
  static String refusal(Object arg, int max) {
    if (!(arg instanceof JsonArray blocks)) return "invalid_blocks";
    if (blocks.size() > max) return "invalid_blocks";
    for (Object o : blocks) {
      if (!(o instanceof JsonObject b) || b.getString("type") == null) return "invalid_blocks";
      switch (b.getString("type")) {
        case "section" -> {
          JsonObject text = b.getJsonObject("text");
          if (text != null && text.getString("text", "").length() > MAX_SECTION_TEXT) return "invalid_blocks";
          if (text == null && b.getJsonArray("fields") == null) return "invalid_blocks";
        }
        case "markdown" -> {
          String text = b.getString("text");
          if (text == null || text.length() > MAX_MARKDOWN_BLOCK) return "invalid_blocks";
        }
        default -> { }
      }
    }
    return null;
  }

  /** Every interactive element (button, …) of the blocks with its block_id: section accessories, actions. */
  static List<JsonObject[]> elements(JsonArray blocks) {
    List<JsonObject[]> out = new ArrayList<>();
    if (blocks == null) return out;
    for (Object o : blocks) {
      if (!(o instanceof JsonObject b)) continue;
      JsonObject acc = b.getJsonObject("accessory");
      if (acc != null && acc.getString("action_id") != null) out.add(new JsonObject[] {b, acc});
      JsonArray els = b.getJsonArray("elements");
      if (els != null && ("actions".equals(b.getString("type")) || "context_actions".equals(b.getString("type")))) {
        for (Object e : els) {
          if (e instanceof JsonObject el && el.getString("action_id") != null) out.add(new JsonObject[] {b, el});
        }
      }
    }
    return out;
  }

  /** The plain text of a text object (plain_text / mrkdwn) or "". */
  static String text(JsonObject textObject) {
    return textObject == null ? "" : textObject.getString("text", "");
  }
}
