package dev.poco.contract;

import java.util.Set;

/**
 * Which node may serve which of the contract's addresses in a trusted cluster: a node is chosen as the destination
 * of {@code poco.*} traffic only when its certificate's roles allow it, so a runner-only node that registers a store
 * or orchestrator address never receives what the real store or orchestrator should. Addresses outside
 * {@code poco.} are not PoCo's contract and not ruled here; a {@code poco.} address this table does not know is
 * served by nobody (a new address must be added here to be routed in a trusted cluster).
 */
public final class ServingRules {
  private ServingRules() {}

  /**
   * Whether a node may serve {@code address}.
   *
   * @param roles the roles its verified certificate names
   * @param node the node name its certificate names (a runner's addresses carry the runner id: that name, or the
   *     name, a dot and more)
   * @param nodeId its cluster node id (a node answers only its own {@link Addresses#nodeInfo(String)})
   */
  public static boolean mayServe(String address, Set<String> roles, String node, String nodeId) {
    if (!address.startsWith("poco.")) return true;
    if (address.startsWith(Addresses.STORE_PREFIX)) return roles.contains(Roles.STORE);
    if (address.startsWith("poco.orchestrator.") || address.equals(Addresses.RUNNER_HEARTBEAT)
        || address.equals(Addresses.GATEWAY_READY)) {
      return roles.contains(Roles.ORCHESTRATOR);
    }
    if (address.equals(Addresses.RUNNER_DISCOVER)) return roles.contains(Roles.AGENT_RUNNER);
    if (address.startsWith("poco.runner.")) {
      String rest = address.substring("poco.runner.".length());
      int dot = rest.lastIndexOf('.');
      String id = dot > 0 ? rest.substring(0, dot) : "";
      // a runner id is its certificate's node name, or that name, a dot and more (replicas sharing one bundle)
      return (id.equals(node) || id.startsWith(node + ".")) && roles.contains(Roles.AGENT_RUNNER);
    }
    if (address.startsWith("poco.gateway.")) {
      String rest = address.substring("poco.gateway.".length());
      int dot = rest.indexOf('.');
      return dot > 0 && roles.contains(Roles.gateway(rest.substring(0, dot)));
    }
    if (address.startsWith("poco.node.")) return address.equals(Addresses.nodeInfo(nodeId));
    return address.equals(Addresses.CONFIG_CHANGED) || address.equals(Addresses.CLUSTER_CRL);
  }
}
