package dev.poco.gateway.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** View → Block Kit within Slack's limits (slack.md §3, §4), for every view kind. */
class SlackBlocksTest {
  static View.Action action(String intent, String label, String style) {
    return new View.Action(label, style, false, new JsonObject().put("intent_key", intent)
        .put("request_id", "r-" + intent + "-" + label).put("project_id", "p1"));
  }

  static View view(String kind, String status, String body, int actions) {
    List<View.Action> as = new ArrayList<>();
    for (int i = 0; i < actions; i++) as.add(action("x." + kind, "Button " + i, i == 0 ? "primary" : "default"));
    return new View(kind, "Title of " + kind, status, body,
        List.of(new View.Field("Agent", "claude"), new View.Field("Dir", "`/srv/app`")),
        List.of(View.Input.multiline("prompt", "Prompt", "What to do", null).withError("must not be empty"),
            View.Input.text("name", "Name", null, "demo"),
            View.Input.select("agent", "Agent", "codex", List.of(new View.Option("Claude", "claude"),
                new View.Option("Codex", "codex")))),
        as, 1, 1, new JsonObject().put("task_id", "t1"));
  }

  /** Every limit of the notes, checked on a rendered message. */
  static void assertWithinLimits(JsonArray blocks) {
    assertThat(blocks.size()).isLessThanOrEqualTo(PlatformLimits.SLACK_MAX_BLOCKS);
    Set<String> actionIds = new HashSet<>();
    int text = 0;
    for (int i = 0; i < blocks.size(); i++) {
      JsonObject b = blocks.getJsonObject(i);
      switch (b.getString("type")) {
        case "header" -> assertThat(b.getJsonObject("text").getString("text").length()).isLessThanOrEqualTo(150);
        case "section" -> {
          if (b.getJsonObject("text") != null) {
            String t = b.getJsonObject("text").getString("text");
            assertThat(t.length()).isLessThanOrEqualTo(PlatformLimits.SLACK_SECTION_MAX_CHARS);
            text += t.length();
          }
          if (b.getJsonArray("fields") != null) assertThat(b.getJsonArray("fields").size()).isLessThanOrEqualTo(10);
        }
        case "actions" -> {
          JsonArray els = b.getJsonArray("elements");
          assertThat(els.size()).isBetween(1, PlatformLimits.SLACK_ACTIONS_MAX_ELEMENTS);
          for (int k = 0; k < els.size(); k++) {
            JsonObject btn = els.getJsonObject(k);
            assertThat(btn.getString("value").length()).isLessThanOrEqualTo(ButtonValues.MAX_VALUE_CHARS);
            assertThat(btn.getJsonObject("text").getString("text").length()).isLessThanOrEqualTo(75);
            assertThat(actionIds.add(btn.getString("action_id"))).as("action_id unique per message").isTrue();
          }
        }
        case "input", "context" -> { }
        default -> throw new AssertionError("unexpected block " + b);
      }
    }
    assertThat(text).isLessThanOrEqualTo(PlatformLimits.SLACK_BLOCKS_TEXT_SOFT_MAX_CHARS);
  }

  @Test
  void everyViewKindRendersWithinLimits() {
    for (String kind : List.of(ViewKinds.HOME, ViewKinds.PROJECT_NEW, ViewKinds.PROJECT_MANAGE,
        ViewKinds.PROJECT_DELETE, ViewKinds.PROJECT_CONFIG, ViewKinds.WORKSPACE, ViewKinds.WORKDIR, ViewKinds.AGENT,
        ViewKinds.TASK, ViewKinds.NOTICE)) {
      View v = view(kind, ViewKinds.TASK.equals(kind) ? "running" : null, "Some **bold** text\n- a\n- b", 3);
      JsonArray blocks = SlackBlocks.blocks(v, new ButtonValues());
      assertWithinLimits(blocks);
      assertThat(blocks.getJsonObject(0).getString("type")).isEqualTo("header");
      assertThat(SlackBlocks.fallbackText(v)).contains("Title of " + kind);
    }
    assertWithinLimits(SlackBlocks.blocks(View.notice("", ""), new ButtonValues()));
  }

  @Test
  void titleCarriesTheStatusEmojiAndBodyIsMrkdwn() {
    JsonArray blocks = SlackBlocks.blocks(view(ViewKinds.TASK, "completed", "**done** & [link](https://x.io)", 1),
        new ButtonValues());
    assertThat(blocks.getJsonObject(0).getJsonObject("text").getString("text")).isEqualTo("✅ Title of task");
    assertThat(blocks.getJsonObject(1).getJsonObject("text").getString("text"))
        .isEqualTo("*done* &amp; <https://x.io|link>");
  }

  @Test
  void inputsBecomeInputBlocksWithErrorsUnderThem() {
    JsonArray blocks = SlackBlocks.blocks(view(ViewKinds.PROJECT_NEW, null, null, 1), new ButtonValues());
    List<JsonObject> inputs = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      if ("input".equals(blocks.getJsonObject(i).getString("type"))) inputs.add(blocks.getJsonObject(i));
    }
    assertThat(inputs).hasSize(3);
    JsonObject prompt = inputs.get(0);
    assertThat(prompt.getString("block_id")).isEqualTo("in:prompt");
    assertThat(prompt.getJsonObject("element").getString("type")).isEqualTo("plain_text_input");
    assertThat(prompt.getJsonObject("element").getBoolean("multiline")).isTrue();
    JsonObject after = findAfter(blocks, "in:prompt");
    assertThat(after.getString("type")).isEqualTo("context");
    assertThat(after.encode()).contains("must not be empty");
    assertThat(inputs.get(1).getJsonObject("element").getBoolean("multiline")).isFalse();
    assertThat(inputs.get(1).getJsonObject("element").getString("initial_value")).isEqualTo("demo");
    JsonObject select = inputs.get(2).getJsonObject("element");
    assertThat(select.getString("type")).isEqualTo("static_select");
    assertThat(select.getJsonArray("options")).hasSize(2);
    assertThat(select.getJsonObject("initial_option").getString("value")).isEqualTo("codex");
  }

  static JsonObject findAfter(JsonArray blocks, String blockId) {
    for (int i = 0; i < blocks.size() - 1; i++) {
      if (blockId.equals(blocks.getJsonObject(i).getString("block_id"))) return blocks.getJsonObject(i + 1);
    }
    throw new AssertionError("no block " + blockId);
  }

  @Test
  void manyActionsSplitIntoActionsBlocksOf25WithUniqueIds() {
    JsonArray blocks = SlackBlocks.blocks(view(ViewKinds.WORKDIR, null, "x", 30), new ButtonValues());
    assertWithinLimits(blocks);
    List<JsonObject> actions = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      if ("actions".equals(blocks.getJsonObject(i).getString("type"))) actions.add(blocks.getJsonObject(i));
    }
    assertThat(actions).hasSize(2);
    assertThat(actions.get(0).getJsonArray("elements")).hasSize(25);
    assertThat(actions.get(1).getJsonArray("elements")).hasSize(5);
    JsonObject first = actions.get(0).getJsonArray("elements").getJsonObject(0);
    assertThat(first.getString("style")).isEqualTo("primary");
    assertThat(new JsonObject(first.getString("value")).getString("intent_key")).isEqualTo("x.workdir");
    assertThat(actions.get(0).getJsonArray("elements").getJsonObject(1).containsKey("style")).isFalse();
  }

  @Test
  void longBodyIsSplitIntoSectionsAndCutWithANotice() {
    String line = "0123456789".repeat(9) + "\n";
    JsonArray medium = SlackBlocks.blocks(view(ViewKinds.TASK, "completed", line.repeat(60), 2), new ButtonValues());
    assertWithinLimits(medium);
    assertThat(medium.encode()).doesNotContain("not shown");
    JsonArray huge = SlackBlocks.blocks(view(ViewKinds.TASK, "completed", line.repeat(2_000), 2), new ButtonValues());
    assertWithinLimits(huge);
    assertThat(huge.encode()).contains("more characters of this text are not shown");
  }

  @Test
  void aButtonValueOver2000CharsTravelsByReference() {
    ButtonValues values = new ButtonValues();
    JsonObject big = new JsonObject().put("intent_key", "fs.open").put("request_id", "r9").put("path", "/a".repeat(1_500));
    View v = new View(ViewKinds.WORKDIR, "Dir", null, null, null, null,
        List.of(new View.Action("Open", "default", false, big)), 1, 1, null);
    JsonArray blocks = SlackBlocks.blocks(v, values);
    assertWithinLimits(blocks);
    String value = blocks.getJsonObject(1).getJsonArray("elements").getJsonObject(0).getString("value");
    JsonObject small = new JsonObject(value);
    assertThat(small.getString("intent_key")).isEqualTo("fs.open");
    assertThat(small.getString(ButtonValues.REF)).isNotNull();
    assertThat(values.decode(small)).isEqualTo(big);
    assertThat(new ButtonValues().decode(small)).as("unknown ref: what the button has").isEqualTo(small);
  }

  @Test
  void fallbackTextIsEscapedSoAgentOutputPingsNobody() {
    View v = View.notice("Result", "see <!channel> & <@U1>");
    assertThat(SlackBlocks.fallbackText(v)).isEqualTo("Result\nsee &lt;!channel&gt; &amp; &lt;@U1&gt;");
    assertThat(SlackBlocks.blocks(v, new ButtonValues()).encode()).doesNotContain("<!channel>");
  }
}
