package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo.SettingSpec;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One ACP agent, described by configuration: its wire name, default command line, the flags its
 * settings turn into, and the settings a workspace may choose. Everything else is {@link AcpBackend}.
 *
 * @param flags extra arguments from a setting lookup (workspace settings first, then POCO_&lt;NAME&gt;_*)
 */
public record AcpAgentSpec(String name, String defaultCommand, String description,
    Function<Function<String, String>, List<String>> flags, List<SettingSpec> settings) {
  /** Comma list of extra ACP agents, {@code name=command line}: any ACP agent without code. */
  public static final String EXTRA_AGENTS = "POCO_ACP_AGENTS";

  /** Names an extra agent may not take: the built-in backends. */
  private static final java.util.Set<String> RESERVED = java.util.Set.of("codex", "claude_code", "cursor_agent", "coco",
      "capo", "stub", "gemini", "codex_acp");
  private static final SettingSpec TIMEOUT = new SettingSpec("timeout_seconds", "Timeout (seconds)", "900", List.of());

  /** Trae CLI: {@code -c model.name=X} picks the model, {@code --yolo} skips approvals. */
  public static AcpAgentSpec coco() {
    return new AcpAgentSpec("coco", "traecli acp serve", "Trae CLI over ACP", s -> {
      List<String> out = new ArrayList<>();
      String model = s.apply("model");
      if (model != null) out.addAll(List.of("-c", "model.name=" + model));
      if ("yolo".equals(s.apply("approval_mode"))) out.add("--yolo");
      return out;
    }, List.of(new SettingSpec("model", "Model", "", List.of()),
        new SettingSpec("approval_mode", "Approval mode", "default", List.of("default", "yolo")), TIMEOUT));
  }

  public static AcpAgentSpec gemini() {
    return new AcpAgentSpec("gemini", "gemini --acp", "Gemini CLI over ACP", s -> {
      List<String> out = new ArrayList<>();
      String model = s.apply("model");
      if (model != null) out.addAll(List.of("-m", model));
      String mode = s.apply("approval_mode");
      if (mode != null && !"default".equals(mode)) out.addAll(List.of("--approval-mode", mode));
      return out;
    }, List.of(new SettingSpec("model", "Model", "", List.of()),
        new SettingSpec("approval_mode", "Approval mode", "default", List.of("default", "auto_edit", "yolo")), TIMEOUT));
  }

  public static AcpAgentSpec codexAcp() {
    return plain("codex_acp", "codex-acp", "Codex through the ACP adapter");
  }

  /** An agent with a command and nothing else: no flags, only a timeout. */
  public static AcpAgentSpec plain(String name, String command, String description) {
    return new AcpAgentSpec(name, command, description, s -> List.of(), List.of(TIMEOUT));
  }

  /** The agents of {@link #EXTRA_AGENTS}; a malformed item fails the runner's start with a readable message. */
  public static List<AcpAgentSpec> extra(Settings config) {
    List<AcpAgentSpec> out = new ArrayList<>();
    for (String item : config.list(EXTRA_AGENTS)) {
      int eq = item.indexOf('=');
      String name = eq < 0 ? "" : item.substring(0, eq).trim();
      String command = eq < 0 ? "" : item.substring(eq + 1).trim();
      if (!name.matches("[a-z][a-z0-9_]*") || command.isEmpty()) {
        throw new IllegalArgumentException(EXTRA_AGENTS + " items are name=command (name in a-z, 0-9, _), got '"
            + item + "'");
      }
      if (RESERVED.contains(name)) throw new IllegalArgumentException(EXTRA_AGENTS + ": '" + name + "' is a built-in backend");
      out.add(plain(name, command, "ACP agent " + name));
    }
    return out;
  }

  public String key(String setting) { return ConfigKeys.backendKey(name, setting); }

  /** The command line: POCO_&lt;NAME&gt;_COMMAND (split on spaces) or the default. */
  public List<String> command(Settings config) {
    return Arrays.stream(config.str(key("command"), defaultCommand).trim().split("\\s+")).toList();
  }

  /** The child's extra environment: POCO_&lt;NAME&gt;_ENV (comma list K=V) and POCO_&lt;NAME&gt;_HOME as HOME. */
  public Map<String, String> env(Settings config) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String kv : config.list(key("env"))) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException(key("env") + " items are KEY=VALUE");
      env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1));
    }
    String home = config.str(key("home"), null);
    if (home != null) env.put("HOME", home);
    return env;
  }

  /** The full command line for a turn with these workspace settings. */
  public List<String> launch(Settings config, io.vertx.core.json.JsonObject taskSettings) {
    Settings ws = new Settings(taskSettings);
    List<String> out = new ArrayList<>(command(config));
    out.addAll(flags.apply(k -> ws.str(k, config.str(key(k), null))));
    return out;
  }

  public String notFound(Settings config) { return command(config).get(0) + " not found: set " + key("command"); }
}
