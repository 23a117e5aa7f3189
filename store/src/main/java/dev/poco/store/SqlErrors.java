package dev.poco.store;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.vertx.core.eventbus.ReplyException;
import java.util.function.Function;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Turns SQLite errors into the failure codes callers understand. */
final class SqlErrors {
  private SqlErrors() {}

  private static final int SQLITE_ERROR = 1, SQLITE_TOOBIG = 18, SQLITE_CONSTRAINT = 19, SQLITE_MISMATCH = 20,
      SQLITE_RANGE = 25;

  static SQLiteErrorCode code(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof SQLiteException se) return se.getResultCode();
    }
    return null;
  }

  static boolean foreignKey(Throwable err) { return code(err) == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY; }

  static boolean duplicate(Throwable err) {
    SQLiteErrorCode c = code(err);
    return c == SQLiteErrorCode.SQLITE_CONSTRAINT_PRIMARYKEY || c == SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE;
  }

  /**
   * True when SQLite backed out only the failing statement and the surrounding transaction goes on, so one bad
   * write need not sink its flush. Other errors (I/O, full disk, busy) may roll the whole transaction back.
   */
  static boolean statementOnly(Throwable err) {
    if (err instanceof ReplyException) return true;
    SQLiteErrorCode c = code(err);
    if (c == null) return false;
    int primary = c.code & 0xff;
    return primary == SQLITE_CONSTRAINT || primary == SQLITE_ERROR || primary == SQLITE_TOOBIG
        || primary == SQLITE_MISMATCH || primary == SQLITE_RANGE;
  }

  /** A write that names a project: a foreign-key failure means the project does not exist. */
  static Function<Throwable, Throwable> projectMustExist(String projectId) {
    return err -> foreignKey(err) ? Bus.error(Failures.NOT_FOUND, "project '" + projectId + "' does not exist") : err;
  }

  static Function<Throwable, Throwable> asIs() { return err -> err; }
}
