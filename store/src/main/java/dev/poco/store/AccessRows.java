package dev.poco.store;

import dev.poco.contract.AccessEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/** The access list and the seen-event keys that make platform deliveries idempotent. */
final class AccessRows {
  private AccessRows() {}

  /** How long a seen key is remembered: platforms redeliver within minutes, never after days. */
  static final long EVENT_TTL_MS = 7L * 24 * 60 * 60 * 1000;

  static Write markEvent(String key, long now) {
    return Write.counted("INSERT OR IGNORE INTO processed_events (key, seen_at) VALUES (?, ?)", Tuple.of(key, now),
        n -> new JsonObject().put("fresh", n > 0));
  }

  static Future<JsonObject> eventSeen(Pool reads, String key) {
    return reads.preparedQuery("SELECT 1 FROM processed_events WHERE key = ?").execute(Tuple.of(key))
        .map(rows -> new JsonObject().put("seen", rows.size() > 0));
  }

  static Write pruneEvents(long now) {
    return Write.counted("DELETE FROM processed_events WHERE seen_at < ?", Tuple.of(now - EVENT_TTL_MS),
        n -> new JsonObject().put("pruned", n));
  }

  static Write add(AccessEntry e, long now) {
    return Write.counted("INSERT OR IGNORE INTO access (platform, user_id, role, added_at) VALUES (?, ?, ?, ?)",
        Tuple.of(e.platform(), e.userId(), e.role() == null ? "user" : e.role(),
            e.addedAt() == 0 ? now : e.addedAt()),
        n -> new JsonObject().put("added", n > 0));
  }

  static Write remove(String platform, String userId) {
    return Write.counted("DELETE FROM access WHERE platform = ? AND user_id = ?", Tuple.of(platform, userId),
        n -> new JsonObject().put("removed", n > 0));
  }

  static Future<JsonObject> list(Pool reads) {
    return reads.query("SELECT platform, user_id, role, added_at FROM access ORDER BY added_at, platform, user_id")
        .execute().map(rows -> {
          JsonArray out = new JsonArray();
          for (Row r : rows) {
            out.add(new AccessEntry(r.getString("platform"), r.getString("user_id"), r.getString("role"),
                r.getLong("added_at")).toJson());
          }
          return new JsonObject().put("entries", out);
        });
  }
}
