package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.Security;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster settings' host names turned into addresses. JGroups and the event bus bind
 * an address, while compose (and people) name nodes: {@code POCO_CLUSTER_HOST=store}. Names are looked up for a
 * few seconds, because compose's DNS knows a container only once it runs.
 *
 * @param bind the address this node binds and advertises (JGroups and the event bus)
 * @param members each configured member as written, with the {@code ip:port} forms it resolved to (empty when
 *     it did not resolve in time: the node tries the name once more as it joins, and joins without it if it fails)
 */
record ClusterAddresses(String bind, Map<String, Set<String>> members) {
  private static final Logger log = LoggerFactory.getLogger(ClusterAddresses.class);
  /** {@code POCO_CLUSTER_HOST=@hostname}: this machine's own name, for replicas that share one setting. */
  static final String HOSTNAME = "@hostname";

  static {
    // A lookup that failed is otherwise cached for 10 s, longer than we wait for compose's DNS to learn a name.
    Security.setProperty("networkaddress.cache.negative.ttl", "0");
  }

  /** Name to addresses; {@link #DNS} in production. */
  interface Resolver {
    List<InetAddress> lookup(String host) throws UnknownHostException;
  }

  static final Resolver DNS = host -> List.of(InetAddress.getAllByName(host));

  /**
   * Resolves this node's host (which must be an address of this machine) and the members, retrying names that
   * do not resolve yet until {@code wait} has passed.
   */
  static ClusterAddresses resolve(ClusterSettings cs, Resolver dns, Duration wait) {
    long deadline = System.nanoTime() + wait.toNanos();
    String host = cs.host();
    if (HOSTNAME.equals(host)) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (UnknownHostException e) {
        throw new ClusterNode.JoinException(ConfigKeys.CLUSTER_HOST + "=" + HOSTNAME
            + ": this machine's name is unknown (" + e.getMessage() + ")", e);
      }
    }
    List<InetAddress> own = lookupUntil(dns, host, deadline);
    if (own.isEmpty()) {
      throw new ClusterNode.JoinException(ConfigKeys.CLUSTER_HOST + " '" + host
          + "' does not resolve to an address (waited " + wait.toSeconds() + " s)", null);
    }
    InetAddress bind = preferred(own);
    if (!isLocal(bind)) {
      throw new ClusterNode.JoinException(ConfigKeys.CLUSTER_HOST + " '" + host + "' is " + bind.getHostAddress()
          + ", which is not an address of this machine: set the address (or a name for it) this node can bind",
          null);
    }
    Map<String, Set<String>> members = new LinkedHashMap<>();
    for (String member : cs.memberAddresses()) {
      int colon = member.lastIndexOf(':');
      String name = member.substring(0, colon);
      String port = member.substring(colon + 1);
      Set<String> forms = new LinkedHashSet<>();
      for (InetAddress a : lookupUntil(dns, name, deadline)) forms.add(hostPort(a, port));
      if (forms.isEmpty()) {
        log.warn("cluster member '{}' does not resolve yet; it is looked up once more as this node joins", name);
      }
      members.put(member, forms);
    }
    return new ClusterAddresses(bind.getHostAddress(), members);
  }

  /** host:port, an IPv6 address in brackets. */
  static String hostPort(InetAddress a, Object port) {
    return (a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress()) + ":" + port;
  }

  /**
   * Where JGroups' discovery looks: each member's preferred address, or its name when it did not resolve.
   * A member that is this node ({@code self}, ip:port) is left out.
   */
  List<String> joinAddresses(String self) {
    List<String> out = new ArrayList<>();
    members.forEach((member, forms) -> {
      if (forms.contains(self)) return;
      out.add(forms.isEmpty() ? member : forms.stream().filter(f -> !f.startsWith("[")).findFirst()
          .orElse(forms.iterator().next()));
    });
    return out;
  }

  /** Whether this node, bound at {@code self} (ip:port), is one of the configured members: a seed node. */
  boolean listed(String self) {
    return members.values().stream().anyMatch(forms -> forms.contains(self));
  }

  private static List<InetAddress> lookupUntil(Resolver dns, String host, long deadline) {
    while (true) {
      try {
        List<InetAddress> found = dns.lookup(host);
        if (!found.isEmpty()) return found;
      } catch (UnknownHostException e) {
        // not (yet) known: compose's DNS learns a container's name when it starts
      }
      if (System.nanoTime() >= deadline) return List.of();
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return List.of();
      }
    }
  }

  /** IPv4 first: the same family for every node of a compose network or a LAN. */
  private static InetAddress preferred(List<InetAddress> addresses) {
    return addresses.stream().filter(a -> a instanceof Inet4Address).findFirst().orElse(addresses.get(0));
  }

  private static boolean isLocal(InetAddress address) {
    if (address.isLoopbackAddress()) return true;
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }
}
