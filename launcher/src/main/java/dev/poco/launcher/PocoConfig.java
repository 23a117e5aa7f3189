package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the flat config every verticle gets. Precedence: POCO_* environment variables > flat POCO_* keys
 * in $POCO_HOME/poco.config.json > sectioned keys in that file ({"feishu": {"app_id": ...}} is POCO_FEISHU_APP_ID).
 */
public final class PocoConfig {
  static final String PREFIX = "POCO_";

  private PocoConfig() {}

  public static JsonObject load(Map<String, String> env) {
    PocoHome home = PocoHome.from(env);
    return merge(env, readFile(home.configFile()), home);
  }

  /** The file as written, or an empty object when it does not exist. */
  public static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new JsonObject();
    } catch (IOException e) {
      throw new ConfigException("Cannot read config file " + file + ": " + e.getMessage());
    }
    if (text.isBlank()) return new JsonObject();
    Object parsed;
    try {
      parsed = Json.decode(text);
    } catch (DecodeException e) {
      throw new ConfigException("Config file " + file + " is not valid JSON: " + Json.problem(e));
    }
    if (!(parsed instanceof JsonObject obj)) {
      throw new ConfigException("Config file " + file + " must hold a JSON object ({...}), not " + Json.kind(parsed));
    }
    return obj;
  }

  static JsonObject merge(Map<String, String> env, JsonObject file, PocoHome home) {
    JsonObject out = new JsonObject();
    file.forEach(e -> {
      if (e.getValue() instanceof JsonObject section) {
        String prefix = PREFIX + e.getKey().toUpperCase(Locale.ROOT) + "_";
        section.forEach(s -> putValue(out, prefix + s.getKey().toUpperCase(Locale.ROOT), s.getValue()));
      }
    });
    file.forEach(e -> {
      if (e.getKey().startsWith(PREFIX)) putValue(out, e.getKey(), e.getValue());
    });
    env.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) out.put(k, v);
    });
    out.put(ConfigKeys.HOME, home.dir().toString());
    defaultPath(out, ConfigKeys.STATE_DB_PATH, home.defaultDbPath());
    defaultPath(out, ConfigKeys.PAIRING_CODE_FILE, home.defaultPairingCodeFile());
    return out;
  }

  private static void putValue(JsonObject out, String key, Object value) {
    if (value == null || value instanceof JsonObject) return;
    // a list in the file (e.g. allowed users) becomes the comma list Settings.list reads
    if (value instanceof JsonArray list) {
      value = list.stream().map(String::valueOf).collect(Collectors.joining(","));
    }
    out.put(key, value);
  }

  private static void defaultPath(JsonObject out, String key, Path def) {
    String v = out.getValue(key) == null ? "" : out.getValue(key).toString().trim();
    out.put(key, v.isEmpty() ? def.toString() : PocoHome.expandTilde(v));
  }
}
