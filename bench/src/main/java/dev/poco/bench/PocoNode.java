package dev.poco.bench;

import dev.poco.testkit.ClusterNode;
import dev.poco.testkit.PocoProcess;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A cluster node as a user starts it, in a child JVM: {@code poco start --foreground --cluster --only <roles>}, with
 * {@code --join <bundle>} for a node whose credentials {@code poco cluster add-node} made (a trusted cluster's
 * runner). Like testkit's {@link ClusterNode} (POCO_* env only, output to {@code home/node.log}), plus the bundle.
 */
final class PocoNode extends PocoProcess {
  private PocoNode(Process process, Path log) { super(process, log); }

  /** Starts the node and waits until it printed that it joined and deployed its roles (90 s at most). */
  static PocoNode start(Path home, String roles, Map<String, String> env, Path bundle) {
    List<String> args = new ArrayList<>(List.of("start", "--foreground", "--cluster", "--only", roles));
    if (bundle != null) args.addAll(List.of("--join", bundle.toString()));
    Path log = home.resolve("node.log");
    PocoNode node = new PocoNode(spawn(home, log, env, args.toArray(String[]::new)), log);
    long end = System.nanoTime() + 90_000_000_000L;
    while (!node.output().contains(ClusterNode.UP_LINE)) {
      if (!node.alive() || System.nanoTime() > end) {
        node.kill();
        throw new IllegalStateException("node " + home.getFileName() + " did not come up:\n" + node.output());
      }
      sleep(20);
    }
    return node;
  }
}
