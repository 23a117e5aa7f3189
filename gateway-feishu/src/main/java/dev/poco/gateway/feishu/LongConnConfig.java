package dev.poco.gateway.feishu;

import io.vertx.core.json.JsonObject;

/**
 * The long connection's {@code ClientConfig} (feishu.md §7.1, §12), in seconds, from the endpoint answer or a pong.
 * Defaults are the SDKs' before any config arrives.
 *
 * @param reconnectCount attempts after a loss before giving up (health says so); −1 = forever
 * @param reconnectInterval seconds between attempts after the first
 * @param reconnectNonce the first attempt waits rand(0, nonce) seconds, so a fleet does not reconnect at once
 * @param pingInterval seconds between the client's pings
 */
record LongConnConfig(int reconnectCount, int reconnectInterval, int reconnectNonce, int pingInterval) {
  static final LongConnConfig DEFAULTS = new LongConnConfig(-1, 120, 30, 120);

  /** This config with what {@code j} sets (missing or non-numeric fields keep their value). */
  LongConnConfig with(JsonObject j) {
    if (j == null) return this;
    return new LongConnConfig(num(j, "ReconnectCount", reconnectCount), Math.max(0, num(j, "ReconnectInterval",
        reconnectInterval)), Math.max(0, num(j, "ReconnectNonce", reconnectNonce)),
        Math.max(1, num(j, "PingInterval", pingInterval)));
  }

  private static int num(JsonObject j, String key, int dflt) {
    return j.getValue(key) instanceof Number n ? n.intValue() : dflt;
  }

  JsonObject toJson() {
    return new JsonObject().put("ReconnectCount", reconnectCount).put("ReconnectInterval", reconnectInterval)
        .put("ReconnectNonce", reconnectNonce).put("PingInterval", pingInterval);
  }
}
