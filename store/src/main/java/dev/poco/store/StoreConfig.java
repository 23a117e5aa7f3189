package dev.poco.store;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Where the store keeps its data, read from the flat POCO_* config.
 *
 * @param path the absolute database file, or {@code :memory:} for the memory backend
 */
record StoreConfig(String backend, String path, String jdbcUrl) {
  static final String SQLITE = "sqlite";
  static final String MEMORY = "memory";

  // sqlite-jdbc applies URL pragmas to every connection it opens (VERTX.md §2).
  private static final String PRAGMAS = "journal_mode=WAL&synchronous=NORMAL&busy_timeout=5000&foreign_keys=on";
  // memdb (not cache=shared): shared-cache readers fail at once with SQLITE_LOCKED while a flush holds a table,
  // memdb uses ordinary locks, so busy_timeout makes them wait. It has no WAL.
  private static final String MEMORY_PRAGMAS = "busy_timeout=5000&foreign_keys=on";

  static StoreConfig from(Settings settings) {
    String backend = settings.str(ConfigKeys.STATE_BACKEND, SQLITE).toLowerCase(Locale.ROOT);
    if (backend.equals(MEMORY)) {
      String name = "poco-" + UUID.randomUUID();
      return new StoreConfig(MEMORY, ":memory:", "jdbc:sqlite:file:/" + name + "?vfs=memdb&" + MEMORY_PRAGMAS);
    }
    if (!backend.equals(SQLITE)) {
      throw new IllegalArgumentException(ConfigKeys.STATE_BACKEND + " must be sqlite or memory, got '" + backend + "'");
    }
    String home = expand(settings.str(ConfigKeys.HOME, "~/.poco"), null);
    String path = expand(settings.str(ConfigKeys.STATE_DB_PATH, "poco.db"), home);
    // sqlite-jdbc reads everything after the first '?' as pragmas.
    if (path.contains("?")) throw new IllegalArgumentException(ConfigKeys.STATE_DB_PATH + " must not contain '?'");
    return new StoreConfig(SQLITE, path, "jdbc:sqlite:" + path + "?" + PRAGMAS);
  }

  boolean memory() { return backend.equals(MEMORY); }

  /** "~/x" under the user's home; a relative path under {@code base} (POCO_HOME), never the working directory. */
  static String expand(String path, String base) {
    String home = System.getProperty("user.home");
    if (path.equals("~")) path = home;
    else if (path.startsWith("~/")) path = home + path.substring(1);
    Path p = Path.of(path);
    if (!p.isAbsolute() && base != null) p = Path.of(base).resolve(p);
    return p.toAbsolutePath().normalize().toString();
  }
}
