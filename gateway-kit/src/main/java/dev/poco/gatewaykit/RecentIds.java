package dev.poco.gatewaykit;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A bounded memory of ids seen lately (at most {@code maxIds}, each for {@code ttlMs}): a gateway's per-instance
 * fast path against redeliveries, and Slack's second key of a message ({@code channel + ts}, as one message may come
 * as several events). It is only a fast path: an event may arrive on any instance, so the durable de-duplication
 * stays the orchestrator's, through the store. Thread-safe (a gateway may share one between verticle instances).
 */
public final class RecentIds {
  private final int maxIds;
  private final long ttlMs;
  private final LongSupplier clockMs;
  /** Insertion order is time order (an id is never refreshed), so the oldest is always first. */
  private final LinkedHashMap<String, Long> seenAt = new LinkedHashMap<>();

  public RecentIds(int maxIds, long ttlMs) {
    this(maxIds, ttlMs, System::currentTimeMillis);
  }

  /** With a clock of its own, for tests. */
  public RecentIds(int maxIds, long ttlMs, LongSupplier clockMs) {
    if (maxIds < 1 || ttlMs < 1) throw new IllegalArgumentException("maxIds and ttlMs must be positive");
    this.maxIds = maxIds;
    this.ttlMs = ttlMs;
    this.clockMs = clockMs;
  }

  /**
   * True the first time {@code id} is seen within its time to live (and remembers it); false for a repeat. The time
   * counts from the first sighting: a repeat does not extend it, so a redelivery storm cannot keep an id forever.
   */
  public synchronized boolean firstSeen(String id) {
    long now = clockMs.getAsLong();
    expire(now);
    if (seenAt.containsKey(id)) return false;
    seenAt.put(id, now);
    if (seenAt.size() > maxIds) {
      Iterator<String> oldest = seenAt.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
    return true;
  }

  /** True when {@code id} was seen within its time to live; does not remember it. */
  public synchronized boolean contains(String id) {
    expire(clockMs.getAsLong());
    return seenAt.containsKey(id);
  }

  public synchronized int size() {
    expire(clockMs.getAsLong());
    return seenAt.size();
  }

  private void expire(long now) {
    Iterator<Map.Entry<String, Long>> it = seenAt.entrySet().iterator();
    while (it.hasNext()) {
      if (now - it.next().getValue() < ttlMs) return;
      it.remove();
    }
  }
}
