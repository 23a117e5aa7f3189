package dev.poco.bench;

import dev.poco.launcher.BenchNode;
import dev.poco.testkit.ClusterNode;
import dev.poco.testkit.PocoProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A PoCo cluster node whose bus runs over mutual TLS ({@link BenchNode}) as a child JVM, started like testkit's
 * {@link ClusterNode} (same JVM flags, POCO_* env only, output to {@code home/node.log}).
 */
final class TlsNode extends PocoProcess {
  private TlsNode(Process process, Path log) { super(process, log); }

  static TlsNode start(Path home, String roles, Map<String, String> env, Path credentials) {
    Path log = home.resolve("node.log");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx128m", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), BenchNode.class.getName(), credentials.toString(), roles));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("POCO_"));
    pb.environment().put("POCO_HOME", home.toString());
    pb.environment().put("POCO_HTTP_HOST", "127.0.0.1");
    pb.environment().putAll(env);
    try {
      Files.createDirectories(home);
      TlsNode node = new TlsNode(pb.redirectErrorStream(true).redirectOutput(log.toFile()).start(), log);
      long end = System.nanoTime() + 40_000_000_000L;
      while (!node.output().contains(ClusterNode.UP_LINE)) {
        if (!node.alive() || System.nanoTime() > end) {
          node.kill();
          throw new IllegalStateException("TLS node did not come up:\n" + node.output());
        }
        sleep(50);
      }
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
