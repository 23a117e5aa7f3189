package dev.poco.bench;

import dev.poco.testkit.PocoCli;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A trusted cluster's credentials made as a user makes them, each command a child JVM: {@code poco cluster init} in
 * the core node's POCO_HOME (the CA machine), then {@code poco cluster add-node <name> --roles agent-runner} there for
 * each runner, whose bundle the runner starts with ({@code poco start --cluster --join <bundle>}).
 */
final class ClusterSetup {
  private static final Duration MAX = Duration.ofSeconds(60);
  private final Path caHome;
  private final Map<String, String> env;

  private ClusterSetup(Path caHome, Map<String, String> env) {
    this.caHome = caHome;
    this.env = env;
  }

  /** The CA and the core node's credentials (node {@code name}, {@code roles}) in {@code coreHome}. */
  static ClusterSetup init(Path coreHome, Map<String, String> env, String name, String roles) {
    run(coreHome, env, "cluster", "init", "--name", name, "--roles", roles, "--days", "1");
    return new ClusterSetup(coreHome, env);
  }

  /** A runner's bundle: {@code $POCO_HOME/cluster/bundles/<name>.join} of the CA machine. */
  Path addRunner(String name) {
    run(caHome, env, "cluster", "add-node", name, "--roles", "agent-runner", "--days", "1");
    return caHome.resolve("cluster").resolve("bundles").resolve(name + ".join");
  }

  private static void run(Path home, Map<String, String> env, String... args) {
    PocoCli.Result r = PocoCli.run(home, env, MAX, args);
    if (r.code() != 0) {
      throw new IllegalStateException("poco " + String.join(" ", args) + " exited " + r.code() + ":\n" + r.output());
    }
  }
}
