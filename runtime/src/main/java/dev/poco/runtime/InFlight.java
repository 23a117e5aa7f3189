package dev.poco.runtime;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Requests in flight, by the cluster node that serves them. A request already sent to a node that dies waits out
 * its whole reply timeout (VERTX.md §3, pitfall 4); {@link #nodeLeft} fails all of them at once with 503 as soon
 * as the cluster says the node is gone, so the caller can retry elsewhere or report it. A request for a node that
 * recently left fails at once instead of being sent down a stale route (pitfall 5).
 * Thread-safe; futures complete on the thread that completes the request or calls {@link #nodeLeft}.
 */
public final class InFlight {
  /** How many departed nodes are remembered; node ids are random, a restarted node gets a new one. */
  static final int REMEMBER_LEFT = 64;

  private final Map<String, Set<Promise<?>>> byNode = new HashMap<>();
  private final LinkedHashSet<String> left = new LinkedHashSet<>();

  /** {@link Bus#request} to {@code address}, served by cluster node {@code nodeId} (null: untracked). */
  public Future<JsonObject> request(EventBus bus, String address, JsonObject body, long timeoutMs, String nodeId) {
    if (nodeId != null && hasLeft(nodeId)) return Future.failedFuture(lost(nodeId));
    return track(nodeId, Bus.request(bus, address, body, timeoutMs));
  }

  /** The request's outcome, or a 503 as soon as {@code nodeId} leaves first. A null node is not tracked. */
  public <T> Future<T> track(String nodeId, Future<T> request) {
    if (nodeId == null) return request;
    Promise<T> p = Promise.promise();
    synchronized (this) {
      if (left.contains(nodeId)) {
        p.fail(lost(nodeId));
        return p.future();
      }
      byNode.computeIfAbsent(nodeId, k -> new HashSet<>()).add(p);
    }
    request.onComplete(ar -> {
      forget(nodeId, p);
      if (ar.succeeded()) p.tryComplete(ar.result()); // no-op when nodeLeft failed it first
      else p.tryFail(ar.cause());
    });
    return p.future();
  }

  /** The cluster lost {@code nodeId}: fails what waits on it; returns how many requests that was. */
  public int nodeLeft(String nodeId) {
    List<Promise<?>> failing;
    synchronized (this) {
      left.add(nodeId);
      if (left.size() > REMEMBER_LEFT) left.remove(left.iterator().next());
      Set<Promise<?>> pending = byNode.remove(nodeId);
      failing = pending == null ? List.of() : new ArrayList<>(pending);
    }
    for (Promise<?> p : failing) p.tryFail(lost(nodeId));
    return failing.size();
  }

  public synchronized boolean hasLeft(String nodeId) { return left.contains(nodeId); }

  /** Requests still waiting, over all nodes. */
  public synchronized int pending() {
    int n = 0;
    for (Set<Promise<?>> s : byNode.values()) n += s.size();
    return n;
  }

  /** True when {@code err} is the failure {@link #nodeLeft} gives: the request may or may not have been served. */
  public static boolean isNodeLost(Throwable err) { return err instanceof NodeLostException; }

  private synchronized void forget(String nodeId, Promise<?> p) {
    Set<Promise<?>> s = byNode.get(nodeId);
    if (s != null && s.remove(p) && s.isEmpty()) byNode.remove(nodeId);
  }

  private static NodeLostException lost(String nodeId) { return new NodeLostException(nodeId); }

  /** A 503 like any other unavailability (see {@link Bus#code}), told apart by its type. */
  static final class NodeLostException extends ReplyException {
    NodeLostException(String nodeId) {
      super(ReplyFailure.RECIPIENT_FAILURE, Failures.UNAVAILABLE,
          "node " + nodeId + " left the cluster");
    }
  }
}
