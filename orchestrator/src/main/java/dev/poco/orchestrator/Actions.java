package dev.poco.orchestrator;

import dev.poco.contract.View;
import io.vertx.core.json.JsonObject;

/** Builds view buttons whose value is the full callback payload (intent_key, request_id, parameters). */
final class Actions {
  private Actions() {}

  /**
   * Value key naming the card a button sits on, when that card is one the orchestrator renders (a task's card, the
   * workspace card): what the button opens goes to a new message there, never over the live card.
   */
  static final String SURFACE = "surface";
  static final String SURFACE_TASK = "task";
  static final String SURFACE_WORKSPACE = "workspace";

  static View.Action button(String label, String intent, Object... params) {
    return make(label, "default", false, intent, params);
  }

  static View.Action primary(String label, String intent, Object... params) {
    return make(label, "primary", false, intent, params);
  }

  static View.Action danger(String label, String intent, Object... params) {
    return make(label, "danger", false, intent, params);
  }

  /** A button that submits the view's inputs along with its value. */
  static View.Action submit(String label, String intent, Object... params) {
    return make(label, "primary", true, intent, params);
  }

  private static View.Action make(String label, String style, boolean form, String intent, Object... params) {
    JsonObject value = new JsonObject().put("intent_key", intent).put("request_id", Ids.request());
    for (int i = 0; i + 1 < params.length; i += 2) {
      if (params[i + 1] != null) value.put(params[i].toString(), params[i + 1]);
    }
    return new View.Action(label, style, form, value);
  }
}
