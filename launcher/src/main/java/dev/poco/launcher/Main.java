package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code poco} command. */
@Command(name = "poco", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "PoCo: drive coding agents on this machine from Feishu or Slack.",
    subcommands = {Main.Config.class, Main.Start.class, Main.Status.class, Main.Shutdown.class, Main.Restart.class,
        Main.Warm.class, ClusterCommand.class},
    footerHeading = "%nExit codes:%n",
    footer = {"  0  done (or already in the asked state)", "  1  not running, or failed to start or stop",
        "  2  usage or configuration error (cluster credentials missing or unusable too)",
        "  3  running, but /health does not answer well; or this node's cluster certificate is revoked"})
public final class Main implements Callable<Integer> {
  static final int USAGE = 2;

  private final Cli cli;

  public Main(Cli cli) { this.cli = cli; }

  public static void main(String[] args) {
    System.exit(run(Cli.system(), args));
  }

  public static int run(Cli cli, String... args) {
    CommandLine cmd = new CommandLine(new Main(cli), new Factory(cli));
    cmd.setOut(new java.io.PrintWriter(cli.out(), true));
    cmd.setErr(new java.io.PrintWriter(cli.err(), true));
    cmd.setExecutionExceptionHandler((e, line, parsed) -> {
      if (e instanceof ConfigException) {
        cli.err().println(SecretMasking.mask(e.getMessage()));
        return e instanceof ClusterTrustException t ? t.exitCode() : USAGE;
      }
      cli.err().println(SecretMasking.mask("poco " + String.join(" ", parsed.originalArgs()) + " failed: "
          + readable(e)));
      return Daemon.FAILED;
    });
    return cmd.execute(args);
  }

  /** A sentence for the terminal: the message, never a bare exception class; the log has the trace. */
  static String readable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      boolean wrapper = t.getCause() != null && t.getCause().toString().equals(m); // new X(cause) copies its name
      if (m != null && !m.isBlank() && !wrapper && !(t instanceof NullPointerException)) return m.strip();
    }
    return "an unexpected internal error (please report it, with the command you ran)";
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, cli.out());
    return USAGE;
  }

  @Command(name = "config", mixinStandardHelpOptions = true,
      description = "Ask for Feishu (and optionally Slack) credentials; save them to $POCO_HOME/poco.config.json.")
  static final class Config implements Callable<Integer> {
    private final Cli cli;

    Config(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws Exception { return new ConfigWizard(cli, Prompter.of(cli)).run(); }
  }

  @Command(name = "start", mixinStandardHelpOptions = true,
      description = "Start PoCo in the background (pid in $POCO_HOME/poco.pid, log in $POCO_HOME/poco.log).")
  static final class Start implements Callable<Integer> {
    private final Cli cli;
    @Option(names = "--foreground", description = "Run in this terminal until Ctrl-C or SIGTERM.")
    boolean foreground;
    @Option(names = "--cluster", description = "Join a clustered event bus (POCO_CLUSTER_HOST, POCO_CLUSTER_PORT,"
        + " POCO_CLUSTER_MEMBERS, POCO_CLUSTER_NAME) as one node, in the background unless --foreground.")
    boolean cluster;
    @Option(names = "--only", paramLabel = "<roles>",
        description = "With --cluster: the roles of this node, comma-separated, of ${COMPLETION-CANDIDATES}"
            + " (default: what this node's certificate allows, else all).", completionCandidates = RoleNames.class)
    String only;
    @Option(names = "--join", paramLabel = "<bundle>",
        description = "With --cluster: install this machine's credentials first, from the bundle 'poco cluster"
            + " add-node' made: its file, - (read it from stdin), or its pocojoin1. token.")
    String join;

    Start(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws Exception {
      if (only != null && !cluster) throw new ConfigException("--only needs --cluster: an embedded PoCo runs every role");
      if (join != null && !cluster) throw new ConfigException("--join needs --cluster");
      if (join != null) install();
      if (cluster) {
        return foreground ? Server.run(cli, roles(), Poco.ROLE_CLASSES, true) : new Daemon(cli).start(roles());
      }
      return foreground ? Server.run(cli, Poco.ALL_ROLES) : new Daemon(cli).start();
    }

    /** Installs the --join bundle; the start that follows checks it again, with this node's roles. */
    private void install() throws IOException {
      var config = PocoConfig.load(cli.env());
      Settings s = new Settings(config);
      JoinBundle bundle = ClusterJoin.read(join, cli);
      ClusterJoin.install(cli.home().dir(), bundle, s.str(ConfigKeys.CLUSTER_NAME, "poco").trim(), Instant.now());
      boolean file = !join.equals("-") && !join.startsWith(JoinBundle.TOKEN_PREFIX);
      cli.out().println("Installed the credentials of " + bundle.describe() + " in "
          + ClusterFiles.dir(cli.home().dir()) + "; later starts need no --join" + (file ? ", and " + join
          + " may be deleted." : "."));
      if (!bundle.seeds().isEmpty() && s.list(ConfigKeys.CLUSTER_MEMBERS).isEmpty()) {
        cli.out().println("The bundle names the cluster's members: set " + ConfigKeys.CLUSTER_MEMBERS
            + "=" + String.join(",", bundle.seeds()) + " (and " + ConfigKeys.CLUSTER_HOST
            + " to this machine's address) for this node to find them.");
      }
    }

    /**
     * --only, else what this node's certificate allows (so a runner's bundle starts a runner), else every role.
     * The certificate is only read here; the start checks it.
     */
    private Set<String> roles() {
      if (only == null) return certifiedRoles(cli).orElse(Poco.ALL_ROLES);
      try {
        Set<String> roles = Poco.parseRoles(only);
        if (roles.isEmpty()) throw new IllegalArgumentException("no role given");
        return roles;
      } catch (IllegalArgumentException e) {
        throw new ConfigException("--only: " + e.getMessage());
      }
    }
  }

  private static Optional<Set<String>> certifiedRoles(Cli cli) {
    try {
      Set<String> allowed = ClusterIdentity.of(ClusterCa.readCert(Files.readString(
          ClusterFiles.dir(cli.home().dir()).resolve(ClusterFiles.NODE_PEM)))).roles();
      Set<String> roles = new LinkedHashSet<>(Poco.ALL_ROLES); // PoCo's order
      roles.retainAll(allowed);
      return roles.isEmpty() ? Optional.empty() : Optional.of(roles);
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty(); // none, or damaged: the start says which
    }
  }

  static final class RoleNames implements Iterable<String> {
    @Override public java.util.Iterator<String> iterator() { return Poco.KNOWN_ROLES.iterator(); }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether PoCo runs, and its /health.")
  static final class Status implements Callable<Integer> {
    private final Cli cli;

    Status(Cli cli) { this.cli = cli; }

    @Override public Integer call() { return new Daemon(cli).status(); }
  }

  @Command(name = "shutdown", mixinStandardHelpOptions = true,
      description = "Stop the background PoCo (SIGTERM, then SIGKILL after 15 s).")
  static final class Shutdown implements Callable<Integer> {
    private final Cli cli;

    Shutdown(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws Exception { return new Daemon(cli).shutdown(); }
  }

  @Command(name = "restart", mixinStandardHelpOptions = true, description = "Shut down, then start in the background.")
  static final class Restart implements Callable<Integer> {
    private final Cli cli;

    Restart(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws Exception { return new Daemon(cli).restart(); }
  }

  @Command(name = "warmup", hidden = true,
      description = "Run briefly on a temporary home (records the class-data-sharing archive).")
  static final class Warm implements Callable<Integer> {
    private final Cli cli;

    Warm(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws Exception { return Warmup.run(cli); }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"poco " + (v == null ? "(development build)" : v)};
    }
  }

  /** Gives every command the Cli it runs with. */
  private record Factory(Cli cli) implements CommandLine.IFactory {
    @Override public <K> K create(Class<K> cls) throws Exception {
      try {
        var ctor = cls.getDeclaredConstructor(Cli.class);
        ctor.setAccessible(true);
        return ctor.newInstance(cli);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }
}
