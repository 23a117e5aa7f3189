package dev.poco.store;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskText;
import dev.poco.runtime.NodeEvents;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only owner of the SQLite file: serves every {@link StoreOp} request/reply. Writes go through one
 * connection with group commit ({@link WriteQueue}); reads go straight to a small read pool, which WAL lets run
 * beside the writer. Deploy exactly one instance per database: it refuses to start when another store answers on the
 * bus or holds the file ({@link Ownership}). Every reply names this node ({@link StoreOp#NODE_HEADER}), so a
 * caller can fail its requests at once when this node leaves the cluster.
 */
public class StoreVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(StoreVerticle.class);
  private static final int READ_POOL_SIZE = 4;
  private static final long PRUNE_EVERY_MS = 60 * 60 * 1000;

  private StoreConfig cfg;
  private Pool writes;
  private Pool reads;
  private Pool anchor;
  private SqlConnection anchorConn;
  private WriteQueue queue;
  private int schemaVersion;
  private long lastTouch;
  private long pruneTimer = -1;
  private String nodeId;
  private DeliveryOptions replyOptions;
  private FileChannel fileLock;

  @Override
  public Future<?> start() {
    try {
      cfg = StoreConfig.from(new Settings(config()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    nodeId = NodeEvents.selfId(vertx);
    replyOptions = new DeliveryOptions().addHeader(StoreOp.NODE_HEADER, nodeId);
    return Ownership.noOtherStore(vertx, nodeId, System.currentTimeMillis() + Ownership.SILENT_OWNER_WAIT_MS)
        .compose(v -> lockFile())
        .compose(v -> open())
        .compose(v -> Migrations.apply(writes, cfg.path()))
        .compose(version -> {
          schemaVersion = version;
          queue = new WriteQueue(writes);
          return queue.submit(AccessRows.pruneEvents(now()));
        })
        .compose(v -> {
          reads = pool("poco-store-reads", READ_POOL_SIZE);
          List<Future<Void>> ready = new ArrayList<>();
          for (StoreOp op : StoreOp.values()) {
            ready.add(vertx.eventBus().<Object>consumer(op.address(), msg -> serve(op, msg)).completion());
          }
          return Future.all(ready);
        })
        .compose(v -> Ownership.stillAlone(vertx, nodeId, 4))
        .onSuccess(v -> {
          pruneTimer = vertx.setPeriodic(PRUNE_EVERY_MS, id -> queue.submit(AccessRows.pruneEvents(now()))
              .onFailure(err -> log.warn("pruning seen events failed: {}", err.getMessage())));
          log.info("store ready: {} at {}, schema version {}, node {}", cfg.backend(), cfg.path(), schemaVersion,
              nodeId);
        })
        .onFailure(err -> {
          log.error("store failed to start: {}", err.getMessage());
          closePools().eventually(this::unlockFile);
        });
  }

  @Override
  public Future<?> stop() {
    if (pruneTimer >= 0) vertx.cancelTimer(pruneTimer);
    Future<Void> drained = queue == null ? Future.succeededFuture() : queue.close();
    return drained.eventually(this::closePools).eventually(this::unlockFile);
  }

  private Future<Void> lockFile() {
    if (cfg.memory()) return Future.succeededFuture();
    return vertx.executeBlocking(() -> {
      DbFiles.prepare(Path.of(cfg.path()));
      fileLock = Ownership.lockFile(cfg.path());
      return null;
    });
  }

  private Future<Void> unlockFile() {
    FileChannel ch = fileLock;
    fileLock = null;
    if (ch == null) return Future.succeededFuture();
    return vertx.executeBlocking(() -> {
      try {
        ch.close(); // releases the lock
      } catch (IOException e) {
        log.debug("closing the store lock file: {}", e.toString());
      }
      return null;
    });
  }

  private Future<Void> open() {
    if (cfg.memory()) {
      // An in-memory database lives as long as one connection to it: this one, held until stop.
      anchor = pool("poco-store-memdb-anchor", 1);
      return anchor.getConnection().map(conn -> {
        anchorConn = conn;
        writes = pool("poco-store-writes", 1);
        return null;
      });
    }
    Path parent = Path.of(cfg.path()).getParent();
    Future<Void> dir = parent == null ? Future.succeededFuture() : vertx.fileSystem().mkdirs(parent.toString());
    return dir.map(v -> {
      writes = pool("poco-store-writes", 1);
      return null;
    });
  }

  /** Named so each pool has its own {@code vertx_pool_*} meters (unnamed ones share one and Micrometer warns). */
  private Pool pool(String name, int size) {
    return JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(cfg.jdbcUrl()),
        new PoolOptions().setName(name).setMaxSize(size));
  }

  private Future<Void> closePools() {
    List<Future<Void>> closing = new ArrayList<>();
    if (reads != null) closing.add(reads.close());
    if (writes != null) closing.add(writes.close());
    Future<Void> anchored = anchorConn == null ? Future.succeededFuture() : anchorConn.close();
    closing.add(anchored.eventually(() -> anchor == null ? Future.succeededFuture() : anchor.close()));
    return Future.join(closing).mapEmpty();
  }

  private void serve(StoreOp op, Message<Object> msg) {
    Future<JsonObject> result;
    try {
      Object body = msg.body();
      if (body != null && !(body instanceof JsonObject)) {
        throw new IllegalArgumentException("body must be a JSON object");
      }
      result = handle(op, body == null ? new JsonObject() : (JsonObject) body);
    } catch (IllegalArgumentException | ClassCastException | DateTimeException | DecodeException e) {
      result = Future.failedFuture(Bus.error(Failures.BAD_REQUEST, text(e)));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      if (ar.succeeded()) msg.reply(ar.result(), replyOptions);
      else fail(op, msg, ar.cause());
    });
  }

  private Future<JsonObject> handle(StoreOp op, JsonObject b) {
    return switch (op) {
      case INFO -> info();
      case PROJECT_CREATE -> queue.submit(b.getString("event_key") == null
          ? ProjectRows.create(Project.fromJson(Bodies.object(b, "project")), now())
          : ProjectRows.createMarking(Project.fromJson(Bodies.object(b, "project")), b.getString("event_key"), now()));
      case PROJECT_GET -> ProjectRows.get(reads, Bodies.required(b, "project_id"));
      case PROJECT_BY_CHAT -> ProjectRows.byChat(reads, Bodies.required(b, "platform"), Bodies.required(b, "chat_id"));
      case PROJECT_LIST -> ProjectRows.list(reads);
      case PROJECT_DELETE -> queue.submit(ProjectRows.delete(Bodies.required(b, "project_id")));
      case PROJECT_PIN ->
          queue.submit(ProjectRows.pin(Bodies.required(b, "project_id"), b.getString("runner_id"), now()));
      case WORKSPACE_SAVE -> queue.submit(ProjectParts.saveWorkspace(Bodies.workspace(b)));
      case BINDING_SAVE -> queue.submit(ProjectParts.saveBinding(Bodies.binding(b)));
      case SESSION_SAVE ->
          queue.submit(ProjectParts.saveSession(AgentSession.fromJson(Bodies.object(b, "session")), now()));
      case SESSION_DELETE ->
          queue.submit(ProjectParts.deleteSession(Bodies.required(b, "project_id"), Bodies.required(b, "backend")));
      case PRESET_SAVE -> queue.submit(ProjectParts.savePreset(Bodies.preset(b)));
      case PRESET_DELETE ->
          queue.submit(ProjectParts.deletePreset(Bodies.required(b, "project_id"), Bodies.required(b, "path")));
      case RECENT_TOUCH -> queue.submit(
          ProjectParts.touchRecent(Bodies.required(b, "project_id"), Bodies.required(b, "path"), nextTouch()));
      case TASK_SAVE -> queue.submit(b.getString("event_key") == null ? TaskRows.save(Bodies.task(b), now())
          : TaskRows.saveMarking(Bodies.task(b), b.getString("event_key"), now()));
      case TASK_GET -> TaskRows.get(reads, Bodies.required(b, "task_id"));
      case TASK_LIST -> TaskRows.list(reads, TaskQuery.fromJson(b));
      case TASK_OUTPUT_APPEND -> queue.submit(TaskRows.appendOutput(Bodies.required(b, "task_id"),
          b.getLong("offset", 0L), Bodies.required(b, "text")));
      case TASK_OUTPUT_PAGE -> TaskRows.outputPage(reads, Bodies.required(b, "task_id"), b.getLong("offset", 0L),
          b.getInteger("limit", TaskText.PAGE_MAX_CHARS));
      case EVENT_MARK -> queue.submit(AccessRows.markEvent(Bodies.required(b, "key"), now()));
      case EVENT_CHECK -> AccessRows.eventSeen(reads, Bodies.required(b, "key"));
      case ACCESS_LIST -> AccessRows.list(reads);
      case ACCESS_ADD -> queue.submit(AccessRows.add(AccessEntry.fromJson(Bodies.object(b, "entry")), now()));
      case ACCESS_REMOVE ->
          queue.submit(AccessRows.remove(Bodies.required(b, "platform"), Bodies.required(b, "user_id")));
    };
  }

  private Future<JsonObject> info() {
    String sql = "SELECT (SELECT journal_mode FROM pragma_journal_mode) AS journal_mode,"
        + " (SELECT foreign_keys FROM pragma_foreign_keys) AS foreign_keys";
    return reads.query(sql).execute().map(rows -> {
      Row r = rows.iterator().next();
      return new JsonObject().put("backend", cfg.backend()).put("path", cfg.path()).put("node_id", nodeId)
          .put("schema_version", schemaVersion).put("journal_mode", r.getString("journal_mode"))
          .put("foreign_keys", r.getInteger("foreign_keys") == 1)
          .put("flushes", queue.flushes()).put("writes", queue.written());
    });
  }

  private void fail(StoreOp op, Message<?> msg, Throwable err) {
    if (err instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      msg.fail(re.failureCode(), re.getMessage());
      return;
    }
    log.warn("store {} failed", op.wire, err);
    msg.fail(Failures.INTERNAL, "store " + op.wire + " failed: " + text(err));
  }

  private static String text(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  private static long now() { return System.currentTimeMillis(); }

  /** Strictly increasing, so two touches in the same millisecond still order (the keep-10 trigger relies on it). */
  private long nextTouch() {
    lastTouch = Math.max(now(), lastTouch + 1);
    return lastTouch;
  }
}
