package dev.poco.agentrunner;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The environment an agent process starts from: the runner's own minus PoCo's configuration (POCO_*, which holds
 * the platform secrets and the HTTP token) and any chat-platform credential (SLACK_*, FEISHU_*, LARK_*). What an
 * agent needs (its API keys, CODEX_HOME, PATH, HOME, proxies, locale) passes unchanged. No POCO_* variable is
 * meant for an agent: a backend's own settings reach it as explicit {@link ProcessSpec#env()} entries.
 */
final class AgentEnvironment {
  /** Name prefixes never inherited by an agent (upper-cased before the check). */
  static final List<String> WITHHELD_PREFIXES = List.of("POCO_", "SLACK_", "FEISHU_", "LARK_");

  private AgentEnvironment() {}

  /** Removes the withheld variables from {@code env} (a ProcessBuilder's inherited environment). */
  static void clean(Map<String, String> env) {
    env.keySet().removeIf(AgentEnvironment::withheld);
  }

  static boolean withheld(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (String prefix : WITHHELD_PREFIXES) {
      if (upper.startsWith(prefix)) return true;
    }
    return false;
  }
}
