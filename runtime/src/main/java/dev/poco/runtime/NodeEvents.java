package dev.poco.runtime;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.NodeListener;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Cluster membership for any number of listeners. The cluster manager has one node-listener slot per Vertx
 * (VERTX.md §3, pitfall 7; HA stays off so nobody else takes it): this class takes it once and republishes each
 * change on the local event bus, where every role subscribes on its own context.
 */
public final class NodeEvents {
  private NodeEvents() {}

  /** Local publish: a cluster node joined. Body: its node id. */
  public static final String NODE_ADDED = "poco.cluster.node.added";
  /** Local publish: a cluster node left (or was declared dead). Body: its node id. */
  public static final String NODE_LEFT = "poco.cluster.node.left";

  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);
  private static final Set<Vertx> installed = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  /** Takes the node-listener slot of a clustered Vertx, once; does nothing for a local one. */
  public static void install(Vertx vertx) {
    if (!vertx.isClustered() || !installed.add(vertx)) return;
    ((VertxInternal) vertx).clusterManager().nodeListener(new NodeListener() {
      @Override public void nodeAdded(String nodeId) { vertx.eventBus().publish(NODE_ADDED, nodeId, LOCAL); }

      @Override public void nodeLeft(String nodeId) { vertx.eventBus().publish(NODE_LEFT, nodeId, LOCAL); }
    });
  }

  /** Calls {@code handler} on the caller's context with each departed node id; unregister the consumer to stop. */
  public static MessageConsumer<String> onLeft(Vertx vertx, Handler<String> handler) {
    install(vertx);
    return vertx.eventBus().<String>localConsumer(NODE_LEFT, m -> handler.handle(m.body()));
  }

  /** This node's cluster id, or "local" when not clustered. */
  public static String selfId(Vertx vertx) {
    return vertx.isClustered() ? ((VertxInternal) vertx).clusterManager().getNodeId() : "local";
  }
}
