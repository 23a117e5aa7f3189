package dev.poco.launcher;

import dev.poco.contract.Addresses;

import dev.poco.contract.ServingRules;
import io.vertx.core.Completable;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Counter;
import io.vertx.core.shareddata.Lock;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.core.spi.cluster.NodeListener;
import io.vertx.core.spi.cluster.RegistrationInfo;
import io.vertx.core.spi.cluster.RegistrationListener;
import io.vertx.core.spi.cluster.RegistrationUpdateEvent;
import java.security.cert.X509CRL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster manager Vert.x sees in a trusted cluster: the real one, except that the event bus is only told about
 * registrations that a node may serve ({@link ServingRules}) by the roles its verified certificate names. The bus
 * picks destinations from {@link #getRegistrations} and the {@link RegistrationListener} updates, so a node that
 * registers an address its certificate does not allow (a runner-only node registering the store's addresses, a
 * runner claiming another runner's id, a node without a certificate at all) is never chosen as a destination.
 * Each node publishes its certificate and a signature binding it to its node id and bus address in its node info
 * ({@link NodeSeal}); another node's identity is believed only after checking that seal against the cluster's CA.
 */
final class GuardedClusterManager implements ClusterManager {
  private static final Logger log = LoggerFactory.getLogger(GuardedClusterManager.class);

  private final ClusterManager real;
  private final ClusterCredentials own;
  private final Supplier<X509CRL> crl;
  /** Node id → its verified identity, or why it has none; re-checked against the CRL on each use. */
  private final Map<String, NodeSeal.Verdict> verdicts = new ConcurrentHashMap<>();
  /** What was refused already, so a refusal is logged once, not on every lookup. */
  private final Set<String> logged = ConcurrentHashMap.newKeySet();
  /** Per address, the last filtered update: updates are forwarded in the order they came. */
  private final Map<String, Future<?>> updates = new java.util.HashMap<>();
  /** Per address, the registrations as the real manager last gave them: filtered again when a node is revoked. */
  private final Map<String, List<RegistrationInfo>> raw = new ConcurrentHashMap<>();
  private volatile RegistrationListener busListener;
  private volatile NodeListener nodeListener;

  GuardedClusterManager(ClusterManager real, ClusterCredentials own, Supplier<X509CRL> crl) {
    this.real = real;
    this.own = own;
    this.crl = crl;
  }

  /** The manager this one guards (for what only it knows: membership details for health and logs). */
  ClusterManager real() { return real; }

  @Override public void init(Vertx vertx) { real.init(vertx); }

  @Override public void setNodeInfo(NodeInfo nodeInfo, Completable<Void> promise) {
    JsonObject meta = nodeInfo.metadata() == null ? new JsonObject() : nodeInfo.metadata().copy();
    NodeSeal.seal(meta, own, getNodeId(), nodeInfo.host(), nodeInfo.port());
    real.setNodeInfo(new NodeInfo(nodeInfo.host(), nodeInfo.port(), meta), promise);
  }

  @Override public void getRegistrations(String address, Completable<List<RegistrationInfo>> promise) {
    Promise<List<RegistrationInfo>> all = Promise.promise();
    real.getRegistrations(address, all);
    all.future().onSuccess(list -> remember(address, list)).compose(list -> allowed(address, list)).onComplete(promise);
  }

  @Override public void registrationListener(RegistrationListener listener) {
    busListener = listener;
    real.registrationListener(new RegistrationListener() {
      @Override public void registrationsUpdated(RegistrationUpdateEvent event) {
        remember(event.address(), event.registrations());
        forward(event.address(), event.registrations());
      }

      @Override public void registrationsLost() { listener.registrationsLost(); }

      @Override public boolean wantsUpdatesFor(String address) { return listener.wantsUpdatesFor(address); }
    });
  }

  private void remember(String address, List<RegistrationInfo> list) {
    if (address.startsWith("poco.")) raw.put(address, List.copyOf(list));
  }

  /** Filters and hands an update to the bus, after the address's previous update. */
  private void forward(String address, List<RegistrationInfo> registrations) {
    RegistrationListener listener = busListener;
    if (listener == null) return;
    Promise<Void> gate = Promise.promise(); // completed outside the lock: the chain may run synchronously
    Future<?> next;
    synchronized (updates) {
      Future<?> previous = updates.get(address);
      Future<Void> start = previous == null ? gate.future()
          : gate.future().compose(v -> previous.transform(ar -> Future.<Void>succeededFuture()));
      next = start.compose(v -> allowed(address, registrations))
          .onSuccess(list -> listener.registrationsUpdated(new RegistrationUpdateEvent(address, list)));
      updates.put(address, next);
    }
    gate.complete();
    next.onComplete(ar -> {
      synchronized (updates) {
        updates.remove(address, next);
      }
    });
  }

  /**
   * A newer revocation list arrived: a node it revokes is, for this node, gone at once. Its registrations are
   * filtered out of every address the bus routes, and the roles hear it left (the orchestrator ends its tasks
   * {@code interrupted}), without waiting for the membership to drop it.
   */
  void revocationsChanged(X509CRL crl) {
    verdicts.forEach((nodeId, v) -> {
      if (v.cert() != null && crl.isRevoked(v.cert())) {
        log.warn("cluster node {} ({}) is revoked: nothing more is routed to it; it counts as left", nodeId,
            v.identity().node());
        NodeListener l = nodeListener;
        if (l != null) l.nodeLeft(nodeId);
      }
    });
    RegistrationListener listener = busListener;
    raw.forEach((address, list) -> {
      if (listener != null && listener.wantsUpdatesFor(address)) forward(address, list);
    });
  }

  /** The registrations whose node may serve {@code address}. */
  private Future<List<RegistrationInfo>> allowed(String address, List<RegistrationInfo> registrations) {
    if (!address.startsWith("poco.") || registrations.isEmpty()) return Future.succeededFuture(registrations);
    List<Future<Boolean>> checks = new ArrayList<>();
    for (RegistrationInfo r : registrations) checks.add(verdict(r.nodeId()).map(v -> mayServe(address, r, v)));
    return Future.all(checks).map(cf -> {
      List<RegistrationInfo> kept = new ArrayList<>();
      for (int i = 0; i < registrations.size(); i++) if (checks.get(i).result()) kept.add(registrations.get(i));
      return kept;
    });
  }

  private boolean mayServe(String address, RegistrationInfo r, NodeSeal.Verdict v) {
    X509CRL list = crl.get();
    // A revoked node still hears the revocation list: that is how it learns to stop (exit 3). Left out, it kept
    // running, and its runner heartbeats kept registering it with the orchestrator.
    if (address.equals(Addresses.CLUSTER_CRL) && v.cert() != null && list != null && list.isRevoked(v.cert())) {
      return true;
    }
    String refusal = v.refusal(list);
    if (refusal == null && ServingRules.mayServe(address, v.identity().roles(), v.identity().node(), r.nodeId())) {
      return true;
    }
    String why = refusal != null ? refusal
        : "node " + v.identity().node() + "'s certificate (roles " + v.identity().roles() + ") does not allow serving it";
    if (logged.add(address + " " + r.nodeId())) {
      log.warn("not routing {} to cluster node {}: {}", address, r.nodeId(), why);
    }
    return false;
  }

  /** The node's verdict: cached once its node info could be read and checked. */
  private Future<NodeSeal.Verdict> verdict(String nodeId) {
    NodeSeal.Verdict known = verdicts.get(nodeId);
    if (known != null) return Future.succeededFuture(known);
    Promise<NodeInfo> info = Promise.promise();
    real.getNodeInfo(nodeId, info);
    return info.future().map(ni -> {
      NodeSeal.Verdict v = NodeSeal.verify(ni, nodeId, own);
      verdicts.put(nodeId, v);
      return v;
    }).recover(err -> Future.succeededFuture(NodeSeal.Verdict.refused("its node info cannot be read ("
        + err.getMessage() + ")")));
  }

  // ---- the rest goes to the real manager unchanged ----

  @Override public <K, V> void getAsyncMap(String name, Completable<AsyncMap<K, V>> promise) { real.getAsyncMap(name, promise); }

  @Override public <K, V> Map<K, V> getSyncMap(String name) { return real.getSyncMap(name); }

  @Override public void getLockWithTimeout(String name, long timeout, Completable<Lock> promise) {
    real.getLockWithTimeout(name, timeout, promise);
  }

  @Override public void getCounter(String name, Completable<Counter> promise) { real.getCounter(name, promise); }

  @Override public String getNodeId() { return real.getNodeId(); }

  @Override public List<String> getNodes() { return real.getNodes(); }

  @Override public void nodeListener(NodeListener listener) {
    nodeListener = listener;
    real.nodeListener(new NodeListener() {
      @Override public void nodeAdded(String nodeId) { listener.nodeAdded(nodeId); }

      @Override public void nodeLeft(String nodeId) {
        verdicts.remove(nodeId);
        listener.nodeLeft(nodeId);
      }
    });
  }

  @Override public NodeInfo getNodeInfo() { return real.getNodeInfo(); }

  @Override public void getNodeInfo(String nodeId, Completable<NodeInfo> promise) { real.getNodeInfo(nodeId, promise); }

  @Override public void join(Completable<Void> promise) { real.join(promise); }

  @Override public void leave(Completable<Void> promise) { real.leave(promise); }

  @Override public boolean isActive() { return real.isActive(); }

  @Override public void addRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    real.addRegistration(address, info, promise);
  }

  @Override public void removeRegistration(String address, RegistrationInfo info, Completable<Void> promise) {
    real.removeRegistration(address, info, promise);
  }

  @Override public String clusterHost() { return real.clusterHost(); }

  @Override public String clusterPublicHost() { return real.clusterPublicHost(); }
}
