package dev.poco.agentrunner;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.util.List;

/** The runner's settings, read once at start. */
record RunnerConfig(String runnerId, int maxTasks, List<String> roots, String home, long heartbeatMs,
    long heartbeatGapMs, long coalesceMs, long cancelGraceMs, long killGraceMs) {
  /** Heartbeat period (default 1000: the orchestrator gives a runner up after 4 s of silence). */
  static final String HEARTBEAT_MS = "POCO_RUNNER_HEARTBEAT_MS";
  /** Least gap between heartbeats caused by tasks starting or ending (default 50): bursts send one, not hundreds. */
  static final String HEARTBEAT_GAP_MS = "POCO_RUNNER_HEARTBEAT_GAP_MS";
  /** At most one DELTA event per task per this many ms (default 100). */
  static final String COALESCE_MS = "POCO_RUNNER_COALESCE_MS";
  /** How long a cancelled or timed-out turn may take to stop before FINISHED is sent anyway (default 5000). */
  static final String CANCEL_GRACE_MS = "POCO_RUNNER_CANCEL_GRACE_MS";
  /** Between TERM and KILL for a child process tree (default 2000). */
  static final String KILL_GRACE_MS = "POCO_RUNNER_KILL_GRACE_MS";
  static final int DEFAULT_TIMEOUT_SECONDS = 900;

  static RunnerConfig from(Settings s) { return from(s, false); }

  /** Clustered, the default id is the host name: stable across restarts, so projects pinned here find it again. */
  static RunnerConfig from(Settings s, boolean clustered) {
    String home = System.getProperty("user.home");
    List<String> roots = s.list(ConfigKeys.WORKDIR_ROOTS);
    int maxTasks = s.integer(ConfigKeys.RUNNER_MAX_TASKS, 32);
    if (maxTasks < 1) throw new IllegalArgumentException(ConfigKeys.RUNNER_MAX_TASKS + " must be at least 1");
    return new RunnerConfig(
        s.str(ConfigKeys.RUNNER_ID, clustered ? hostId() : "local").trim(),
        maxTasks,
        roots.isEmpty() ? List.of(home) : roots,
        home,
        Math.max(1, s.integer(HEARTBEAT_MS, 1000)),
        Math.max(0, s.integer(HEARTBEAT_GAP_MS, 50)),
        Math.max(0, s.integer(COALESCE_MS, 100)),
        Math.max(0, s.integer(CANCEL_GRACE_MS, 5000)),
        Math.max(0, s.integer(KILL_GRACE_MS, 2000)));
  }

  static String hostId() {
    String name = System.getenv("HOSTNAME");
    if (name == null || name.isBlank()) {
      // not InetAddress.getLocalHost(): it may wait on DNS, and this runs on the event loop
      try {
        name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname"));
      } catch (java.io.IOException | RuntimeException e) {
        name = "";
      }
    }
    if (name.isBlank()) name = "runner-" + ProcessHandle.current().pid();
    // the id becomes part of bus addresses (poco.runner.<id>.start): keep it to a safe alphabet
    return name.trim().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-");
  }

  /** timeout_seconds from the task's settings, else POCO_&lt;BACKEND&gt;_TIMEOUT_SECONDS, else 900. */
  static int timeoutSeconds(Settings config, String backend, io.vertx.core.json.JsonObject taskSettings) {
    int fallback = config.integer(ConfigKeys.backendKey(backend, "timeout_seconds"), DEFAULT_TIMEOUT_SECONDS);
    int seconds = new Settings(taskSettings).integer("timeout_seconds", fallback);
    if (seconds < 1) throw new IllegalArgumentException("timeout_seconds must be at least 1, got " + seconds);
    return seconds;
  }
}
