package dev.poco.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.function.Function;
import java.util.function.IntFunction;

/** One queued write, applied by {@link WriteQueue} inside a shared transaction. */
sealed interface Write {
  /** Maps a failure of this write to what its caller should see (404, 409, ...); others pass through. */
  Function<Throwable, Throwable> errors();

  /**
   * One statement. With {@code counted} null it replies {} whatever it changed, so neighbours with the same SQL
   * run as one JDBC batch; otherwise its reply is built from the changed-row count and it runs alone.
   */
  record Stmt(String sql, Tuple args, IntFunction<JsonObject> counted, Function<Throwable, Throwable> errors)
      implements Write {
    boolean batchable() { return counted == null; }
  }

  /** Several statements that stand or fall together: run inside their own savepoint. */
  record Unit(Function<SqlConnection, Future<JsonObject>> work, Function<Throwable, Throwable> errors)
      implements Write {}

  static Write upsert(String sql, Tuple args, Function<Throwable, Throwable> errors) {
    return new Stmt(sql, args, null, errors);
  }

  static Write counted(String sql, Tuple args, IntFunction<JsonObject> reply) {
    return new Stmt(sql, args, reply, SqlErrors.asIs());
  }
}
