package dev.poco.testkit.fakes;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fake's own {@code pbbp2.Frame} codec (feishu.md §7.3), written apart from the gateway's so a shared mistake does
 * not hide: fields 1–4 always written and required on read, headers as nested key/value messages, payload bytes.
 * Headers keep their order; a repeated key keeps its last value.
 */
public record FeishuFrame(long seqId, long logId, int service, int method, Map<String, String> headers,
    byte[] payload) {
  public static final int CONTROL = 0, DATA = 1;

  public FeishuFrame {
    headers = new LinkedHashMap<>(headers);
  }

  public String header(String key) { return headers.get(key); }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tag(out, 1, 0); varint(out, seqId);
    tag(out, 2, 0); varint(out, logId);
    tag(out, 3, 0); varint(out, service);
    tag(out, 4, 0); varint(out, method);
    for (Map.Entry<String, String> h : headers.entrySet()) {
      ByteArrayOutputStream hb = new ByteArrayOutputStream();
      bytes(hb, 1, h.getKey().getBytes(StandardCharsets.UTF_8));
      bytes(hb, 2, h.getValue().getBytes(StandardCharsets.UTF_8));
      bytes(out, 5, hb.toByteArray());
    }
    if (payload != null) bytes(out, 8, payload);
    return out.toByteArray();
  }

  public static FeishuFrame decode(byte[] b) {
    int[] pos = {0};
    long seq = 0, log = 0;
    int service = 0, method = 0, seen = 0;
    Map<String, String> headers = new LinkedHashMap<>();
    byte[] payload = null;
    while (pos[0] < b.length) {
      long tag = varint(b, pos);
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      if (wire == 0) {
        long v = varint(b, pos);
        switch (field) {
          case 1 -> { seq = v; seen |= 1; }
          case 2 -> { log = v; seen |= 2; }
          case 3 -> { service = (int) v; seen |= 4; }
          case 4 -> { method = (int) v; seen |= 8; }
          default -> { }
        }
      } else if (wire == 2) {
        int n = (int) varint(b, pos);
        if (n < 0 || pos[0] + n > b.length) throw new IllegalArgumentException("field past the end");
        byte[] v = Arrays.copyOfRange(b, pos[0], pos[0] + n);
        pos[0] += n;
        if (field == 5) header(v, headers);
        else if (field == 8) payload = v;
      } else {
        throw new IllegalArgumentException("unexpected wire type " + wire);
      }
    }
    if (seen != 15) throw new IllegalArgumentException("frame without fields 1-4");
    return new FeishuFrame(seq, log, service, method, headers, payload);
  }

  private static void header(byte[] b, Map<String, String> into) {
    int[] pos = {0};
    String k = null, v = null;
    while (pos[0] < b.length) {
      long tag = varint(b, pos);
      int n = (int) varint(b, pos);
      String s = new String(b, pos[0], n, StandardCharsets.UTF_8);
      pos[0] += n;
      if (tag >>> 3 == 1) k = s;
      else if (tag >>> 3 == 2) v = s;
    }
    if (k == null || v == null) throw new IllegalArgumentException("header without key or value");
    into.put(k, v);
  }

  private static void tag(ByteArrayOutputStream out, int field, int wire) { varint(out, (field << 3) | wire); }

  private static void bytes(ByteArrayOutputStream out, int field, byte[] v) {
    tag(out, field, 2);
    varint(out, v.length);
    out.write(v, 0, v.length);
  }

  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private static long varint(byte[] b, int[] pos) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos[0] >= b.length) throw new IllegalArgumentException("truncated varint");
      int x = b[pos[0]++];
      v |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) return v;
    }
    throw new IllegalArgumentException("varint too long");
  }
}
