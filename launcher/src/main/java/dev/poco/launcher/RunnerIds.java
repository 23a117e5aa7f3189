package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;

/**
 * A runner's id in a trusted cluster. The bus routes {@code poco.runner.<id>.*} only to a node whose certificate
 * names {@code <id>}, or the part of it before the first dot (ServingRules), so the id follows the certificate: the
 * node's name by default. Replicas of one service sharing a bundle set {@code POCO_RUNNER_ID=<node>.@hostname}
 * ({@code @hostname}: this host's name, as POCO_CLUSTER_HOST takes it), which keeps them apart. A POCO_RUNNER_ID that
 * the certificate cannot serve is refused at start.
 */
final class RunnerIds {
  static final String HOSTNAME = "@hostname";

  private RunnerIds() {}

  static JsonObject inTrustedCluster(JsonObject config, ClusterCredentials own, Set<String> roles,
      Map<String, String> env) {
    if (!roles.contains(Poco.AGENT_RUNNER)) return config;
    String node = own.node();
    String set = config.getString(ConfigKeys.RUNNER_ID);
    if (set == null || set.isBlank()) return config.copy().put(ConfigKeys.RUNNER_ID, node);
    String id = set.trim().replace(HOSTNAME, ClusterCommand.sanitize(env.getOrDefault("HOSTNAME", hostname())));
    if (!id.equals(node) && !id.startsWith(node + ".")) {
      throw new ClusterTrustException("Cannot start runner '" + id + "': this node's certificate names node '" + node
          + "', and in a trusted cluster a runner's id is its node's name or starts with it and a dot ('" + node
          + "' or '" + node + ".<anything>'). Unset " + ConfigKeys.RUNNER_ID + ", or issue a bundle for '" + id
          + "': poco cluster add-node " + id);
    }
    return config.copy().put(ConfigKeys.RUNNER_ID, id);
  }

  private static String hostname() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }
}
