package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code poco cluster init | add-node | remove-node | list | bundles}: the cluster's CA and its nodes' credentials. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Make and manage the credentials of a trusted cluster ($POCO_HOME/cluster/, owner-only).",
    subcommands = {ClusterCommand.Init.class, ClusterCommand.AddNode.class, ClusterCommand.RemoveNode.class,
        ClusterCommand.ListNodes.class, ClusterCommand.Bundles.class})
final class ClusterCommand implements Callable<Integer> {
  private final Cli cli;

  ClusterCommand(Cli cli) { this.cli = cli; }

  @Override
  public Integer call() {
    CommandLine.usage(this, cli.out());
    return Main.USAGE;
  }

  @Command(name = "init", mixinStandardHelpOptions = true,
      description = {"On the first machine: make the cluster's CA and this node's credentials.",
          "The CA key (ca.key) stays on this machine; add-node and remove-node run here."})
  static final class Init implements Callable<Integer> {
    private final Cli cli;
    @Option(names = "--name", paramLabel = "<node>", description = "This node's name (default: the host name).")
    String name;
    @Option(names = "--roles", paramLabel = "<roles>",
        description = "Roles this node may run, comma-separated (default all: ${COMPLETION-CANDIDATES}).",
        completionCandidates = Main.RoleNames.class)
    String roles;
    @Option(names = "--days", paramLabel = "<n>", defaultValue = "365",
        description = "How long this node's certificate is valid (default ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--force", description = "Replace the CA or credentials this machine has: a new cluster.")
    boolean force;

    Init(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws IOException {
      String node = name != null ? name : hostNodeName(cli);
      Set<String> allowed = roles == null ? Poco.KNOWN_ROLES : roles(roles);
      ClusterAuthority ca = new ClusterAuthority(cli.home().dir());
      ClusterAuthority.Init made = ca.init(checked(node), allowed, days(days), force, Instant.now());
      cli.out().println("Made cluster " + made.cluster() + " (CA fingerprint " + made.caFingerprint() + ") in "
          + ca.dir() + ".");
      cli.out().println("  This node: " + describe(made.node()));
      cli.out().println("  " + ClusterFiles.CA_KEY + " is the cluster's CA key: keep it on this machine, and a"
          + " private backup.");
      cli.out().println("Start this node with 'poco start --cluster'; add another machine with"
          + " 'poco cluster add-node <name>'.");
      return Daemon.OK;
    }
  }

  @Command(name = "add-node", mixinStandardHelpOptions = true,
      description = {"On the CA machine: issue a node's certificate and its join bundle.",
          "The bundle goes to $POCO_HOME/cluster/bundles/<name>.join (or --out, or --token); start the new node"
              + " with 'poco start --cluster --join <bundle>'."})
  static final class AddNode implements Callable<Integer> {
    private final Cli cli;
    @Parameters(paramLabel = "<name>", description = "The new node's name: lower-case letters, digits and '-'.")
    String name;
    @Option(names = "--roles", paramLabel = "<roles>", defaultValue = Poco.AGENT_RUNNER,
        description = "Roles it may run, comma-separated (default ${DEFAULT-VALUE}), of ${COMPLETION-CANDIDATES}.",
        completionCandidates = Main.RoleNames.class)
    String roles;
    @Option(names = "--days", paramLabel = "<n>", defaultValue = "365",
        description = "How long its certificate is valid (default ${DEFAULT-VALUE}).")
    int days;
    @Option(names = "--out", paramLabel = "<file>", description = "Write the bundle there instead.")
    Path out;
    @Option(names = "--token", description = "Print the bundle as one line to paste instead of writing a file.")
    boolean token;
    @Option(names = "--force", description = "Issue even though the name holds a live certificate.")
    boolean force;

    AddNode(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws IOException {
      if (token && out != null) throw new ConfigException("--token and --out: choose one");
      ClusterAuthority ca = new ClusterAuthority(cli.home().dir());
      JoinBundle bundle = ca.addNode(checked(name), roles(roles), days(days), force,
          seeds(PocoConfig.load(cli.env())), Instant.now());
      ClusterCredentials c = bundle.credentials();
      String what = "node " + name + ", roles " + new TreeSet<>(c.roles()) + ", serial " + ClusterFiles.serial(c.cert())
          + ", valid until " + ClusterFiles.when(c.cert().getNotAfter());
      if (token) {
        cli.out().println(bundle.token());
        cli.err().println("Issued " + what + ". The line above holds its private key: pass it privately. On the"
            + " new machine run 'poco start --cluster --join -' and paste it (then Ctrl-D).");
        return Daemon.OK;
      }
      Path file = out != null ? out : ca.dir().resolve("bundles").resolve(name + ".join");
      if (out != null) OwnerOnly.writeFile(file, bundle.toJson().encodePrettily() + "\n");
      else OwnerOnly.write(file, bundle.toJson().encodePrettily() + "\n");
      cli.out().println("Issued " + what + ".");
      cli.out().println("Wrote " + file.toAbsolutePath() + ": it holds the node's private key, so copy it privately"
          + " (scp), then on the new machine run:");
      cli.out().println("  poco start --cluster --join " + file.getFileName());
      return Daemon.OK;
    }
  }

  @Command(name = "remove-node", mixinStandardHelpOptions = true,
      description = {"On the CA machine: revoke a node's certificates.",
          "Marks every certificate issued to <name> revoked and writes a new, higher-numbered revocation list,"
              + " $POCO_HOME/cluster/crl.pem."})
  static final class RemoveNode implements Callable<Integer> {
    private final Cli cli;
    @Parameters(paramLabel = "<name>", description = "The node to revoke.")
    String name;

    RemoveNode(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws IOException {
      List<ClusterIndex.Entry> revoked = new ClusterAuthority(cli.home().dir()).removeNode(checked(name),
          Instant.now());
      if (revoked.isEmpty()) cli.out().println("Node " + name + " is already revoked; nothing changed.");
      for (ClusterIndex.Entry e : revoked) {
        cli.out().println("Revoked " + name + " (serial " + e.serial().toString(16) + ")");
      }
      return Daemon.OK;
    }
  }

  @Command(name = "list", aliases = "status", mixinStandardHelpOptions = true,
      description = "On the CA machine: the nodes issued, their roles, expiry, and which are revoked.")
  static final class ListNodes implements Callable<Integer> {
    private final Cli cli;

    ListNodes(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws IOException {
      ClusterAuthority ca = new ClusterAuthority(cli.home().dir());
      ClusterIndex index = ca.index();
      Instant now = Instant.now();
      cli.out().println("Cluster " + index.cluster() + " (CA in " + ca.dir() + "), " + index.entries().size()
          + " certificate" + (index.entries().size() == 1 ? "" : "s") + ":");
      int width = index.entries().stream().mapToInt(e -> e.name().length()).max().orElse(0);
      for (ClusterIndex.Entry e : index.entries()) {
        String state = e.revoked() != null ? "revoked " + ClusterFiles.when(e.revoked())
            : now.isBefore(e.notAfter()) ? "valid until " + ClusterFiles.when(e.notAfter())
            : "expired " + ClusterFiles.when(e.notAfter());
        cli.out().println("  " + String.format("%-" + width + "s", e.name()) + "  "
            + String.join(",", new TreeSet<>(e.roles())) + "  serial " + e.serial().toString(16) + "  " + state);
      }
      return Daemon.OK;
    }
  }

  @Command(name = "bundles", mixinStandardHelpOptions = true,
      description = {"Make the CA if there is none, and a join bundle per <name>:<roles> that has no usable one:"
          + " <dir>/<name>/<name>.join (a directory each, so each can be mounted into its node alone).",
          "Run again, it keeps the CA and every bundle of this CA that is live and has those roles; one that is"
              + " missing, damaged, expired, revoked or of other roles is issued anew (the name's older certificates"
              + " revoked). For docker-compose.yml's credentials service; the CA machine runs no node itself."})
  static final class Bundles implements Callable<Integer> {
    private final Cli cli;
    @Parameters(index = "0", paramLabel = "<dir>", description = "Where the bundles go.")
    Path dir;
    @Parameters(index = "1..*", arity = "1..*", paramLabel = "<name>:<roles>",
        description = "A node and the roles it may run, comma-separated, e.g. store:store or runners:agent-runner.")
    List<String> nodes;
    @Option(names = "--days", paramLabel = "<n>", defaultValue = "365",
        description = "How long a new certificate is valid (default ${DEFAULT-VALUE}).")
    int days;

    Bundles(Cli cli) { this.cli = cli; }

    @Override public Integer call() throws IOException {
      Map<String, Set<String>> wanted = new LinkedHashMap<>(); // all checked before anything is written
      for (String spec : nodes) {
        int colon = spec.indexOf(':');
        if (colon < 0) throw new ConfigException("'" + spec + "': expected <name>:<roles>, e.g. store:store");
        String name = checked(spec.substring(0, colon));
        if (wanted.put(name, roles(spec.substring(colon + 1))) != null) {
          throw new ConfigException("node " + name + " is named twice");
        }
      }
      Duration validity = days(days);
      Instant now = Instant.now();
      ClusterAuthority ca = new ClusterAuthority(cli.home().dir());
      boolean made = ca.ensureCa(now);
      X509Certificate caCert = ca.caCert();
      cli.out().println((made ? "Made cluster " : "Cluster ") + ClusterIdentity.of(caCert).cluster()
          + " (CA fingerprint " + ClusterCa.fingerprint(caCert) + ") in " + ca.dir() + ".");
      List<String> seeds = seeds(PocoConfig.load(cli.env()));
      for (Map.Entry<String, Set<String>> node : wanted.entrySet()) {
        String name = node.getKey();
        Path file = dir.resolve(name).resolve(name + ".join");
        Optional<ClusterIndex.Entry> kept = usable(file, caCert, node.getValue(), ca.index(), now);
        if (kept.isPresent()) {
          cli.out().println("  kept   " + file + ": " + describe(kept.get()));
          continue;
        }
        if (!ca.index().live(name, now).isEmpty()) ca.removeNode(name, now); // the bundle it replaces
        JoinBundle bundle = ca.addNode(name, node.getValue(), validity, true, seeds, now);
        OwnerOnly.write(file, bundle.toJson().encodePrettily() + "\n");
        BigInteger serial = bundle.credentials().cert().getSerialNumber();
        cli.out().println("  issued " + file + ": " + describe(ca.index().entries().stream()
            .filter(e -> e.serial().equals(serial)).findFirst().orElseThrow()));
      }
      return Daemon.OK;
    }

    /** The index entry of the bundle in {@code file} when it is this CA's, for {@code roles}, and live. */
    private static Optional<ClusterIndex.Entry> usable(Path file, X509Certificate ca, Set<String> roles,
        ClusterIndex index, Instant now) {
      JoinBundle bundle;
      try {
        bundle = JoinBundle.parse(Files.readString(file));
      } catch (IOException | IllegalArgumentException e) {
        return Optional.empty(); // none, or damaged: issued anew
      }
      ClusterCredentials c = bundle.credentials();
      if (!c.ca().equals(ca) || !new TreeSet<>(c.roles()).equals(new TreeSet<>(roles))) return Optional.empty();
      return index.entries().stream().filter(e -> e.serial().equals(c.cert().getSerialNumber()) && e.live(now))
          .findFirst();
    }
  }

  // ---- shared by the commands ----

  /** Roles for a certificate: any role PoCo knows (the node's own build may have more than this one). */
  static Set<String> roles(String list) {
    Set<String> roles = new LinkedHashSet<>();
    Arrays.stream(list.split("[,\\s]+")).filter(s -> !s.isBlank()).forEach(roles::add);
    Set<String> unknown = new LinkedHashSet<>(roles);
    unknown.removeAll(Poco.KNOWN_ROLES);
    if (!unknown.isEmpty()) {
      throw new ConfigException("--roles: unknown role(s) " + unknown + ", expected some of " + Poco.KNOWN_ROLES);
    }
    if (roles.isEmpty()) throw new ConfigException("--roles: no role given");
    return roles;
  }

  static String checked(String name) {
    try {
      ClusterIdentity.checkName(name);
      return name;
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private static Duration days(int days) {
    if (days < 1 || days > 3650) throw new ConfigException("--days must be 1-3650, got " + days);
    return Duration.ofDays(days);
  }

  /** This machine's short host name as a node name: "Build_Box.lan" → "build-box". */
  static String hostNodeName(Cli cli) {
    String host = cli.env().get("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "node";
      }
    }
    return sanitize(host);
  }

  static String sanitize(String host) {
    String s = host.toLowerCase(Locale.ROOT);
    int dot = s.indexOf('.');
    if (dot > 0) s = s.substring(0, dot);
    s = s.replaceAll("[^a-z0-9-]", "-").replaceAll("^-+", "");
    if (s.length() > 63) s = s.substring(0, 63);
    return s.isEmpty() ? "node" : s;
  }

  /**
   * Where a new node finds the cluster, for its bundle: this machine's POCO_CLUSTER_MEMBERS, else its own
   * POCO_CLUSTER_HOST:port when that is an address other machines can reach (not loopback).
   */
  static List<String> seeds(JsonObject config) {
    Settings s = new Settings(config);
    List<String> members = s.list(ConfigKeys.CLUSTER_MEMBERS);
    if (!members.isEmpty()) return members;
    String host = s.str(ConfigKeys.CLUSTER_HOST, "").trim();
    if (host.isEmpty() || host.startsWith("@") || ClusterTrust.loopback(host)) return List.of();
    List<String> own = new ArrayList<>();
    own.add(host + ":" + s.str(ConfigKeys.CLUSTER_PORT, "5701").trim());
    return own;
  }

  private static String describe(ClusterIndex.Entry e) {
    return e.name() + ", roles " + new TreeSet<>(e.roles()) + ", serial " + e.serial().toString(16)
        + ", valid until " + ClusterFiles.when(e.notAfter());
  }
}
