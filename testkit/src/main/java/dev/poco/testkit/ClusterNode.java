package dev.poco.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One PoCo cluster node as a child JVM: {@code poco start --foreground --cluster --only <roles>}, configured by
 * POCO_* env. Output goes to {@code home/node.log}; {@link #kill()} is a SIGKILL.
 */
public final class ClusterNode extends PocoProcess {
  /** Printed by the launcher once the node joined and deployed its roles. */
  public static final String UP_LINE = "PoCo node up with";

  private ClusterNode(Process process, Path log) { super(process, log); }

  /** Starts the node and returns at once; see {@link #awaitUp} and {@link #awaitExit}. */
  public static ClusterNode launch(Path home, String roles, Map<String, String> env, String... more) {
    Path log = home.resolve("node.log");
    List<String> args = new ArrayList<>(List.of("start", "--foreground", "--cluster", "--only", roles));
    args.addAll(List.of(more)); // e.g. --join <bundle> (ClusterCredentialsKit)
    return new ClusterNode(spawn(home, log, env, args.toArray(String[]::new)), log);
  }

  /** Starts the node and waits until it joined and deployed its roles. */
  public static ClusterNode start(Path home, String roles, Map<String, String> env, String... more) {
    return launch(home, roles, env, more).awaitUp(Duration.ofSeconds(40));
  }

  public ClusterNode awaitUp(Duration max) {
    long end = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < end) {
      if (output().contains(UP_LINE)) return this;
      if (!process.isAlive()) throw new AssertionError("node exited with " + process.exitValue() + ":\n" + output());
      sleep(50);
    }
    kill();
    throw new AssertionError("node did not come up:\n" + output());
  }

  /** Waits for the process to end on its own and returns its exit code (the test fails if it does not). */
  public int awaitExit(Duration max) {
    try {
      if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        kill();
        throw new AssertionError("node still runs after " + max + ":\n" + output());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }
}
