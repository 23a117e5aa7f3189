package dev.poco.store;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit. Writes queue here; when no flush is running, one starts and takes everything queued: one
 * {@code BEGIN IMMEDIATE … COMMIT} on the single write connection, then each caller gets its own outcome. A reply
 * therefore means committed. Runs of batchable statements with the same SQL go as one JDBC batch inside a
 * savepoint; if the batch fails it is rolled back to the savepoint and replayed one by one, so one bad write fails
 * alone. Confined to the verticle's event loop.
 */
final class WriteQueue {
  private static final Logger log = LoggerFactory.getLogger(WriteQueue.class);
  /** Bounds one transaction, so a flood still commits (and replies) in slices. */
  static final int MAX_FLUSH = 4096;

  private final Pool pool;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>();
  private boolean flushing;
  private boolean closed;
  private Promise<Void> drained;
  private long flushes;
  private long written;

  WriteQueue(Pool pool) { this.pool = pool; }

  Future<JsonObject> submit(Write write) {
    if (closed) return Future.failedFuture(Bus.error(Failures.UNAVAILABLE, "store is stopping"));
    Pending p = new Pending(write);
    queue.add(p);
    if (!flushing) flush();
    return p.promise.future();
  }

  /** Refuses new writes and completes once every queued one has been committed and answered. */
  Future<Void> close() {
    closed = true;
    if (!flushing) return Future.succeededFuture();
    drained = Promise.promise();
    return drained.future();
  }

  long flushes() { return flushes; }

  long written() { return written; }

  private void flush() {
    List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_FLUSH));
    while (!queue.isEmpty() && batch.size() < MAX_FLUSH) batch.add(queue.poll());
    flushing = true;
    // A lone statement is its own transaction in autocommit mode: one worker hop instead of three
    // (BEGIN, statement, COMMIT), which is most of an idle store's write latency.
    Future<Void> work = batch.size() == 1 && batch.get(0).write instanceof Write.Stmt
        ? pool.withConnection(conn -> runOne(conn, batch.get(0)))
        : Sql.inImmediateTx(pool, conn -> run(conn, batch, 0));
    work.onComplete(ar -> {
      flushing = false;
      flushes++;
      written += batch.size();
      if (ar.failed()) log.warn("store flush of {} writes rolled back: {}", batch.size(), ar.cause().toString());
      for (Pending p : batch) p.settle(ar.cause());
      if (!queue.isEmpty()) flush();
      else if (drained != null) drained.complete();
    });
  }

  private Future<Void> run(SqlConnection conn, List<Pending> batch, int from) {
    if (from == batch.size()) return Future.succeededFuture();
    int to = from + 1;
    if (batch.get(from).write instanceof Write.Stmt first && first.batchable()) {
      while (to < batch.size() && batch.get(to).write instanceof Write.Stmt next && next.batchable()
          && next.sql().equals(first.sql())) {
        to++;
      }
    }
    int end = to;
    Future<Void> step = end - from > 1 ? runBatch(conn, batch.subList(from, end)) : runOne(conn, batch.get(from));
    return step.compose(v -> run(conn, batch, end));
  }

  private Future<Void> runBatch(SqlConnection conn, List<Pending> group) {
    String sql = ((Write.Stmt) group.get(0).write).sql();
    List<Tuple> rows = new ArrayList<>(group.size());
    for (Pending p : group) rows.add(((Write.Stmt) p.write).args());
    return Sql.run(conn, "SAVEPOINT batch")
        .compose(v -> conn.preparedQuery(sql).executeBatch(rows))
        .compose(rs -> Sql.run(conn, "RELEASE batch"))
        .map(v -> {
          for (Pending p : group) p.reply = new JsonObject();
          return (Void) null;
        })
        .recover(err -> {
          log.debug("batch of {} failed ({}); replaying one by one", group.size(), err.toString());
          return Sql.run(conn, "ROLLBACK TO batch").compose(v -> Sql.run(conn, "RELEASE batch"))
              .compose(v -> runEach(conn, group, 0));
        });
  }

  private Future<Void> runEach(SqlConnection conn, List<Pending> group, int i) {
    if (i == group.size()) return Future.succeededFuture();
    return runOne(conn, group.get(i)).compose(v -> runEach(conn, group, i + 1));
  }

  private Future<Void> runOne(SqlConnection conn, Pending p) {
    if (p.write instanceof Write.Stmt s) {
      // SQLite backs out just the failing statement (see SqlErrors.statementOnly); no savepoint needed.
      return conn.preparedQuery(s.sql()).execute(s.args()).transform(ar -> {
        if (ar.failed() && !SqlErrors.statementOnly(ar.cause())) return Future.failedFuture(ar.cause());
        try {
          if (ar.failed()) p.error = s.errors().apply(ar.cause());
          else p.reply = s.batchable() ? new JsonObject() : s.counted().apply(ar.result().rowCount());
        } catch (RuntimeException e) {
          p.error = s.errors().apply(e);
        }
        return Future.succeededFuture();
      });
    }
    Write.Unit u = (Write.Unit) p.write;
    return Sql.run(conn, "SAVEPOINT unit")
        .compose(v -> u.work().apply(conn))
        .compose(reply -> Sql.run(conn, "RELEASE unit").map(reply))
        .transform(ar -> {
          if (ar.succeeded()) {
            p.reply = ar.result();
            return Future.succeededFuture();
          }
          return Sql.run(conn, "ROLLBACK TO unit").compose(v -> Sql.run(conn, "RELEASE unit"))
              .map(v -> {
                p.error = u.errors().apply(ar.cause());
                return (Void) null;
              });
        });
  }

  private static final class Pending {
    final Write write;
    final Promise<JsonObject> promise = Promise.promise();
    JsonObject reply;
    Throwable error;

    Pending(Write write) { this.write = write; }

    void settle(Throwable flushError) {
      if (flushError != null) promise.fail(flushError);
      else if (error != null) promise.fail(error);
      else promise.complete(reply);
    }
  }
}
