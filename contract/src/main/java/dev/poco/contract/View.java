package dev.poco.contract;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A platform-neutral card. Gateways render it (Feishu Card JSON 2.0, Slack Block Kit); the demo
 * API returns it as JSON. Text is Markdown; the body holds one page of a long result.
 *
 * @param kind one of {@link ViewKinds}
 * @param status a task status wire name when the view shows a task, else null
 * @param refs ids the view is about: project_id, task_id, path
 */
public record View(String kind, String title, String status, String body, List<Field> fields, List<Input> inputs,
    List<Action> actions, int page, int pages, JsonObject refs) {

  public View {
    fields = fields == null ? List.of() : List.copyOf(fields);
    inputs = inputs == null ? List.of() : List.copyOf(inputs);
    actions = actions == null ? List.of() : List.copyOf(actions);
    refs = refs == null ? new JsonObject() : refs;
    if (pages < 1) pages = 1;
  }

  /** A plain notice: a title and a text, no actions. */
  public static View notice(String title, String body) {
    return new View(ViewKinds.NOTICE, title, null, body, null, null, null, 1, 1, null);
  }

  /** A label and a value shown as a row. */
  public record Field(String label, String value) {
    public JsonObject toJson() { return new JsonObject().put("label", label).put("value", value); }
    public static Field fromJson(JsonObject j) { return new Field(j.getString("label"), j.getString("value")); }
  }

  /** One choice of a select input. */
  public record Option(String label, String value) {
    public JsonObject toJson() { return new JsonObject().put("label", label).put("value", value); }
    public static Option fromJson(JsonObject j) { return new Option(j.getString("label"), j.getString("value")); }
  }

  /**
   * A form input; its value arrives in {@link CardIntent#form()} under {@code name}.
   *
   * @param type {@link #TEXT} (one line), {@link #TEXTAREA} (several lines, e.g. a prompt) or {@link #SELECT}
   * @param value the value shown in the input (e.g. what the user typed before a field error), or null
   * @param error a field-level error about this input's value (shown beside it), null when the value is fine
   */
  public record Input(String name, String label, String type, String placeholder, String value, List<Option> options,
      String error) {
    public static final String TEXT = "text";
    public static final String TEXTAREA = "textarea";
    public static final String SELECT = "select";

    public Input {
      options = options == null ? List.of() : List.copyOf(options);
    }

    public Input(String name, String label, String type, String placeholder, String value, List<Option> options) {
      this(name, label, type, placeholder, value, options, null);
    }

    public static Input text(String name, String label, String placeholder, String value) {
      return new Input(name, label, TEXT, placeholder, value, null, null);
    }

    /** A multi-line text input (a gateway without one shows a one-line text input). */
    public static Input multiline(String name, String label, String placeholder, String value) {
      return new Input(name, label, TEXTAREA, placeholder, value, null, null);
    }

    public static Input select(String name, String label, String value, List<Option> options) {
      return new Input(name, label, SELECT, null, value, options, null);
    }

    /** This input showing {@code error} (null: no error) beside it. */
    public Input withError(String error) { return new Input(name, label, type, placeholder, value, options, error); }

    /** This input pre-filled with {@code value}. */
    public Input withValue(String value) { return new Input(name, label, type, placeholder, value, options, error); }

    public JsonObject toJson() {
      JsonObject j = new JsonObject().put("name", name).put("label", label).put("type", type);
      Jsons.putIf(j, "placeholder", placeholder);
      Jsons.putIf(j, "value", value);
      if (!options.isEmpty()) j.put("options", Jsons.array(options, Option::toJson));
      Jsons.putIf(j, "error", error);
      return j;
    }

    public static Input fromJson(JsonObject j) {
      return new Input(j.getString("name"), j.getString("label"), j.getString("type"), j.getString("placeholder"),
          j.getString("value"), Jsons.list(j, "options", Option::fromJson), j.getString("error"));
    }
  }

  /**
   * A button. {@code value} is the whole callback payload: intent_key, request_id and the
   * parameters, as in the PoCo card-action payload, so a gateway can put it on the button as is.
   *
   * @param style "primary", "danger" or "default"
   * @param submitsForm true when the button submits the view's inputs
   */
  public record Action(String label, String style, boolean submitsForm, JsonObject value) {
    public String intentKey() { return value.getString("intent_key"); }

    public String requestId() { return value.getString("request_id"); }

    public JsonObject toJson() {
      return new JsonObject().put("label", label).put("style", style).put("submits_form", submitsForm)
          .put("intent_key", intentKey()).put("request_id", requestId()).put("value", value);
    }

    public static Action fromJson(JsonObject j) {
      return new Action(j.getString("label"), j.getString("style", "default"), Jsons.bool(j, "submits_form", false),
          Jsons.obj(j, "value"));
    }
  }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("kind", kind).put("title", title);
    Jsons.putIf(j, "status", status);
    Jsons.putIf(j, "body", body);
    j.put("fields", Jsons.array(fields, Field::toJson));
    j.put("inputs", Jsons.array(inputs, Input::toJson));
    j.put("actions", Jsons.array(actions, Action::toJson));
    j.put("page", page).put("pages", pages).put("refs", refs);
    return j;
  }

  public static View fromJson(JsonObject j) {
    return new View(j.getString("kind"), j.getString("title"), j.getString("status"), j.getString("body"),
        Jsons.list(j, "fields", Field::fromJson), Jsons.list(j, "inputs", Input::fromJson),
        Jsons.list(j, "actions", Action::fromJson), Jsons.integer(j, "page", 1), Jsons.integer(j, "pages", 1),
        j.getJsonObject("refs"));
  }
}
