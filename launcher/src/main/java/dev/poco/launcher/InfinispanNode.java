package dev.poco.launcher;

import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.ext.cluster.infinispan.InfinispanClusterManager;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.event.MergeEvent;
import org.jgroups.JChannel;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.IpAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x's Infinispan cluster manager on a cache manager and JGroups channel that PoCo built (JGroupsStack).
 * Vert.x leaves a cache manager it was given running when it closes; this one stops it then, so a closing
 * node leaves the JGroups view at once (its peers see it go) and its sockets and threads end.
 *
 * <p>It also puts this node's entries back after a merge. When two partitions merge (two seeds that started
 * together, a split that healed, a restarted node that formed a cluster alone before it found the others),
 * Infinispan keeps the replicated caches of one partition and drops the other's ("ISPN000517: Ignoring cache
 * topology … during merge"): that partition's nodes vanish from {@code __vertx.nodeInfo} ("Not a member of the
 * cluster") and their consumers from {@code __vertx.subs}. vertx-infinispan 5.0.7 does not re-register them
 * (Hazelcast's manager did, on MERGED), so this node writes its own again.
 */
final class InfinispanNode extends InfinispanClusterManager {
  private static final Logger log = LoggerFactory.getLogger(InfinispanNode.class);
  /** A second write after the merge, once the merged caches' state transfer has surely settled. */
  private static final long REPUBLISH_AGAIN_MS = 3_000;

  private final DefaultCacheManager caches;
  private final JChannel channel;
  /** This node's own consumers, as it registered them: what it writes back after a merge. */
  private final Map<String, Set<RegistrationInfo>> own = new ConcurrentHashMap<>();
  private volatile Vertx vertx;

  InfinispanNode(DefaultCacheManager caches, JChannel channel) {
    super(caches);
    this.caches = caches;
    this.channel = channel;
  }

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    this.vertx = vertx;
  }

  @Override
  public void join(Completable<Void> promise) {
    Promise<Void> joined = Promise.promise();
    super.join(joined);
    joined.future().onSuccess(v -> caches.addListener(new MergeListener())).onComplete(promise);
  }

  @Override
  public void addRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    own.computeIfAbsent(address, a -> ConcurrentHashMap.newKeySet()).add(info);
    super.addRegistration(address, info, promise);
  }

  @Override
  public void removeRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    Set<RegistrationInfo> infos = own.get(address);
    if (infos != null) infos.remove(info);
    super.removeRegistration(address, info, promise);
  }

  /** Writes this node's node info and consumers again (idempotent: the caches hold sets keyed by node). */
  private void republish() {
    if (!isActive()) return;
    NodeInfo info = getNodeInfo();
    if (info != null) setNodeInfo(info, logged("node info"));
    own.forEach((address, infos) -> infos.forEach(i -> super.addRegistration(address, i, logged(address))));
  }

  private <T> Promise<T> logged(String what) {
    Promise<T> p = Promise.promise();
    p.future().onFailure(e -> log.warn("re-registering {} after a merge failed: {}", what, e.toString()));
    return p;
  }

  @Listener(sync = false)
  public final class MergeListener {
    @Merged
    public void merged(MergeEvent e) {
      Vertx v = vertx;
      if (v == null) return;
      v.runOnContext(x -> republish());
      v.setTimer(REPUBLISH_AGAIN_MS, id -> republish());
    }
  }

  @Override
  public void leave(Completable<Void> promise) {
    Promise<Void> left = Promise.promise();
    super.leave(left);
    // stopping the cache manager blocks (the JGroups leave round), so it runs on a worker
    left.future().compose(v -> vertx.<Void>executeBlocking(() -> {
      caches.stop();
      return null;
    }, false)).onComplete(promise);
  }

  DefaultCacheManager caches() { return caches; }

  JChannel channel() { return channel; }

  /** This node's JGroups transport address (host and cluster port), as peers and the cluster-members file see it. */
  IpAddress physicalAddress() {
    PhysicalAddress a = channel.getProtocolStack().getTransport().localPhysicalAddress();
    return (IpAddress) a;
  }

  /** {@code host:port} of the JGroups transport, IPv6 in brackets. */
  String hostPort() {
    IpAddress a = physicalAddress();
    return ClusterAddresses.hostPort(a.getIpAddress(), a.getPort());
  }
}
