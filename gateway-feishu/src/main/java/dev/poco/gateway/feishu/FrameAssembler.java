package dev.poco.gateway.feishu;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Joins a long-connection message split over data frames (feishu.md §7.5): frames share {@code message_id}, carry
 * {@code sum} (how many) and {@code seq} (0-based index), and may arrive out of order. Parts of a message that does
 * not complete within {@code ttlMs} are dropped (the platform re-pushes an unacked event). Not thread-safe: one
 * connection's event loop uses it.
 */
final class FrameAssembler {
  private final long ttlMs;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  private static final class Pending {
    final byte[][] parts;
    final long firstAtMs;
    int have;

    Pending(int sum, long now) {
      parts = new byte[sum][];
      firstAtMs = now;
    }
  }

  FrameAssembler(long ttlMs) { this.ttlMs = ttlMs; }

  /**
   * @return the whole payload once every part of {@code messageId} arrived (this call brought the last), else null
   * @throws IllegalArgumentException when sum/seq are out of range or disagree with earlier parts
   */
  byte[] add(String messageId, int sum, int seq, byte[] payload, long nowMs) {
    expire(nowMs);
    if (sum <= 1) return payload == null ? new byte[0] : payload;
    if (seq < 0 || seq >= sum) throw new IllegalArgumentException("seq " + seq + " outside sum " + sum);
    Pending p = pending.computeIfAbsent(messageId, k -> new Pending(sum, nowMs));
    if (p.parts.length != sum) throw new IllegalArgumentException("sum changed for message " + messageId);
    if (p.parts[seq] == null) {
      p.parts[seq] = payload == null ? new byte[0] : payload;
      p.have++;
    }
    if (p.have < sum) return null;
    pending.remove(messageId);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : p.parts) out.write(part, 0, part.length);
    return out.toByteArray();
  }

  int pendingCount() { return pending.size(); }

  private void expire(long nowMs) {
    for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
      if (nowMs - it.next().firstAtMs > ttlMs) it.remove();
    }
  }
}
