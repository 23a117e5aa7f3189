package dev.poco.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Small helpers for the records' JSON mapping: timestamps as ISO-8601, lists, required fields. */
public final class Jsons {
  private Jsons() {}

  /** Epoch millis to ISO-8601, or null for 0 (unset). */
  public static String time(long epochMillis) {
    return epochMillis == 0 ? null : Instant.ofEpochMilli(epochMillis).toString();
  }

  /** ISO-8601 (or a number of epoch millis) to epoch millis; 0 when absent. */
  public static long time(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (v == null) return 0;
    if (v instanceof Number n) return n.longValue();
    return Instant.parse(v.toString()).toEpochMilli();
  }

  public static <T> JsonArray array(List<T> items, Function<T, Object> toJson) {
    JsonArray out = new JsonArray();
    if (items != null) for (T t : items) out.add(toJson.apply(t));
    return out;
  }

  public static <T> List<T> list(JsonObject json, String key, Function<JsonObject, T> fromJson) {
    JsonArray arr = json.getJsonArray(key);
    if (arr == null) return List.of();
    List<T> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      JsonObject item = arr.getJsonObject(i);
      if (item == null) throw new IllegalArgumentException("field '" + key + "' holds a null item");
      out.add(fromJson.apply(item));
    }
    return List.copyOf(out);
  }

  public static List<String> strings(JsonObject json, String key) {
    JsonArray arr = json.getJsonArray(key);
    if (arr == null) return List.of();
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) {
      String item = arr.getString(i);
      if (item == null) throw new IllegalArgumentException("field '" + key + "' holds a null item");
      out.add(item);
    }
    return List.copyOf(out);
  }

  /** A boolean field, or {@code def} when absent or null (Vert.x's getBoolean(key, def) answers an explicit null). */
  public static boolean bool(JsonObject json, String key, boolean def) {
    Boolean v = json.getBoolean(key);
    return v == null ? def : v;
  }

  /** An int field, or {@code def} when absent or null. */
  public static int integer(JsonObject json, String key, int def) {
    Integer v = json.getInteger(key);
    return v == null ? def : v;
  }

  /** A long field, or {@code def} when absent or null. */
  public static long longValue(JsonObject json, String key, long def) {
    Long v = json.getLong(key);
    return v == null ? def : v;
  }

  /** A string field, or {@code def} when absent or null. */
  public static String string(JsonObject json, String key, String def) {
    String v = json.getString(key);
    return v == null ? def : v;
  }

  /** A required string field; throws IllegalArgumentException naming the field when it is missing or blank. */
  public static String required(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("missing field '" + key + "'");
    }
    return s;
  }

  /** A required object field; throws IllegalArgumentException naming the field when it is missing. */
  public static JsonObject requiredObj(JsonObject json, String key) {
    JsonObject o = json.getJsonObject(key);
    if (o == null) throw new IllegalArgumentException("missing field '" + key + "'");
    return o;
  }

  public static JsonObject obj(JsonObject json, String key) {
    JsonObject o = json.getJsonObject(key);
    return o == null ? new JsonObject() : o;
  }

  /** Puts the value only when it is not null, so absent stays absent on the wire. */
  public static JsonObject putIf(JsonObject json, String key, Object value) {
    if (value != null) json.put(key, value);
    return json;
  }
}
