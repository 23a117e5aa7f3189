package dev.poco.runtime;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Typed reads of the flat config object every verticle gets (values may arrive as strings from env). */
public final class Settings {
  private final JsonObject config;

  public Settings(JsonObject config) { this.config = config == null ? new JsonObject() : config; }

  public JsonObject json() { return config; }

  public String str(String key, String def) {
    Object v = config.getValue(key);
    if (v == null) return def;
    String s = v.toString().trim();
    return s.isEmpty() ? def : s;
  }

  public int integer(String key, int def) {
    String s = str(key, null);
    if (s == null) return def;
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, got '" + s + "'");
    }
  }

  public boolean bool(String key, boolean def) {
    String s = str(key, null);
    if (s == null) return def;
    return switch (s.toLowerCase(java.util.Locale.ROOT)) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw new IllegalArgumentException(key + " must be true or false, got '" + s + "'");
    };
  }

  /** A comma list, trimmed, empty items dropped. */
  public List<String> list(String key) {
    String s = str(key, null);
    List<String> out = new ArrayList<>();
    if (s != null) for (String part : s.split(",")) if (!part.isBlank()) out.add(part.trim());
    return out;
  }

  public boolean has(String key) { return str(key, null) != null; }
}
