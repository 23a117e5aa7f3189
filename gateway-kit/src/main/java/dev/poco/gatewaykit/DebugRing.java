package dev.poco.gatewaykit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The gateway's recent history for /debug/feishu and /debug/slack (Addresses.gatewayDebug): inbound events, the reply target chosen,
 * outbound attempts and errors, newest first, at most {@code capacity}. Callers put ids and reasons only, never a
 * token, secret or message text. Thread-safe.
 */
public final class DebugRing {
  public static final String INBOUND = "inbound";
  public static final String REPLY = "reply";
  public static final String OUTBOUND = "outbound";
  public static final String ERROR = "error";

  private final int capacity;
  private final ArrayDeque<JsonObject> entries = new ArrayDeque<>();

  public DebugRing(int capacity) { this.capacity = Math.max(1, capacity); }

  public synchronized void add(String kind, JsonObject detail) {
    JsonObject e = new JsonObject().put("at", Instant.now().toString()).put("kind", kind);
    if (detail != null) detail.forEach(f -> e.put(f.getKey(), f.getValue()));
    entries.addFirst(e);
    while (entries.size() > capacity) entries.removeLast();
  }

  /** The newest {@code limit} entries, newest first. */
  public synchronized JsonArray newest(int limit) {
    JsonArray out = new JsonArray();
    Iterator<JsonObject> it = entries.iterator();
    while (it.hasNext() && out.size() < limit) out.add(it.next().copy());
    return out;
  }
}
