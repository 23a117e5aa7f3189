package dev.poco.orchestrator;

import dev.poco.contract.View;
import io.vertx.core.json.JsonObject;

/** Builds view buttons whose value is the full callback payload (intent_key, request_id, parameters). */
final class Actions {
  private Actions() {}

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
