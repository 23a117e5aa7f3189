package dev.poco.agentrunner;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claude_code settings read once at start: POCO_CLAUDE_COMMAND, _MODEL, _PERMISSION_MODE, and the child
 * environment (_HOME, _BASE_URL, _API_KEY, _ENV as a comma list of K=V). The API key is a secret: this record's
 * toString hides it and nothing logs {@link #env()}.
 */
record ClaudeConfig(String command, String model, String permissionMode, Map<String, String> env) {
  static final String BACKEND = "claude_code";

  static String key(String setting) { return ConfigKeys.backendKey(BACKEND, setting); }

  static ClaudeConfig from(Settings s) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String pair : s.list(key("env"))) {
      int eq = pair.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException(key("env") + " items must be K=V, got '" + pair + "'");
      env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    putIf(env, "HOME", s.str(key("home"), null));
    putIf(env, "ANTHROPIC_BASE_URL", s.str(key("base_url"), null));
    putIf(env, "ANTHROPIC_API_KEY", s.str(key("api_key"), null));
    return new ClaudeConfig(s.str(key("command"), "claude"), s.str(key("model"), null),
        s.str(key("permission_mode"), "default"), Map.copyOf(env));
  }

  private static void putIf(Map<String, String> env, String name, String value) {
    if (value != null) env.put(name, value);
  }

  @Override
  public String toString() {
    return "ClaudeConfig[command=" + command + ", model=" + model + ", permissionMode=" + permissionMode
        + ", env=" + env.keySet() + "]";
  }
}
