package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import java.nio.file.Path;
import java.util.Map;

/** Where PoCo keeps its files: $POCO_HOME, default ~/.poco. Only the environment sets it: it locates the config file. */
public record PocoHome(Path dir) {

  public static PocoHome from(Map<String, String> env) {
    String home = env.get(ConfigKeys.HOME);
    if (home == null || home.isBlank()) return new PocoHome(Path.of(System.getProperty("user.home"), ".poco"));
    return new PocoHome(Path.of(expandTilde(home.trim())).toAbsolutePath());
  }

  /** "~/x" to the user's home, as a shell would have done had the value not been quoted. */
  static String expandTilde(String path) {
    if (path.equals("~")) return System.getProperty("user.home");
    if (path.startsWith("~/")) return System.getProperty("user.home") + path.substring(1);
    return path;
  }

  public Path configFile() { return dir.resolve("poco.config.json"); }

  public Path pidFile() { return dir.resolve("poco.pid"); }

  public Path logFile() { return dir.resolve("poco.log"); }

  /** The roles of the cluster node this home last ran, so status and restart know it; absent when embedded. */
  public Path nodeFile() { return dir.resolve("poco.node"); }

  public Path defaultDbPath() { return dir.resolve("poco.db"); }

  public Path defaultPairingCodeFile() { return dir.resolve("pairing-code"); }
}
