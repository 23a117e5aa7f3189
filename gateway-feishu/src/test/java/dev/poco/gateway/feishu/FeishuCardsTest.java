package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.gatewaykit.PlatformLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Views of every kind (built by hand: a gateway cannot use the orchestrator's) as Card JSON 2.0 within limits. */
class FeishuCardsTest {
  static View.Action action(String label, String style, boolean submits, String intent) {
    return new View.Action(label, style, submits, new JsonObject().put("intent_key", intent).put("request_id", "rq-" + intent)
        .put("project_id", "p1"));
  }

  static View view(String kind, String status, String body, List<View.Field> fields, List<View.Input> inputs,
      List<View.Action> actions) {
    return new View(kind, "Title of " + kind, status, body, fields, inputs, actions, 1, 1, new JsonObject());
  }

  static Map<String, View> everyKind() {
    List<View.Option> agents = List.of(new View.Option("Codex", "codex"), new View.Option("Claude Code", "claude_code"));
    return Map.of(
        ViewKinds.HOME, view(ViewKinds.HOME, null, "What do you want to do?", null, null,
            List.of(action("New project", "primary", false, "home.new"), action("Manage", "default", false, "home.manage"))),
        ViewKinds.PROJECT_NEW, view(ViewKinds.PROJECT_NEW, null, "Name your project", null,
            List.of(View.Input.text("name", "Project name", "my project", null).withError("a project with this name exists"),
                View.Input.select("agent", "Agent", "codex", agents)),
            List.of(action("Create", "primary", true, "project.create"), action("Cancel", "default", false, "home"))),
        ViewKinds.PROJECT_MANAGE, view(ViewKinds.PROJECT_MANAGE, null, "**2 projects**", null, null,
            List.of(action("Delete alpha", "danger", false, "project.delete"), action("Delete beta", "danger", false, "project.delete"))),
        ViewKinds.PROJECT_DELETE, view(ViewKinds.PROJECT_DELETE, null, "Delete **alpha**? Its group is dissolved.", null,
            null, List.of(action("Delete", "danger", false, "project.delete.confirm"), action("Keep", "default", false, "home"))),
        ViewKinds.PROJECT_CONFIG, view(ViewKinds.PROJECT_CONFIG, null, null,
            List.of(new View.Field("Agent", "codex"), new View.Field("Working dir", "/home/me/my_proj*ect")), null,
            List.of(action("Working Dir", "default", false, "workdir"))),
        ViewKinds.WORKSPACE, view(ViewKinds.WORKSPACE, null, "Send a message to start a task.", null, null,
            List.of(action("Stop", "danger", false, "task.stop"), action("Working Dir", "default", false, "workdir"),
                action("Agent", "default", false, "agent"))),
        ViewKinds.WORKDIR, view(ViewKinds.WORKDIR, null, "`/home/me`\n- src\n- docs", null,
            List.of(View.Input.multiline("path", "Path", "/home/me/project", "/home/me")),
            List.of(action("Use", "primary", true, "workdir.set"), action("Up", "default", false, "workdir.up"))),
        ViewKinds.AGENT, view(ViewKinds.AGENT, null, "Codex is ready.", null,
            List.of(View.Input.select("backend", "Agent", "claude_code", agents)),
            List.of(action("Save", "primary", true, "agent.set"))),
        ViewKinds.TASK, view(ViewKinds.TASK, "waiting_confirmation", "```\nrm -rf build\n```\nApprove?",
            List.of(new View.Field("Agent", "codex")), null,
            List.of(action("Approve", "primary", false, "task.approve"), action("Reject", "danger", false, "task.reject"))),
        ViewKinds.NOTICE, View.notice("Not allowed", "You are not on the access list of this PoCo."));
  }

  @Test
  void everyKindIsASchema2CardWithinTheLimits() {
    everyKind().forEach((kind, v) -> {
      JsonObject card = FeishuCards.card(v);
      assertThat(card.getString("schema")).as(kind).isEqualTo("2.0");
      assertThat(card.getJsonObject("config").getBoolean("update_multi")).as(kind).isTrue();
      assertThat(card.getJsonObject("header").getJsonObject("title").getString("content")).isEqualTo(v.title());
      assertThat(FeishuCards.size(card)).as(kind).isLessThanOrEqualTo(PlatformLimits.FEISHU_CARD_MAX_BYTES);
      assertThat(FeishuCards.elementCount(card)).as(kind).isLessThanOrEqualTo(PlatformLimits.FEISHU_CARD_MAX_ELEMENTS);
      // every action is a button whose callback value is the action's value as is
      List<JsonObject> buttons = find(card, "button");
      assertThat(buttons).as(kind).hasSize(v.actions().size());
      for (View.Action a : v.actions()) {
        assertThat(buttons).as(kind).anySatisfy(b -> {
          assertThat(b.getJsonObject("text").getString("content")).isEqualTo(a.label());
          assertThat(b.getJsonArray("behaviors").getJsonObject(0))
              .isEqualTo(new JsonObject().put("type", "callback").put("value", a.value()));
        });
      }
    });
  }

  @Test
  void inputsGoInAFormWithTheirSubmitButtonsAndErrorsUnderThem() {
    JsonObject card = FeishuCards.card(everyKind().get(ViewKinds.PROJECT_NEW));
    List<JsonObject> forms = find(card, "form");
    assertThat(forms).hasSize(1);
    JsonArray els = forms.get(0).getJsonArray("elements");
    List<String> tags = els.stream().map(o -> ((JsonObject) o).getString("tag")).toList();
    assertThat(tags).containsExactly("markdown", "input", "markdown", "markdown", "select_static", "button");
    assertThat(els.getJsonObject(2).getString("content")).contains("a project with this name exists").contains("red");
    assertThat(els.getJsonObject(4).getString("initial_option")).isEqualTo("codex");
    assertThat(els.getJsonObject(4).getJsonArray("options")).hasSize(2);
    assertThat(els.getJsonObject(5).getString("form_action_type")).isEqualTo("submit");
    // the Cancel button is outside the form
    assertThat(find(card, "column_set")).hasSize(1);
  }

  @Test
  void aTextareaIsAMultiLineInput() {
    JsonObject input = find(FeishuCards.card(everyKind().get(ViewKinds.WORKDIR)), "input").get(0);
    assertThat(input.getString("input_type")).isEqualTo("multiline_text");
    assertThat(input.getString("name")).isEqualTo("path");
    assertThat(input.getString("default_value")).isEqualTo("/home/me");
  }

  @Test
  void theStatusColoursTheHeaderAndTags() {
    JsonObject header = FeishuCards.card(view(ViewKinds.TASK, "failed", "boom", null, null, null)).getJsonObject("header");
    assertThat(header.getString("template")).isEqualTo("red");
    assertThat(header.getJsonArray("text_tag_list").getJsonObject(0).getJsonObject("text").getString("content"))
        .isEqualTo("Failed");
    assertThat(FeishuCards.card(view(ViewKinds.TASK, "completed", "ok", null, null, null)).getJsonObject("header")
        .getString("template")).isEqualTo("green");
  }

  @Test
  void fieldValuesArePlainTextEscapedAndTheBodyStaysMarkdown() {
    JsonObject card = FeishuCards.card(everyKind().get(ViewKinds.PROJECT_CONFIG));
    String fields = find(card, "markdown").get(0).getString("content");
    assertThat(fields).contains("**Agent:** codex").contains("my&#95;proj&#42;ect");
    String body = find(FeishuCards.card(everyKind().get(ViewKinds.PROJECT_DELETE)), "markdown").get(0).getString("content");
    assertThat(body).contains("**alpha**");
  }

  @Test
  void aHugeBodyIsCutByBytesAndSaysSo() {
    String cjk = "中文输出".repeat(20_000); // 240 KB of UTF-8
    View v = new View(ViewKinds.TASK, "Big", "completed", "```\n" + cjk, null, null,
        List.of(action("Continue", "primary", false, "task.continue")), 2, 5, new JsonObject());
    JsonObject card = FeishuCards.card(v);
    assertThat(FeishuCards.size(card)).isLessThanOrEqualTo(PlatformLimits.FEISHU_CARD_MAX_BYTES);
    String body = find(card, "markdown").get(0).getString("content");
    assertThat(body).contains("truncated").contains("page 2 of 5");
    assertThat(FeishuCards.openFence(body)).isFalse();
    assertThat(find(card, "button")).hasSize(1);
  }

  @Test
  void tooManyActionsStayUnderTheElementLimitAndSaySo() {
    List<View.Action> many = new ArrayList<>();
    for (int i = 0; i < 150; i++) many.add(action("Folder " + i, "default", false, "workdir.open"));
    JsonObject card = FeishuCards.card(view(ViewKinds.WORKDIR, null, "folders", null, null, many));
    assertThat(FeishuCards.elementCount(card)).isLessThanOrEqualTo(PlatformLimits.FEISHU_CARD_MAX_ELEMENTS);
    assertThat(card.encode()).contains("more actions do not fit");
  }

  @Test
  void aPagedBodySaysWhichPage() {
    View v = new View(ViewKinds.TASK, "Result", "completed", "page text", null, null, null, 3, 4, new JsonObject());
    assertThat(find(FeishuCards.card(v), "markdown").get(0).getString("content")).contains("Page 3 of 4");
  }

  @Test
  void theCallbackAnswerCarriesToastAndRawCard() {
    JsonObject card = FeishuCards.card(View.notice("t", "b"));
    JsonObject a = FeishuCards.callbackAnswer("Saved", "success", card);
    assertThat(a.getJsonObject("toast")).isEqualTo(new JsonObject().put("type", "success").put("content", "Saved"));
    assertThat(a.getJsonObject("card")).isEqualTo(new JsonObject().put("type", "raw").put("data", card));
    assertThat(FeishuCards.callbackAnswer(null, null, null)).isEqualTo(new JsonObject());
  }

  /** Every component with this tag, depth first. */
  static List<JsonObject> find(JsonObject card, String tag) {
    List<JsonObject> out = new ArrayList<>();
    walk(card.getJsonObject("body").getJsonArray("elements"), tag, out);
    return out;
  }

  private static void walk(JsonArray els, String tag, List<JsonObject> out) {
    if (els == null) return;
    for (int i = 0; i < els.size(); i++) {
      JsonObject e = els.getJsonObject(i);
      if (tag.equals(e.getString("tag"))) out.add(e);
      walk(e.getJsonArray("elements"), tag, out);
      walk(e.getJsonArray("columns"), tag, out);
    }
  }
}
