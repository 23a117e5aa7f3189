package dev.poco.gateway.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long views within Slack's limits (issue 12; slack.md §4: 50 blocks in a message, 100 in a modal, 25 elements per
 * actions block): nothing Slack would refuse as invalid_blocks, no button lost, and what is left out said.
 */
class SlackPagingTest {
  static View.Action button(String label, String intent, String... params) {
    JsonObject v = new JsonObject().put("intent_key", intent).put("request_id", "r-" + label);
    for (int i = 0; i + 1 < params.length; i += 2) v.put(params[i], params[i + 1]);
    return new View.Action(label, "default", false, v);
  }

  static List<String> buttonLabels(JsonArray blocks) {
    List<String> out = new ArrayList<>();
    for (Object o : blocks) {
      JsonObject b = (JsonObject) o;
      if (!"actions".equals(b.getString("type"))) continue;
      for (Object e : b.getJsonArray("elements")) out.add(((JsonObject) e).getJsonObject("text").getString("text"));
    }
    return out;
  }

  static long count(JsonArray blocks, String type) {
    return blocks.stream().filter(b -> type.equals(((JsonObject) b).getString("type"))).count();
  }

  /** The Manage list of {@code n} projects on one page, as a producer that does not page would send it. */
  static View manageAll(int n) {
    StringBuilder body = new StringBuilder();
    List<View.Action> actions = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      body.append("- **project-").append(i).append("** · claude · ~/src/p").append(i).append('\n');
      actions.add(button("Open project_" + i, "project.open", "project_id", "p" + i));
      actions.add(button("Delete project_" + i, "project.delete", "project_id", "p" + i));
    }
    actions.add(button("Back", "project.home"));
    return new View(ViewKinds.PROJECT_MANAGE, "Manage projects", null, body.toString(), null, null, actions, 1, 1, null);
  }

  @Test
  void manageOf60ProjectsOnOnePageKeepsAll121ButtonsInActionsBlocksOf25() {
    JsonArray blocks = SlackBlocks.blocks(manageAll(60), new ButtonValues());
    SlackBlocksTest.assertWithinLimits(blocks);
    assertThat(FakeSlackApi.blocksRefused(blocks, 50)).isFalse();
    assertThat(count(blocks, "actions")).isEqualTo(5);
    List<String> labels = buttonLabels(blocks);
    assertThat(labels).hasSize(121).contains("Open project_1", "Delete project_60", "Back");
    assertThat(blocks.encode()).contains("*project-60*");
  }

  @Test
  void manageOf60ProjectsPagedByTheContractShowsItsPageAndPageButtons() {
    // as the orchestrator pages it: 10 projects a page, Prev/Next to the others
    View full = manageAll(60);
    List<View.Action> page2 = new ArrayList<>(full.actions().subList(20, 40));
    page2.add(button("‹ Prev", "project.manage", "page", "1"));
    page2.add(button("Next ›", "project.manage", "page", "3"));
    page2.add(button("Back", "project.home"));
    View v = new View(ViewKinds.PROJECT_MANAGE, "Manage projects", null, "Projects 11–20 of 60\n- **project-11**",
        null, null, page2, 2, 6, null);
    JsonArray blocks = SlackBlocks.blocks(v, new ButtonValues());
    SlackBlocksTest.assertWithinLimits(blocks);
    assertThat(blocks.encode()).contains("Page 2 of 6", "Projects 11–20 of 60");
    assertThat(buttonLabels(blocks)).hasSize(23).contains("‹ Prev", "Next ›", "Open project_11", "Delete project_20");
    JsonObject next = blocks.stream().map(JsonObject.class::cast).filter(b -> "actions".equals(b.getString("type")))
        .flatMap(b -> b.getJsonArray("elements").stream().map(JsonObject.class::cast))
        .filter(e -> e.getJsonObject("text").getString("text").equals("Next ›")).findFirst().orElseThrow();
    assertThat(new JsonObject(next.getString("value")).getString("page")).isEqualTo("3");
  }

  /** The working-dir chooser browsing a folder with {@code folders} subfolders, all on one page. */
  static View browse(int folders) {
    List<View.Action> actions = new ArrayList<>();
    actions.add(new View.Action("Use this folder", "primary", false, new JsonObject().put("intent_key", "workdir.choose")
        .put("request_id", "r-choose").put("path", "/srv")));
    actions.add(button("‹ Up", "workdir.open", "path", "/"));
    for (int i = 1; i <= folders; i++) actions.add(button("dir" + i + "/", "workdir.open", "path", "/srv/dir" + i));
    actions.add(button("Use Default", "workdir.default"));
    actions.add(new View.Action("Use typed path", "primary", true, new JsonObject().put("intent_key", "workdir.manual")
        .put("request_id", "r-manual").put("project_id", "p1")));
    actions.add(new View.Action("Save as preset", "primary", true, new JsonObject().put("intent_key", "preset.add")
        .put("request_id", "r-preset").put("project_id", "p1")));
    actions.add(button("Back", "workspace.open"));
    return new View(ViewKinds.WORKDIR, "Working Dir · api", null, "Current: `/srv`\nBrowsing: `/srv`", null,
        List.of(View.Input.text("path", "Path", "/absolute/path or ~/dir", null),
            View.Input.text("label", "Preset name", "optional", null)),
        actions, 1, 1, new JsonObject().put("project_id", "p1"));
  }

  @Test
  void browseOf40FoldersFitsAMessageAndAModal() {
    JsonArray message = SlackBlocks.blocks(browse(40), new ButtonValues());
    SlackBlocksTest.assertWithinLimits(message);
    assertThat(count(message, "actions")).isEqualTo(2);
    assertThat(buttonLabels(message)).hasSize(46).contains("dir1/", "dir40/", "Use typed path", "Save as preset");

    SlackModals modals = new SlackModals(null, null, new ButtonValues(), null, null, 1_000);
    JsonObject modal = modals.modal(browse(40), new SlackModals.Origin(null, "C1", "1.2", null, false,
        "https://hooks.slack.com/actions/T1/1/x", "new"));
    assertThat(FakeSlackApi.viewRefusal(modal)).isNull();
    assertThat(modal.getJsonObject("submit").getString("text")).isEqualTo("Use typed path");
    assertThat(modal.getJsonObject("title").getString("text")).isEqualTo("Working Dir · api");
    List<String> inModal = buttonLabels(modal.getJsonArray("blocks"));
    assertThat(inModal).hasSize(45).contains("dir40/", "Save as preset").doesNotContain("Use typed path");
    SlackModals.Origin o = SlackModals.Origin.decode(modal.getString("private_metadata"));
    assertThat(new JsonObject(o.value()).getString("intent_key")).isEqualTo("workdir.manual");
    assertThat(o.channel()).isEqualTo("C1");
    assertThat(o.openedAs()).isEqualTo("new");
  }

  @Test
  void tooManyInputsForOneMessageAreCutWithANoteAndTheButtonsStay() {
    List<View.Input> inputs = new ArrayList<>();
    for (int i = 0; i < 70; i++) inputs.add(View.Input.text("s" + i, "Setting " + i, null, null).withError("bad"));
    View v = new View(ViewKinds.AGENT, "Agent · api", null, "Pick the agent's settings.", null, inputs,
        List.of(new View.Action("Apply", "primary", true, new JsonObject().put("intent_key", "agent.apply")
            .put("request_id", "r-a")), button("Back", "workspace.open")), 1, 1, null);
    JsonArray message = SlackBlocks.blocks(v, new ButtonValues());
    assertThat(message.size()).isLessThanOrEqualTo(50);
    assertThat(FakeSlackApi.blocksRefused(message, 50)).isFalse();
    assertThat(buttonLabels(message)).containsExactly("Apply", "Back");
    assertThat(message.encode()).contains("Pick the agent", "more items are not shown here");
    JsonObject modal = new SlackModals(null, null, new ButtonValues(), null, null, 1_000)
        .modal(v, new SlackModals.Origin(null, "C1", "1.2", null, false, null, "replace"));
    assertThat(modal.getJsonArray("blocks").size()).isLessThanOrEqualTo(100);
    assertThat(FakeSlackApi.viewRefusal(modal)).isNull();
    assertThat(count(modal.getJsonArray("blocks"), "input")).isGreaterThan(count(message, "input"));
  }

  @Test
  void sectionTextIsMrkdwnNotMarkdown() {
    View v = View.notice("Result", "## Summary\n**Done** in [the PR](https://x.test/pr/1), see `a_b`\n"
        + "```java\nint **x** = 1;\n```\n- one\n- two");
    JsonArray blocks = SlackBlocks.blocks(v, new ButtonValues());
    String text = blocks.getJsonObject(1).getJsonObject("text").getString("text");
    assertThat(blocks.getJsonObject(1).getJsonObject("text").getString("type")).isEqualTo("mrkdwn");
    assertThat(text).isEqualTo("*Summary*\n*Done* in <https://x.test/pr/1|the PR>, see `a_b`\n"
        + "```\nint **x** = 1;\n```\n• one\n• two");
  }
}
