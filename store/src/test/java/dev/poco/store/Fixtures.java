package dev.poco.store;

import dev.poco.contract.ChatBinding;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Project;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.Workspace;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Test helpers: deploying the store, sample records, raw SQL on the file, failure codes. */
final class Fixtures {
  private Fixtures() {}

  static JsonObject config(Path db) {
    return new JsonObject().put(ConfigKeys.STATE_DB_PATH, db.toString());
  }

  static String deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config)).await();
  }

  static Project project(String id, String platform, String chatId) {
    Workspace ws = new Workspace(id, "/work/" + id, "manual", "codex", new JsonObject().put("model", "gpt-5"));
    return new Project(id, "Project " + id, platform, "ou_owner", 0, 0, null, ws,
        List.of(new ChatBinding(platform, chatId, id, null)), List.of(), List.of(), List.of());
  }

  static Task task(String id, String projectId, TaskStatus status, long createdAt) {
    return new Task.Builder().taskId(id).projectId(projectId).prompt("do " + id).status(status).backend("stub")
        .workdir("/work").origin(new ReplyTarget("feishu", "oc_1", null), "ou_1").createdAt(createdAt)
        .updatedAt(createdAt).build();
  }

  /** The failure code a call ended with (fails the test if it succeeded). */
  static int code(Future<?> call) {
    Throwable err = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    if (!(err instanceof ReplyException re)) throw new AssertionError("expected a failure reply, got " + err);
    return re.failureCode();
  }

  static String message(Future<?> call) {
    Throwable err = call.transform(ar -> Future.succeededFuture(ar.cause())).await();
    if (err == null) throw new AssertionError("expected a failure");
    return err.getMessage();
  }

  static Connection raw(Path db) throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + db);
  }

  static long count(Path db, String sql) throws SQLException {
    try (Connection c = raw(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      return rs.getLong(1);
    }
  }

  static String pragma(Path db, String name) throws SQLException {
    try (Connection c = raw(db); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("PRAGMA " + name)) {
      return rs.getString(1);
    }
  }

  static void exec(Path db, String... statements) throws SQLException {
    try (Connection c = raw(db); Statement st = c.createStatement()) {
      for (String sql : statements) st.execute(sql);
    }
  }
}
