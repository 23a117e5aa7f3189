package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** How this node joins the cluster, read from the merged config before the clustered Vertx exists. */
record ClusterSettings(String host, int port, boolean exactPort, List<String> members, String name, int joinSeconds,
    int busPort, int heartbeatSeconds) {
  /**
   * JGroups' own default (conf/tcp.xml and Infinispan's guides): firewall notes for Infinispan name it, and a node
   * of the Hazelcast-based PoCo still on 5701 is never mistaken for a member (the wire protocols differ).
   */
  static final int DEFAULT_PORT = 7800;

  static ClusterSettings from(JsonObject config) {
    Settings s = new Settings(config);
    String host = s.str(ConfigKeys.CLUSTER_HOST, "127.0.0.1").trim();
    boolean exact = s.has(ConfigKeys.CLUSTER_PORT);
    int port = port(s, ConfigKeys.CLUSTER_PORT, DEFAULT_PORT, 1);
    int busPort = port(s, ConfigKeys.CLUSTER_BUS_PORT, 0, 0);
    if (exact && busPort == port) {
      throw new ConfigException(ConfigKeys.CLUSTER_BUS_PORT + " and " + ConfigKeys.CLUSTER_PORT + " are both " + port
          + ": the event bus and the cluster's membership (JGroups) each need a port of their own");
    }
    List<String> members = s.list(ConfigKeys.CLUSTER_MEMBERS);
    for (String m : members) checkMember(m);
    int join = s.integer(ConfigKeys.CLUSTER_JOIN_SECONDS, 5);
    if (join < 1) throw new ConfigException(ConfigKeys.CLUSTER_JOIN_SECONDS + " must be at least 1");
    int heartbeat = s.integer(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS, 5);
    if (heartbeat < 2) throw new ConfigException(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS + " must be at least 2");
    return new ClusterSettings(host, port, exact, members, s.str(ConfigKeys.CLUSTER_NAME, "poco").trim(), join,
        busPort, heartbeat);
  }

  private static int port(Settings s, String key, int fallback, int min) {
    int port;
    try {
      port = s.integer(key, fallback);
    } catch (RuntimeException e) {
      throw new ConfigException(key + " must be a port number, got '" + s.str(key, "") + "'");
    }
    if (port < min || port > 65535) throw new ConfigException(key + " must be " + min + "-65535, got " + port);
    return port;
  }

  /** Only host or host:port ("h:7800-7820" is refused): a node asks the members listed, it scans no port range. */
  private static void checkMember(String member) {
    int colon = member.lastIndexOf(':');
    if (colon < 0) return;
    String port = member.substring(colon + 1);
    boolean ok = !port.isEmpty() && port.chars().allMatch(Character::isDigit) && port.length() <= 5
        && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535 && colon > 0;
    if (!ok) {
      throw new ConfigException(ConfigKeys.CLUSTER_MEMBERS + ": '" + member
          + "' is not host or host:port (comma-separate several members)");
    }
  }

  /** The seed members as host:port: a bare host means that host on this node's cluster port. */
  List<String> memberAddresses() {
    return members.stream().map(m -> m.indexOf(':') < 0 ? m + ":" + port : m).toList();
  }

  String describe() {
    return "cluster '" + name + "' on " + host + ":" + port + (exactPort ? "" : "+")
        + (members.isEmpty() ? " with no seed members" : " via " + String.join(",", members));
  }
}
