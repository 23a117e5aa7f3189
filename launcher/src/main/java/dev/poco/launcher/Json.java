package dev.poco.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Small JSON helpers for user-facing messages. */
final class Json {
  private Json() {}

  static Object decode(String text) {
    return io.vertx.core.json.Json.decodeValue(text);
  }

  /** Jackson's first line plus its line/column, without the "Failed to decode:" prefix and source dump. */
  static String problem(DecodeException e) {
    String msg = e.getMessage() == null ? "unknown problem" : e.getMessage();
    msg = msg.replaceFirst("^Failed to decode:\\s*", "");
    String first = msg.lines().findFirst().orElse(msg).trim();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("line: (\\d+), column: (\\d+)").matcher(msg);
    // Jackson quotes the offending token, which may be the start of an unquoted secret
    first = first.replaceAll("'[^']{4,}'", "'…'");
    return m.find() ? first + " (line " + m.group(1) + ", column " + m.group(2) + ")" : first;
  }

  static String kind(Object value) {
    if (value instanceof JsonArray) return "an array";
    if (value instanceof String) return "a string";
    if (value instanceof Number) return "a number";
    if (value instanceof Boolean) return "a boolean";
    if (value instanceof JsonObject) return "an object";
    return "null";
  }
}
