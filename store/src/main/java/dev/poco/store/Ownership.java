package dev.poco.store;

import dev.poco.contract.StoreOp;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Exactly one store owns the data. A second store node in a cluster would register the same addresses, and the bus
 * would deal requests round-robin between two SQLite owners; two processes on one file would each think they own it.
 * So before serving, a store asks the cluster whether a store already answers (over the bus, whatever the cluster
 * manager), and takes an OS lock beside the database file (released by the OS when the process dies, even by
 * SIGKILL).
 */
final class Ownership {
  private Ownership() {}

  /** One probe's reply timeout: a live store answers in about a millisecond. */
  static final long PROBE_TIMEOUT_MS = 1_000;
  /**
   * How long a store registration that does not answer is waited out: a node killed a moment ago stays routable
   * until the cluster drops it (1-1.5 s after SIGKILL, 5 s for a frozen node with our JGroups settings).
   */
  static final long SILENT_OWNER_WAIT_MS = 15_000;

  /** Succeeds when no other store answers on the bus; fails with a message for the operator when one does. */
  static Future<Void> noOtherStore(Vertx vertx, String self, long deadline) {
    return vertx.eventBus().<JsonObject>request(StoreOp.INFO.address(), new JsonObject(),
            new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS))
        .transform(ar -> {
          if (ar.succeeded()) return Future.failedFuture(taken(ar.result()));
          if (ar.cause() instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
            return Future.succeededFuture();
          }
          if (System.currentTimeMillis() > deadline) {
            return Future.failedFuture(new IllegalStateException("another store is registered in this cluster but"
                + " does not answer (" + ar.cause().getMessage() + "); a cluster has exactly one store node. Not"
                + " starting a second one."));
          }
          Promise<Void> again = Promise.promise();
          vertx.setTimer(200, t -> noOtherStore(vertx, self, deadline).onComplete(again));
          return again.future();
        });
  }

  /**
   * After registering: two stores that started at the same moment both found nobody. A few probes reach every
   * registration (the bus deals them round-robin); if another store answers, the one with the greater node id
   * backs off, so exactly one stays.
   */
  static Future<Void> stillAlone(Vertx vertx, String self, int probes) {
    List<Future<Message<JsonObject>>> answers = new ArrayList<>();
    for (int i = 0; i < probes; i++) {
      answers.add(vertx.eventBus().request(StoreOp.INFO.address(), new JsonObject(),
          new DeliveryOptions().setSendTimeout(PROBE_TIMEOUT_MS)));
    }
    return Future.join(answers).transform(ar -> {
      for (Future<Message<JsonObject>> f : answers) {
        if (f.failed()) continue;
        String other = f.result().headers().get(StoreOp.NODE_HEADER);
        if (other != null && !other.equals(self) && self.compareTo(other) > 0) {
          return Future.failedFuture(taken(f.result()));
        }
      }
      return Future.succeededFuture();
    });
  }

  private static IllegalStateException taken(Message<JsonObject> reply) {
    JsonObject info = reply.body() == null ? new JsonObject() : reply.body();
    String node = info.getString("node_id", reply.headers().get(StoreOp.NODE_HEADER));
    return new IllegalStateException("another store already serves this cluster (node " + node + ", "
        + info.getString("backend", "?") + " at " + info.getString("path", "?") + "); a cluster has exactly one"
        + " store node. Not starting a second one: stop the other store first, or run this node without the store"
        + " role.");
  }

  /** Takes {@code <db>.lock}; blocking file I/O, so call it off the event loop. */
  static FileChannel lockFile(String dbPath) throws IOException {
    Path lockPath = Path.of(dbPath + ".lock");
    FileChannel ch = DbFiles.openLock(lockPath);
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null; // held by this very JVM
    }
    if (lock == null) {
      ch.close();
      throw new IllegalStateException("another process already serves the database " + dbPath + " (it holds " + lockPath
          + "); exactly one store may own a database file. Not starting a second one.");
    }
    return ch;
  }
}
