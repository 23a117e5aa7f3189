package dev.poco.gateway.slack;

import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Slack caps a button's {@code value} at 2,000 characters (slack.md §3/§4); a View.Action value (intent_key,
 * request_id, params) is far below that in practice, but a long path parameter could pass it. Such a value is kept
 * here and the button carries {@code {intent_key, request_id, value_ref}}; the click is resolved back to the whole
 * value. Bounded, in memory, per gateway instance: a click on such a button after a restart, or delivered to another
 * instance, arrives with intent_key and request_id only (the orchestrator then refuses or re-asks; nothing runs with
 * made-up parameters). Thread-safe.
 */
final class ButtonValues {
  static final int MAX_VALUE_CHARS = 2_000;
  static final String REF = "value_ref";
  private static final int MAX_KEPT = 10_000;

  private final Map<String, JsonObject> kept = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, JsonObject> eldest) { return size() > MAX_KEPT; }
  };

  /** The button value for {@code value}: its JSON when it fits, else a reference to it. */
  synchronized String encode(JsonObject value) {
    String s = value.encode();
    if (s.length() <= MAX_VALUE_CHARS) return s;
    String ref = UUID.randomUUID().toString();
    kept.put(ref, value.copy());
    JsonObject small = new JsonObject().put("intent_key", value.getString("intent_key"))
        .put("request_id", value.getString("request_id")).put(REF, ref);
    return small.encode();
  }

  /** The value a clicked button stands for: the kept one for a reference, else the button's own. */
  synchronized JsonObject decode(JsonObject buttonValue) {
    String ref = buttonValue.getString(REF);
    if (ref == null) return buttonValue;
    JsonObject v = kept.get(ref);
    return v != null ? v.copy() : buttonValue;
  }
}
