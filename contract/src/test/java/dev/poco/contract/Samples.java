package dev.poco.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reflective sample records for the wire tests: every field set (or every field empty), and their codecs by name. */
final class Samples {
  private Samples() {}

  /** A time with milliseconds, later than any text length a record compares it with. */
  static final long A_TIME = 1_765_000_000_123L;

  /** An instance with every component set: strings named after the field, true, numbers, one-item lists, nested samples. */
  static Object full(Class<?> type) {
    RecordComponent[] cs = type.getRecordComponents();
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) args[i] = fullValue(cs[i].getName(), cs[i].getGenericType(), i);
    return construct(type, args);
  }

  /** An instance with every reference null, every number 0 and every boolean false (enums take their first value). */
  static Object empty(Class<?> type) {
    RecordComponent[] cs = type.getRecordComponents();
    Object[] args = new Object[cs.length];
    for (int i = 0; i < cs.length; i++) {
      Class<?> t = cs[i].getType();
      if (t == boolean.class) args[i] = false;
      else if (t == int.class) args[i] = 0;
      else if (t == long.class) args[i] = 0L;
      else if (t.isEnum()) args[i] = t.getEnumConstants()[0];
      else args[i] = null;
    }
    return construct(type, args);
  }

  private static Object fullValue(String name, Type type, int index) {
    Class<?> raw = type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) type;
    if (raw == String.class) return name + "-v";
    if (raw == boolean.class) return true;
    if (raw == int.class) return 7 + index;
    if (raw == long.class) return A_TIME + index;
    if (raw.isEnum()) return raw.getEnumConstants()[1];
    if (raw == JsonObject.class) return new JsonObject().put("k", name).put("n", 1).put("list", new JsonArray().add(true));
    if (raw.isRecord()) return full(raw);
    if (raw == List.class) {
      Type item = ((ParameterizedType) type).getActualTypeArguments()[0];
      return List.of(fullValue(name, item, index));
    }
    throw new IllegalArgumentException("no sample for " + type + " (" + name + ")");
  }

  private static Object construct(Class<?> type, Object[] args) {
    Class<?>[] types = new Class<?>[args.length];
    RecordComponent[] cs = type.getRecordComponents();
    for (int i = 0; i < cs.length; i++) types[i] = cs[i].getType();
    try {
      Constructor<?> c = type.getDeclaredConstructor(types);
      return c.newInstance(args);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  static JsonObject toJson(Object record) {
    try {
      return (JsonObject) record.getClass().getMethod("toJson").invoke(record);
    } catch (ReflectiveOperationException e) {
      throw rethrow(e);
    }
  }

  static Object fromJson(Class<?> type, JsonObject json) {
    try {
      Method m = type.getMethod("fromJson", JsonObject.class);
      return m.invoke(null, json);
    } catch (ReflectiveOperationException e) {
      throw rethrow(e);
    }
  }

  private static RuntimeException rethrow(ReflectiveOperationException e) {
    if (e.getCause() instanceof RuntimeException r) throw r;
    throw new IllegalStateException(e);
  }

  /** JSON text with keys sorted at every level and numbers as parsed from text, so two wires compare exactly. */
  static String canonical(JsonObject json) {
    return new JsonObject(sorted(new JsonObject(json.encode()))).encode();
  }

  private static Map<String, Object> sorted(JsonObject json) {
    Map<String, Object> out = new TreeMap<>();
    for (Map.Entry<String, Object> e : json) out.put(e.getKey(), canonicalValue(e.getValue()));
    return out;
  }

  private static Object canonicalValue(Object v) {
    if (v instanceof JsonObject o) return new JsonObject(sorted(o));
    if (v instanceof JsonArray a) {
      JsonArray out = new JsonArray();
      for (Object item : a) out.add(canonicalValue(item));
      return out;
    }
    return v;
  }
}
