package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which way a cluster node starts: with its credentials, or in plain mode. The rule: a node that has credentials
 * ($POCO_HOME/cluster/node.pem) always uses them, and refuses to start when they are unusable. A node with none
 * runs plain (no authentication, no encryption) only when its POCO_CLUSTER_HOST is loopback (tests, several JVMs
 * on one machine: nothing outside the machine can reach it) or POCO_CLUSTER_INSECURE=1 says the network is private;
 * otherwise it refuses, so that nobody opens a runner to the network by leaving out a file.
 */
final class ClusterTrust {
  private static final Pattern IPV4_LOOPBACK = Pattern.compile("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

  private ClusterTrust() {}

  /**
   * This node's checked credentials, or null for plain mode; throws {@link ClusterTrustException} with the user's
   * message. Reads files only: call it before anything touches the network.
   */
  static ClusterCredentials forStart(Path home, JsonObject config, Set<String> roles, Instant now) {
    Settings s = new Settings(config);
    String name = s.str(ConfigKeys.CLUSTER_NAME, "poco").trim();
    String host = s.str(ConfigKeys.CLUSTER_HOST, "127.0.0.1").trim();
    boolean insecure;
    try {
      insecure = s.bool(ConfigKeys.CLUSTER_INSECURE, false);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.CLUSTER_INSECURE + " must be 1 or 0, got '"
          + s.str(ConfigKeys.CLUSTER_INSECURE, "") + "'");
    }
    if (ClusterFiles.present(home)) return ClusterFiles.load(home, name, roles, now);
    if (!loopback(host) && !insecure) {
      throw new ClusterTrustException(ClusterFiles.missing(ClusterFiles.cannotJoin(name), ClusterFiles.dir(home))
          + " Plain (unauthenticated, unencrypted) clustering on " + host + " is refused; on a private network"
          + " set " + ConfigKeys.CLUSTER_INSECURE + "=1 to run it anyway.");
    }
    return null; // the server logs that it runs plain; the CLI that checks before spawning it stays quiet
  }

  /** Loopback by its literal form or the name localhost: decided without a DNS lookup. */
  static boolean loopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(h).matches()) return true;
    if (!h.contains(":")) return false; // a name, or an address that is not 127/8
    try {
      return InetAddress.getByName(h).isLoopbackAddress(); // an IPv6 literal: parsed, never looked up
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
