package dev.poco.agentrunner;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The cursor-agent command lines and child environment, from POCO_CURSOR_* settings and the workspace's. */
final class CursorLaunch {
  static final List<String> MODES = List.of("default", "agent", "plan", "ask", "force");
  static final List<String> SANDBOXES = List.of("default", "enabled", "disabled");

  private final Settings settings;
  private final String command;
  private final Map<String, String> env;

  CursorLaunch(Settings settings) {
    this.settings = settings;
    this.command = setting("command", "cursor-agent");
    this.env = CapoLaunch.childEnv(settings, CursorBackend.HOME_KEY, CursorBackend.ENV_KEY);
  }

  String setting(String key, String def) { return settings.str(ConfigKeys.backendKey(CursorBackend.NAME, key), def); }

  ProcessSpec version() { return new ProcessSpec(List.of(command, "--version"), null, env, null); }

  /** One print-mode turn: options first, then "--" so a prompt starting with "-" is never read as a flag. */
  ProcessSpec turn(TurnRequest request) {
    Settings ws = new Settings(request.settings());
    String model = ws.str("model", setting("model", null));
    String mode = mode(request);
    String sandbox = ws.str("sandbox", setting("sandbox", "default"));
    List<String> cmd = new ArrayList<>(List.of(command, "-p", "--output-format", "stream-json",
        "--stream-partial-output", "--workspace", request.workdir().toString()));
    if (request.sessionId() != null) cmd.addAll(List.of("--resume", request.sessionId()));
    if (model != null && !"auto".equals(model)) cmd.addAll(List.of("--model", model));
    if (List.of("agent", "plan", "ask").contains(mode)) cmd.addAll(List.of("--mode", mode));
    if ("force".equals(mode)) cmd.add("--force");
    if (!"default".equals(sandbox)) cmd.addAll(List.of("--sandbox", sandbox));
    cmd.add("--");
    cmd.add(request.prompt());
    return new ProcessSpec(cmd, request.workdir(), env, null);
  }

  String mode(TurnRequest request) { return new Settings(request.settings()).str("mode", setting("mode", "default")); }

  /** Agent mode without --force may want to ask before edits and commands, which print mode cannot. */
  boolean wouldAsk(TurnRequest request) {
    String mode = mode(request);
    return "default".equals(mode) || "agent".equals(mode);
  }

  String notReady(String why) {
    if (why != null && why.startsWith("command not found")) {
      return "cursor-agent not found: set " + ConfigKeys.backendKey(CursorBackend.NAME, "command")
          + " (tried " + command + ")";
    }
    return why;
  }
}
