package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claude Code through one persistent {@code claude -p --input-format stream-json ...} process per project,
 * kept alive between turns, with approvals over the stdio control protocol (agents.md §2.5-2.6).
 * Steering mid-turn is not offered (the default 409): a user line sent during a turn becomes the next turn.
 */
public final class ClaudeBackend implements AgentBackend {
  public static final String NAME = ClaudeConfig.BACKEND;
  static final String WORKDIR_CHANGED = "working dir changed: new Claude session";
  static final String SESSION_LOST = "Claude session not found: new Claude session";
  private static final Logger log = LoggerFactory.getLogger(ClaudeBackend.class);
  private static final List<BackendInfo.SettingSpec> SPECS = List.of(
      new BackendInfo.SettingSpec("model", "Model", "", List.of()),
      new BackendInfo.SettingSpec("permission_mode", "Permission mode", "default",
          List.of("default", "acceptEdits", "plan", "bypassPermissions")),
      new BackendInfo.SettingSpec("timeout_seconds", "Timeout (seconds)", "900", List.of()));

  private final Vertx vertx;
  private final ProcessSupervisor supervisor;
  private final ClaudeConfig cfg;
  private final Map<String, ClaudeProcess> byProject = new HashMap<>();
  /** Where each session seen by this runner was made: resume is cwd-scoped. */
  private final Map<String, Path> sessionDirs = new HashMap<>();
  /** Sessions claude could not resume ("No conversation found"): the next turn starts afresh instead. */
  private final java.util.Set<String> lost = new java.util.HashSet<>();

  public ClaudeBackend(Vertx vertx, Settings settings, ProcessSupervisor supervisor) {
    this.vertx = vertx;
    this.supervisor = supervisor;
    this.cfg = ClaudeConfig.from(settings);
  }

  @Override
  public String name() { return NAME; }

  @Override
  public Future<BackendInfo> probe() {
    ProcessSpec spec = new ProcessSpec(List.of(cfg.command(), "--version"), null, cfg.env(), null)
        .withTimeout(java.time.Duration.ofSeconds(30));
    return supervisor.run(spec).map(lines -> {
      String version = lines.isEmpty() ? "unknown" : lines.get(0).trim();
      return new BackendInfo(NAME, true, version, null, true, SPECS);
    }).recover(err -> {
      String msg = String.valueOf(err.getMessage());
      String detail = msg.contains("not found") || msg.contains("not executable")
          ? "claude not found: set " + ClaudeConfig.key("command")
          : "claude --version failed: " + msg;
      log.info("claude_code not ready: {}", detail);
      return Future.succeededFuture(new BackendInfo(NAME, false, null, detail, true, SPECS));
    });
  }

  @Override
  public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
    Settings s = new Settings(request.settings());
    String model = s.str("model", cfg.model());
    String mode = s.str("permission_mode", cfg.permissionMode());
    Path workdir = request.workdir();
    ClaudeProcess live = byProject.get(request.projectId());
    String sessionId = request.sessionId();
    Path madeIn = sessionId == null ? null : sessionDirs.get(sessionId);
    boolean dirChanged = madeIn != null && !madeIn.equals(workdir);
    if (sessionId == null && live != null && live.sessionId() != null && !live.workdir().equals(workdir)) {
      dirChanged = true; // the orchestrator already dropped the session id
    }
    if (dirChanged) {
      sink.activity(WORKDIR_CHANGED);
      sessionId = null;
    } else if (sessionId != null && lost.contains(sessionId)) {
      sink.activity(SESSION_LOST);
      sessionId = null;
    }
    if (live != null && live.reusable(workdir, sessionId, model, mode)) {
      return Future.succeededFuture(live.turn(request.prompt(), sink));
    }
    if (live != null) {
      byProject.remove(request.projectId());
      live.shutdown();
    }
    List<String> cmd = new ArrayList<>(List.of(cfg.command(), "-p", "--input-format", "stream-json",
        "--output-format", "stream-json", "--verbose", "--permission-prompt-tool", "stdio",
        "--include-partial-messages"));
    if (sessionId != null) cmd.addAll(List.of("--resume", sessionId));
    if (model != null) cmd.addAll(List.of("--model", model));
    if (mode != null) cmd.addAll(List.of("--permission-mode", mode));
    ClaudeProcess proc = new ClaudeProcess(vertx, workdir, sessionId, model, mode, this::sessionMade,
        lost::add);
    byProject.put(request.projectId(), proc);
    return supervisor.spawn(new ProcessSpec(cmd, workdir, cfg.env(), null), proc::onLine)
        .map(child -> {
          proc.attach(child, () -> byProject.remove(request.projectId(), proc));
          return (AgentTurn) proc.turn(request.prompt(), sink);
        })
        .recover(err -> {
          byProject.remove(request.projectId(), proc);
          String msg = String.valueOf(err.getMessage());
          return Future.failedFuture(msg.startsWith("command not found") || msg.startsWith("command not executable")
              ? "claude not found: set " + ClaudeConfig.key("command") : msg);
        });
  }

  private void sessionMade(String sessionId, Path workdir) { sessionDirs.put(sessionId, workdir); }

  @Override
  public Future<Void> close() {
    List<Future<?>> all = new ArrayList<>();
    for (ClaudeProcess p : List.copyOf(byProject.values())) all.add(p.shutdown());
    byProject.clear();
    return Future.join(all).mapEmpty();
  }
}
