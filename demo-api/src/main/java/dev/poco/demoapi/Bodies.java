package dev.poco.demoapi;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RequestBody;
import io.vertx.ext.web.RoutingContext;

/** Reads JSON request bodies and their fields, failing with a 400 that names what was wrong. */
final class Bodies {
  private static final int MAX_DETAIL = 200;
  /**
   * Far deeper than any PoCo body. The decoder allows 1000 levels, but copying a body that deep (the card
   * action's form, every local bus send) recurses on the event loop until the stack overflows: a 500.
   */
  static final int MAX_DEPTH = 64;

  private Bodies() {}

  /** The body as a JSON object; an empty body reads as {}. */
  static JsonObject object(RoutingContext ctx) {
    RequestBody body = ctx.body();
    Buffer buf = body == null ? null : body.buffer();
    if (buf == null || buf.toString().isBlank()) return new JsonObject();
    if (tooDeep(buf)) throw new HttpError(400, "malformed JSON: nested deeper than " + MAX_DEPTH + " levels");
    Object value;
    try {
      value = Json.decodeValue(buf);
    } catch (DecodeException e) {
      throw new HttpError(400, "malformed JSON: " + detail(e));
    }
    if (!(value instanceof JsonObject json)) throw new HttpError(400, "malformed JSON: expected an object");
    return json;
  }

  /** A string field, or {@code def} when absent or blank. */
  static String string(JsonObject json, String key, String path, String def) {
    Object v = json.getValue(key);
    if (v == null) return def;
    if (!(v instanceof String s)) throw new HttpError(400, "field '" + path + "' must be a string");
    return s.isBlank() ? def : s;
  }

  static String requiredString(JsonObject json, String key, String path) {
    String s = string(json, key, path, null);
    if (s == null) throw new HttpError(400, "field '" + path + "' is required");
    return s;
  }

  /** An object field, or an empty object when absent. */
  static JsonObject object(JsonObject json, String key, String path) {
    Object v = json.getValue(key);
    if (v == null) return new JsonObject();
    if (!(v instanceof JsonObject o)) throw new HttpError(400, "field '" + path + "' must be an object");
    return o;
  }

  static JsonObject requiredObject(JsonObject json, String key, String path) {
    if (json.getValue(key) == null) throw new HttpError(400, "field '" + path + "' is required");
    return object(json, key, path);
  }

  /** Counts brackets outside strings; a UTF-8 continuation byte never equals '"' or '\\'. */
  private static boolean tooDeep(Buffer buf) {
    int depth = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0, n = buf.length(); i < n; i++) {
      byte b = buf.getByte(i);
      if (inString) {
        if (escaped) escaped = false;
        else if (b == '\\') escaped = true;
        else if (b == '"') inString = false;
      } else if (b == '"') {
        inString = true;
      } else if (b == '{' || b == '[') {
        if (++depth > MAX_DEPTH) return true;
      } else if (b == '}' || b == ']') {
        depth--;
      }
    }
    return false;
  }

  /** Jackson's first line, without the "Failed to decode:" prefix or the source location. */
  private static String detail(DecodeException e) {
    String msg = e.getMessage() == null ? "unreadable body" : e.getMessage();
    if (msg.startsWith("Failed to decode:")) msg = msg.substring("Failed to decode:".length());
    int nl = msg.indexOf('\n');
    if (nl >= 0) msg = msg.substring(0, nl);
    msg = msg.trim();
    return msg.length() > MAX_DETAIL ? msg.substring(0, MAX_DETAIL) + "…" : msg;
  }
}
