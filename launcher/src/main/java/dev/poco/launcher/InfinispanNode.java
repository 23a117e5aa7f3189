package dev.poco.launcher;

import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.cluster.infinispan.InfinispanClusterManager;
import org.infinispan.manager.DefaultCacheManager;
import org.jgroups.JChannel;
import org.jgroups.PhysicalAddress;
import org.jgroups.stack.IpAddress;

/**
 * Vert.x's Infinispan cluster manager on a cache manager and JGroups channel that PoCo built (JGroupsStack).
 * Vert.x leaves a cache manager it was given running when it closes; this one stops it then, so a closing
 * node leaves the JGroups view at once (its peers see it go) and its sockets and threads end.
 */
final class InfinispanNode extends InfinispanClusterManager {
  private final DefaultCacheManager caches;
  private final JChannel channel;
  private Vertx vertx;

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
  public void leave(Completable<Void> promise) {
    Promise<Void> left = Promise.promise();
    super.leave(left);
    // stopping the cache manager blocks (the JGroups leave round), so it runs on a worker
    left.future().compose(v -> vertx.<Void>executeBlocking(() -> {
      caches.stop();
      return null;
    }, false)).onComplete(promise);
  }

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
