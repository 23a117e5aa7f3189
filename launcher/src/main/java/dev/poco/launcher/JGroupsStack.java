package dev.poco.launcher;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FD_SOCK2;
import org.jgroups.protocols.FRAG2;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.util.SocketFactory;
import org.jgroups.util.UUID;

/**
 * The JGroups stack a node joins with, built in code rather than read from XML so that one place
 * ({@code socketFactory}) can later put the cluster's own TLS under every JGroups connection
 * (docs/cluster-trust.md §2). It follows JGroups' conf/tcp.xml: TCP only, no multicast, discovery through the
 * listed members, with failure detection tightened to PoCo's heartbeat setting.
 *
 * @param bind the address this node binds and advertises
 * @param port the first port to try; {@code portRange} more after it (0: exactly this port)
 * @param initialHosts where to look for the cluster: the seed members and the peers this node saw last
 * @param heartbeatMs how long a silent (frozen) member stays in the view
 * @param joinMs how long a joining node looks for members before it forms a cluster of its own
 * @param socketFactory null for plain TCP; else what opens every JGroups socket (TLS, a later step)
 * @param seed whether this node is one of the configured members (POCO_CLUSTER_MEMBERS)
 */
record JGroupsStack(InetAddress bind, int port, int portRange, List<InetSocketAddress> initialHosts, long heartbeatMs,
    long joinMs, SocketFactory socketFactory, boolean seed) {
  /** FD_SOCK2 listens on the cluster port + this offset (JGroups' default): the README names it for firewalls. */
  static final int FD_SOCK_OFFSET = 100;
  static final int DISCOVERY_RUNS = 5;

  /** A new, unconnected channel named {@code nodeName}; Infinispan connects it when its cache manager starts. */
  JChannel channel(String nodeName) throws Exception {
    TCP tcp = new TCP().setBindAddress(bind).setBindPort(port).setPortRange(portRange);
    tcp.setSockConnTimeout(1000); // a member that is down costs a second of the join window, not the OS's minutes
    // Few members talk to each other; idle pool threads die, so a small node keeps few threads.
    tcp.getThreadPool().setMinThreads(0).setMaxThreads(32);
    if (socketFactory != null) tcp.setSocketFactory(socketFactory);
    // Exact addresses only (port_range 0): no port scan of the peers' machines.
    TCPPING ping = new TCPPING().setInitialHosts(initialHosts).setPortRange(0);
    ping.setValue("async_discovery", true);
    // Ask the seeds again four times within the join window: seeds started together are all clients at first, the
    // first of them by address becomes coordinator when its window ends, and a seed whose window ended a moment
    // earlier retried 100 ms later with one request, answered before that coordinator existed, so it waited a whole
    // second window (compose: the edge up 12 s after the others). A later request finds the new coordinator.
    ping.setValue("num_discovery_runs", DISCOVERY_RUNS);
    // Two seeds started together each form a cluster; MERGE3 finds the other within seconds, so compose's
    // four JVMs become one cluster soon after a busy start.
    MERGE3 merge = new MERGE3().setMinInterval(2000).setMaxInterval(5000);
    FD_SOCK2 fdSock = new FD_SOCK2().setBindAddress(bind).setOffset(FD_SOCK_OFFSET); // a killed JVM: socket closes
    FD_ALL3 fdAll = new FD_ALL3().setTimeout(heartbeatMs).setInterval(Math.max(500, heartbeatMs / 5)); // a frozen one
    // One more check before a member is excluded, as tolerant as the heartbeat setting: with 1 s, a busy host's
    // slow answers got healthy members excluded after a kill (compose: the coordinator alone for 8-13 s).
    VERIFY_SUSPECT2 verify = new VERIFY_SUSPECT2().setTimeout(Math.max(1000, heartbeatMs / 3));
    NAKACK2 nakack = new NAKACK2().useMcastXmit(false);
    STABLE stable = new STABLE().setDesiredAverageGossip(50_000).setMaxBytes(4_000_000);
    GMS gms = new GMS().setJoinTimeout(joinMs).printLocalAddress(false);
    UFC ufc = new UFC().setMaxCredits(2_000_000).setMinThreshold(0.4);
    MFC mfc = new MFC().setMaxCredits(2_000_000).setMinThreshold(0.4);
    FRAG2 frag = new FRAG2();
    frag.setValue("frag_size", 60_000);
    JChannel channel = new JChannel(tcp, ping, merge, fdSock, fdAll, verify, nakack, new UNICAST3(), stable, gms, ufc,
        mfc, frag).name(nodeName);
    // When nodes start together none is coordinator yet, and the first by address forms the cluster. A runner
    // (not a seed) that came first formed it, then exited, not starting alone; the seeds kept choosing its stale
    // address for ten join rounds of 10 s (compose: /health 100 s after `up`). Seeds now sort before any other node.
    channel.addAddressGenerator(() -> address(seed));
    return channel;
  }

  /** A random JGroups address that sorts before every non-seed's when {@code seed} (UUID order is signed). */
  static UUID address(boolean seed) {
    UUID random = UUID.randomUUID();
    long high = random.getMostSignificantBits();
    return new UUID(seed ? high | Long.MIN_VALUE : high & Long.MAX_VALUE, random.getLeastSignificantBits());
  }
}
