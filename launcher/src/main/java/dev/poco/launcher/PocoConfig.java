package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the flat config every verticle gets. Precedence: POCO_* environment variables > flat POCO_* keys
 * in $POCO_HOME/poco.config.json > sectioned keys in that file ({"feishu": {"app_id": ...}} is POCO_FEISHU_APP_ID).
 * The same two steps serve the CLI, synchronously before any Vertx exists, and the running server's
 * ConfigRetriever (ConfigWatch): the file as {@link PocoFileStore} reads it, the environment on top, then
 * {@link #flatten}.
 */
public final class PocoConfig {
  static final String PREFIX = "POCO_";
  /** Config keys naming a file or folder: a relative value lies under POCO_HOME, never the caller's directory. */
  static final List<String> PATH_SUFFIXES = List.of("_PATH", "_FILE", "_DIR", "_HOME");

  private PocoConfig() {}

  /** The whole configuration; installs secret masking first thing, so every later error is masked. */
  public static JsonObject load(Map<String, String> env) {
    PocoHome home = PocoHome.from(env);
    JsonObject config = flatten(readOwnerOnly(home.configFile()).mergeIn(environment(env)), home);
    SecretMasking.install(config);
    return config;
  }

  /** The file as written, or an empty object when it does not exist. No permission check: `poco config` repairs. */
  public static JsonObject readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return new JsonObject();
    } catch (IOException e) {
      throw new ConfigException("Cannot read the config file " + file + ": " + e.getMessage());
    }
    return parse(file, text);
  }

  /** As {@link #readFile}, refusing a file with values that other users may read or write. */
  static JsonObject readOwnerOnly(Path file) {
    JsonObject doc = readFile(file);
    if (!doc.isEmpty()) OwnerOnly.requirePrivate(file);
    return doc;
  }

  private static JsonObject parse(Path file, String text) {
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

  /** The POCO_* environment variables as a JSON object of strings: the top layer. */
  static JsonObject environment(Map<String, String> env) {
    JsonObject out = new JsonObject();
    env.forEach((k, v) -> {
      if (k.startsWith(PREFIX)) out.put(k, v);
    });
    return out;
  }

  /** Kept for `poco config`, which shows the values the file and {@code env} give. */
  static JsonObject merge(Map<String, String> env, JsonObject file, PocoHome home) {
    return flatten(file.copy().mergeIn(environment(env)), home);
  }

  /**
   * The file's sections, then its flat POCO_* keys with the environment's on top (they share names, so the later
   * layer already won), then the derived values: POCO_HOME, default paths, relative paths under POCO_HOME.
   */
  static JsonObject flatten(JsonObject layered, PocoHome home) {
    JsonObject out = new JsonObject();
    layered.forEach(e -> {
      if (e.getValue() instanceof JsonObject section) {
        String prefix = PREFIX + e.getKey().toUpperCase(Locale.ROOT) + "_";
        section.forEach(s -> putValue(out, prefix + s.getKey().toUpperCase(Locale.ROOT), s.getValue()));
      }
    });
    layered.forEach(e -> {
      if (e.getKey().startsWith(PREFIX)) putValue(out, e.getKey(), e.getValue());
    });
    out.put(ConfigKeys.HOME, home.dir().toString());
    defaultPath(out, ConfigKeys.STATE_DB_PATH, home.defaultDbPath());
    defaultPath(out, ConfigKeys.PAIRING_CODE_FILE, home.defaultPairingCodeFile());
    for (String key : List.copyOf(out.fieldNames())) {
      if (isPathKey(key) && out.getValue(key) instanceof String v && !v.isBlank()) {
        out.put(key, underHome(key, v.trim(), home));
      }
    }
    return out;
  }

  static boolean isPathKey(String key) {
    return !key.equals(ConfigKeys.HOME) && PATH_SUFFIXES.stream().anyMatch(key::endsWith);
  }

  /** "~/x" to the user's home; a relative path under POCO_HOME. */
  static String underHome(String key, String value, PocoHome home) {
    try {
      Path p = Path.of(PocoHome.expandTilde(value));
      return p.isAbsolute() ? p.toString() : home.dir().resolve(p).normalize().toString();
    } catch (InvalidPathException e) {
      throw new ConfigException(key + " is not a usable path: " + e.getReason());
    }
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
    Object v = out.getValue(key);
    if (v == null || v.toString().isBlank()) out.put(key, def.toString());
  }
}
