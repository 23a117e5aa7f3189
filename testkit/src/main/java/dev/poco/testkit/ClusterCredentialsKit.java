package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A trusted cluster's credentials made the way a user makes them, by the real CLI in child JVMs: {@code poco cluster
 * init --name <node>} in the CA node's home, {@code poco cluster add-node <name> --roles <roles>} there, and
 * {@code --join <bundle>} on another node's first start ({@link #joinArgs}).
 */
public final class ClusterCredentialsKit {
  static final Duration CLI = Duration.ofSeconds(60);
  private final Path caHome;
  private final Map<String, String> env;
  private final Map<String, Path> bundles = new HashMap<>();

  private ClusterCredentialsKit(Path caHome, Map<String, String> env) {
    this.caHome = caHome;
    this.env = env;
  }

  /** {@code poco cluster init --name node} in {@code caHome} (the first node's POCO_HOME), env as that node's. */
  public static ClusterCredentialsKit init(Path caHome, String node, Map<String, String> env) {
    PocoCli.Result made = PocoCli.run(caHome, env, CLI, "cluster", "init", "--name", node);
    assertThat(made.code()).as(made.output()).isZero();
    assertThat(made.output()).contains("Made cluster");
    return new ClusterCredentialsKit(caHome, env);
  }

  public Path caHome() { return caHome; }

  /** The join bundle of node {@code name}: {@code poco cluster add-node name --roles roles}, once per name. */
  public Path bundle(String name, String roles) {
    return bundles.computeIfAbsent(name, n -> {
      PocoCli.Result issued = PocoCli.run(caHome, env, CLI, "cluster", "add-node", n, "--roles", roles);
      assertThat(issued.code()).as(issued.output()).isZero();
      Path file = caHome.resolve("cluster").resolve("bundles").resolve(n + ".join");
      assertThat(file).exists();
      return file;
    });
  }

  /**
   * What a start in {@code home} (the node's POCO_HOME) adds: {@code --join <bundle>} while that home holds no
   * credentials yet, nothing after (later starts need no --join, as for a user).
   */
  public String[] joinArgs(Path home, String name, String roles) {
    if (installed(home)) return new String[0];
    return new String[] {"--join", bundle(name, roles).toString()};
  }

  /** {@code poco cluster remove-node name} on the CA node. */
  public PocoCli.Result removeNode(String name) {
    return PocoCli.run(caHome, env, CLI, "cluster", "remove-node", name);
  }

  public static boolean installed(Path home) {
    return Files.exists(home.resolve("cluster").resolve("node.pem"));
  }
}
