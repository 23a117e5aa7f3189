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
    for (int i = 0; i < arr.size(); i++) out.add(fromJson.apply(arr.getJsonObject(i)));
    return List.copyOf(out);
  }

  public static List<String> strings(JsonObject json, String key) {
    JsonArray arr = json.getJsonArray(key);
    if (arr == null) return List.of();
    List<String> out = new ArrayList<>(arr.size());
    for (int i = 0; i < arr.size(); i++) out.add(arr.getString(i));
    return List.copyOf(out);
  }

  /** A required string field; throws IllegalArgumentException naming the field when it is missing or blank. */
  public static String required(JsonObject json, String key) {
    Object v = json.getValue(key);
    if (!(v instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("missing field '" + key + "'");
    }
    return s;
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
