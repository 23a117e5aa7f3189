package dev.poco.demoapi;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Masks configured secret values in every string the edge sends back, whoever wrote the string. */
final class Redactor {
  static final String MASK = "[redacted]";
  // Shorter values would mask ordinary words; real tokens and secrets are far longer.
  private static final int MIN_LENGTH = 6;

  private final List<String> secrets = new ArrayList<>();

  Redactor(Settings settings) {
    for (String key : ConfigKeys.SECRETS) {
      String value = settings.str(key, null);
      if (value != null && value.length() >= MIN_LENGTH) secrets.add(value);
    }
    secrets.sort(Comparator.comparingInt(String::length).reversed());
  }

  String apply(String text) {
    if (text == null || secrets.isEmpty()) return text;
    String out = text;
    for (String secret : secrets) out = out.replace(secret, MASK);
    return out;
  }

  /** Masks secrets in the string values of {@code json}, in place, and returns it. */
  JsonObject apply(JsonObject json) {
    if (!secrets.isEmpty()) walkObject(json);
    return json;
  }

  private void walkObject(JsonObject json) {
    for (String key : new ArrayList<>(json.fieldNames())) {
      Object v = json.getValue(key);
      if (v instanceof String s) json.put(key, apply(s));
      else walk(v);
    }
  }

  private void walkArray(JsonArray array) {
    for (int i = 0; i < array.size(); i++) {
      Object v = array.getValue(i);
      if (v instanceof String s) array.set(i, apply(s));
      else walk(v);
    }
  }

  private void walk(Object v) {
    if (v instanceof JsonObject o) walkObject(o);
    else if (v instanceof JsonArray a) walkArray(a);
  }
}
