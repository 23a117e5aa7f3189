package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenAI Codex through {@code codex app-server} (JSON-RPC over stdio): one live process per project,
 * kept between turns and reaped when idle; a thread per chat, resumed by its id.
 */
public final class CodexBackend implements AgentBackend {
  public static final String NAME = "codex";
  /** Extra arguments after {@code app-server}, split on spaces (-c overrides, --disable flags). */
  public static final String ARGS = "POCO_CODEX_ARGS";
  /** Becomes the child's CODEX_HOME (where Codex keeps threads); unset: the runner's own CODEX_HOME. */
  public static final String HOME = "POCO_CODEX_HOME";
  public static final String IDLE_SECONDS = "POCO_CODEX_TRANSPORT_IDLE_SECONDS";
  static final String NOT_FOUND = "codex not found: set POCO_CODEX_COMMAND";
  private static final Logger log = LoggerFactory.getLogger(CodexBackend.class);

  private final Vertx vertx;
  private final Settings settings;
  private final ProcessSupervisor supervisor;
  private final String command;
  private final Map<String, CodexAppServer> servers = new HashMap<>();

  public CodexBackend(Vertx vertx, Settings settings, ProcessSupervisor supervisor) {
    this.vertx = vertx;
    this.settings = settings;
    this.supervisor = supervisor;
    this.command = settings.str(ConfigKeys.backendKey(NAME, "command"), "codex");
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Future<BackendInfo> probe() {
    ProcessSpec spec = new ProcessSpec(List.of(command, "--version"), null, env(), Duration.ofSeconds(10));
    return supervisor.run(spec).map(lines -> {
      String version = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("codex");
      return new BackendInfo(NAME, true, version, "codex app-server", true, specs());
    }).otherwise(err -> {
      String why = String.valueOf(err.getMessage());
      log.info("codex probe: {}", why);
      boolean missing = why.startsWith("command not found") || why.startsWith("command not executable");
      return new BackendInfo(NAME, false, null, missing ? NOT_FOUND : "codex --version failed: " + why, true,
          specs());
    });
  }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    JsonObject opts = options(request.settings());
    return server(request).compose(server -> server.openThread(request, opts).compose(threadId -> {
      sink.session(threadId);
      CodexTurn turn = new CodexTurn(vertx, server, threadId, sink);
      return turn.begin(request.prompt()).map(v -> (AgentTurn) turn);
    }));
  }

  @Override
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (CodexAppServer s : List.copyOf(servers.values())) closing.add(s.close());
    servers.clear();
    return Future.join(closing).mapEmpty();
  }

  /** The project's live process, or a new one if it died or the working dir changed. */
  private Future<CodexAppServer> server(TurnRequest request) {
    String key = request.projectId() == null ? request.workdir().toString() : request.projectId();
    CodexAppServer live = servers.get(key);
    if (live != null && live.usable() && live.workdir.equals(request.workdir())) return live.ready();
    if (live != null) {
      servers.remove(key);
      if (live.idle()) live.close();
    }
    List<String> cmd = new ArrayList<>(List.of(command, "app-server"));
    for (String a : settings.str(ARGS, "").trim().split("\\s+")) if (!a.isEmpty()) cmd.add(a);
    long idleMs = Math.max(1, settings.integer(IDLE_SECONDS, 1800)) * 1000L;
    CodexAppServer fresh = new CodexAppServer(vertx, request.workdir(), idleMs, gone -> servers.remove(key, gone));
    servers.put(key, fresh);
    return fresh.start(supervisor, new ProcessSpec(cmd, request.workdir(), env(), null));
  }

  private Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("RUST_LOG", "warn");
    String home = settings.str(HOME, null);
    if (home != null) env.put("CODEX_HOME", home);
    return env;
  }

  /** model, sandbox and approval policy: the task's settings over POCO_CODEX_* over the defaults. */
  JsonObject options(JsonObject taskSettings) {
    Settings task = new Settings(taskSettings);
    JsonObject o = new JsonObject()
        .put("sandbox", task.str("sandbox", settings.str(ConfigKeys.backendKey(NAME, "sandbox"), "workspace-write")))
        .put("approvalPolicy", task.str("approval_policy",
            settings.str(ConfigKeys.backendKey(NAME, "approval_policy"), "untrusted")));
    String model = task.str("model", settings.str(ConfigKeys.backendKey(NAME, "model"), null));
    if (model != null && !model.isBlank()) o.put("model", model);
    return o;
  }

  private List<BackendInfo.SettingSpec> specs() {
    return List.of(
        new BackendInfo.SettingSpec("model", "Model", settings.str(ConfigKeys.backendKey(NAME, "model"), ""), List.of()),
        new BackendInfo.SettingSpec("sandbox", "Sandbox",
            settings.str(ConfigKeys.backendKey(NAME, "sandbox"), "workspace-write"),
            List.of("read-only", "workspace-write", "danger-full-access")),
        new BackendInfo.SettingSpec("approval_policy", "Approval policy",
            settings.str(ConfigKeys.backendKey(NAME, "approval_policy"), "untrusted"),
            List.of("untrusted", "on-request", "never")),
        new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)",
            String.valueOf(settings.integer(ConfigKeys.backendKey(NAME, "timeout_seconds"),
                RunnerConfig.DEFAULT_TIMEOUT_SECONDS)), List.of()));
  }
}
