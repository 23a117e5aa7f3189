package dev.poco.agentrunner;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The capo command lines and child environment, from POCO_CAPO_* settings. */
final class CapoLaunch {
  private static final Logger log = LoggerFactory.getLogger(CapoLaunch.class);
  private final String command;
  private final String model;
  private final Map<String, String> env;

  CapoLaunch(Settings settings) {
    this.command = settings.str(ConfigKeys.backendKey(CapoBackend.NAME, "command"), "capo");
    this.model = settings.str(ConfigKeys.backendKey(CapoBackend.NAME, "model"), null);
    this.env = childEnv(settings, CapoBackend.HOME_KEY, CapoBackend.ENV_KEY);
  }

  String defaultModel() { return model; }

  ProcessSpec version() { return spec(List.of(command, "--version"), null); }

  /** capo has no --cwd: the process working dir is the repo. */
  ProcessSpec rpc(Path workdir, String sessionId, String model) {
    List<String> cmd = new ArrayList<>(List.of(command, "--rpc"));
    if (sessionId != null) cmd.addAll(List.of("--session", sessionId));
    if (model != null) cmd.addAll(List.of("--model", model));
    return spec(cmd, workdir);
  }

  /** "capo not found: set POCO_CAPO_COMMAND" when the command is missing, else the reason as is. */
  String notReady(String why) {
    if (why != null && why.startsWith("command not found")) {
      return "capo not found: set " + ConfigKeys.backendKey(CapoBackend.NAME, "command") + " (tried " + command + ")";
    }
    return why;
  }

  private ProcessSpec spec(List<String> cmd, Path cwd) {
    return new ProcessSpec(cmd, cwd, env, null);
  }

  /** HOME from {@code homeKey}, plus the K=V pairs of {@code envKey}. */
  static Map<String, String> childEnv(Settings settings, String homeKey, String envKey) {
    Map<String, String> env = new HashMap<>();
    String home = settings.str(homeKey, null);
    if (home != null) env.put("HOME", home);
    for (String pair : settings.list(envKey)) {
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        log.warn("{} has an item that is not K=V; skipped", envKey);
        continue;
      }
      env.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
    }
    return env;
  }
}
