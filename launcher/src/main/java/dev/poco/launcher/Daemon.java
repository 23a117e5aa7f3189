package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code poco start | status | shutdown | restart}: the server as a detached process, tracked by $POCO_HOME/poco.pid. */
final class Daemon {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int UNHEALTHY = 3;
  static final Duration START_TIMEOUT = Duration.ofSeconds(30);
  static final Duration POLL = Duration.ofMillis(50);
  static final Duration STOP_GRACE = Duration.ofSeconds(15);
  static final int TAIL_LINES = 20;
  /** How a cluster node's server says it joined and deployed its roles (Server prints it). */
  static final String NODE_UP = "PoCo node up with";

  private final Cli cli;
  private final PrintStream out;
  private final PocoHome home;
  private final PidFile pidFile;
  private final LogFile log;

  Daemon(Cli cli) {
    this.cli = cli;
    this.out = cli.out();
    this.home = cli.home();
    this.pidFile = new PidFile(home.pidFile());
    this.log = new LogFile(home.logFile());
  }

  int start() throws IOException, InterruptedException { return start(null); }

  /**
   * Starts the server in the background: every role ({@code clusterRoles} null) or a cluster node with those
   * roles. Ready once /health answers, or, on a node without the HTTP edge, once it logs that it joined and
   * deployed its roles.
   */
  int start(Set<String> clusterRoles) throws IOException, InterruptedException {
    JsonObject config = PocoConfig.load(cli.env());
    SecretMasking.install(config);
    Endpoint endpoint = Endpoint.of(config);
    boolean edge = clusterRoles == null || clusterRoles.contains(Poco.DEMO_API);
    // a cluster node also waits out its join; bad cluster settings end here, before anything is spawned
    Duration timeout = clusterRoles == null ? START_TIMEOUT
        : START_TIMEOUT.plusSeconds(ClusterSettings.from(config).joinSeconds());
    // unusable or missing cluster credentials too: the user sees why here, with its exit code (the server checks
    // them again, for --foreground and supervisors)
    if (clusterRoles != null) ClusterTrust.forStart(home.dir(), config, clusterRoles, java.time.Instant.now());
    Optional<ProcessHandle> running = pidFile.live();
    if (running.isPresent()) {
      // exit 0: PoCo runs, as asked (the footer's "already in the asked state"); a stale file never gets here
      out.println("PoCo is already running (pid " + running.get().pid() + "); nothing started");
      return OK;
    }
    pidFile.staleNote().ifPresent(note -> out.println("Removing a stale pid file: " + note + "."));
    pidFile.delete();
    if (edge && !endpoint.anyPort() && endpoint.inUse()) {
      cli.err().println("Port " + endpoint.port() + " on " + endpoint.host() + " is already in use by another program."
          + " Stop it or choose another POCO_HTTP_PORT.");
      return FAILED;
    }
    OwnerOnly.directory(home.dir());
    OwnerOnly.file(home.logFile()); // the log holds prompts and agent output
    long logStart = log.size();
    long t0 = System.nanoTime();
    Process server = spawn(clusterRoles);
    pidFile.write(server.toHandle());
    long deadline = System.nanoTime() + timeout.toNanos();

    Optional<HealthClient.Answer> answer = edge ? awaitHealth(server, endpoint, logStart, deadline) : Optional.empty();
    boolean up = edge ? answer.isPresent() : awaitNodeUp(server, logStart, deadline);
    if (!up) {
      if (server.isAlive()) {
        cli.err().println((edge ? "PoCo did not answer /health" : "The PoCo node did not come up") + " within "
            + timeout.toSeconds() + " s; stopping it (pid " + server.pid() + ").");
        Processes.stop(server.toHandle(), Duration.ofSeconds(5));
      } else {
        cli.err().println("PoCo exited during start (exit code " + server.exitValue() + ").");
      }
      pidFile.deleteIfOwnedBy(server.pid());
      printTail();
      return FAILED;
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    out.println("PoCo started (pid " + server.pid() + ")" + (edge ? " on " + url(endpoint, logStart) : "") + " in "
        + ms + " ms");
    String nodeUp = log.lastLineSince(logStart, NODE_UP);
    if (nodeUp != null) out.println(nodeUp);
    answer.ifPresent(a -> out.println(HealthReport.summary(a)));
    if (edge) Pairing.hint(config).ifPresent(out::println);
    return OK;
  }

  int status() {
    JsonObject config = PocoConfig.load(cli.env());
    Endpoint endpoint = Endpoint.of(config); // a bad port is a configuration error, running or not
    Optional<ProcessHandle> running = pidFile.live();
    if (running.isEmpty()) {
      out.println("PoCo is not running" + pidFile.staleNote().map(n -> " (" + n + ": stale)").orElse(""));
      return FAILED;
    }
    Optional<Set<String>> node = recordedNode();
    if (node.isPresent() && !node.get().contains(Poco.DEMO_API)) {
      out.println("PoCo is running (pid " + running.get().pid() + "): a cluster node with " + node.get()
          + " and no HTTP edge");
      String nodeUp = log.lastLineSince(0, NODE_UP);
      if (nodeUp != null) out.println("  " + nodeUp);
      out.println("  `poco status` where the demo-api role runs shows the whole cluster.");
      return OK;
    }
    String url = url(endpoint, 0);
    out.println("PoCo is running (pid " + running.get().pid() + ") on " + (url == null ? "an unknown port" : url));
    if (url == null) return UNHEALTHY;
    try {
      HealthClient.Answer answer = new HealthClient(new Settings(config).str(ConfigKeys.HTTP_TOKEN, null))
          .get(Endpoint.parse(url).probe(), Duration.ofSeconds(3));
      out.println(HealthReport.summary(answer));
      HealthReport.lines(answer).forEach(out::println);
      return answer.healthy() ? OK : UNHEALTHY;
    } catch (IOException e) {
      out.println("Health check failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
      return UNHEALTHY;
    }
  }

  int shutdown() throws InterruptedException {
    Optional<ProcessHandle> running = pidFile.live();
    if (running.isEmpty()) {
      // never signal what the file names unless it is PoCo's server: the pid may have been reused
      Optional<String> stale = pidFile.staleNote();
      pidFile.delete();
      out.println("PoCo is not running" + stale.map(n -> "; " + n + ": it was stale and is removed, nothing signalled")
          .orElse(""));
      return OK;
    }
    ProcessHandle p = running.get();
    out.println("Stopping PoCo (pid " + p.pid() + ")...");
    p.destroy();
    if (!Processes.awaitExit(p, STOP_GRACE)) {
      out.println("PoCo did not stop within " + STOP_GRACE.toSeconds() + " s; killing it");
      p.destroyForcibly();
      if (!Processes.awaitExit(p, Duration.ofSeconds(5))) {
        cli.err().println("PoCo (pid " + p.pid() + ") could not be stopped");
        return FAILED;
      }
    }
    pidFile.deleteIfOwnedBy(p.pid());
    out.println("PoCo stopped");
    return OK;
  }

  int restart() throws IOException, InterruptedException {
    Optional<Set<String>> node = recordedNode(); // restarts what ran: a cluster node stays one
    int stopped = shutdown();
    return stopped == OK ? start(node.orElse(null)) : stopped;
  }

  /** The roles of the cluster node last started on this home ($POCO_HOME/poco.node), empty when embedded. */
  private Optional<Set<String>> recordedNode() {
    try {
      String roles = Files.readString(home.nodeFile()).trim();
      return roles.isEmpty() ? Optional.empty() : Optional.of(Poco.parseRoles(roles));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // none recorded, or roles this build lacks: it ran (or runs) embedded
    }
  }

  private Process spawn(Set<String> clusterRoles) throws IOException {
    List<String> args = clusterRoles == null ? List.of("start", "--foreground")
        : List.of("start", "--foreground", "--cluster", "--only", String.join(",", clusterRoles));
    List<String> cmd = ServerCommand.build(cli.env(), cli.serverMain(), args);
    List<String> detached = new File("/usr/bin/setsid").canExecute() ? prepend("/usr/bin/setsid", cmd) : cmd;
    ProcessBuilder pb = new ProcessBuilder(detached)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(home.logFile().toFile()))
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // the server must see the configuration this CLI saw, even when a test injected it
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith(PocoConfig.PREFIX));
    env.putAll(cli.env());
    return pb.start();
  }

  /** Polls /health every 50 ms until it answers (any HTTP status: the edge is up), the server dies, or time is up. */
  private Optional<HealthClient.Answer> awaitHealth(Process server, Endpoint endpoint, long logStart, long deadline)
      throws InterruptedException {
    HealthClient client = new HealthClient();
    while (System.nanoTime() < deadline && server.isAlive()) {
      String url = url(endpoint, logStart);
      if (url != null) {
        try {
          return Optional.of(client.get(Endpoint.parse(url).probe(), Duration.ofSeconds(2)));
        } catch (IOException notYet) {
          // not listening yet
        }
      }
      Thread.sleep(POLL.toMillis());
    }
    return Optional.empty();
  }

  /** Polls the log every 50 ms for the node's up line (it joined and deployed its roles) while the server lives. */
  private boolean awaitNodeUp(Process server, long logStart, long deadline) throws InterruptedException {
    while (System.nanoTime() < deadline && server.isAlive()) {
      if (log.lastLineSince(logStart, NODE_UP) != null) return true;
      Thread.sleep(POLL.toMillis());
    }
    return false;
  }

  /** The configured URL, or for POCO_HTTP_PORT=0 the one the edge logged since {@code logOffset}. */
  private String url(Endpoint endpoint, long logOffset) {
    return endpoint.anyPort() ? log.edgeUrlSince(logOffset) : endpoint.url();
  }

  private void printTail() {
    List<String> lines = log.tail(TAIL_LINES);
    if (lines.isEmpty()) return;
    cli.err().println("Last lines of " + home.logFile() + ":");
    lines.forEach(l -> cli.err().println("  " + l));
  }

  private static List<String> prepend(String first, List<String> rest) {
    List<String> all = new java.util.ArrayList<>(rest.size() + 1);
    all.add(first);
    all.addAll(rest);
    return all;
  }
}
