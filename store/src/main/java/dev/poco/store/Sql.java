package dev.poco.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** SQL plumbing shared by the row classes. */
final class Sql {
  private Sql() {}

  /**
   * Runs {@code work} in {@code BEGIN IMMEDIATE … COMMIT} on one pooled connection. Never withTransaction or
   * begin(): vertx-jdbc-client 5.0.10 leaves the connection at autocommit=false afterwards
   * (vert-x3/vertx-jdbc-client#356, VERTX.md §2). On any failure, including COMMIT's, it rolls back so the
   * pooled connection is never left inside a transaction.
   */
  static <T> Future<T> inImmediateTx(Pool pool, Function<SqlConnection, Future<T>> work) {
    return pool.withConnection(conn -> conn.query("BEGIN IMMEDIATE").execute()
        .compose(v -> work.apply(conn))
        .compose(r -> conn.query("COMMIT").execute().map(r))
        .recover(err -> conn.query("ROLLBACK").execute().transform(x -> Future.<T>failedFuture(err))));
  }

  static Future<Void> run(SqlClient client, String sql) {
    return client.query(sql).execute().mapEmpty();
  }

  /** A tuple that, unlike {@code Tuple.of}, takes nulls anywhere. */
  static Tuple args(Object... values) {
    return Tuple.wrap(new ArrayList<>(Arrays.asList(values)));
  }

  static Future<Void> batch(SqlConnection conn, String sql, List<Tuple> rows) {
    return rows.isEmpty() ? Future.succeededFuture() : conn.preparedQuery(sql).executeBatch(rows).mapEmpty();
  }

  static Future<Integer> userVersion(SqlClient client) {
    return client.query("PRAGMA user_version").execute().map(rs -> rs.iterator().next().getInteger(0));
  }
}
