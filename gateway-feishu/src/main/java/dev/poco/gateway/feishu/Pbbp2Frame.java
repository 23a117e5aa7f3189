package dev.poco.gateway.feishu;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code pbbp2.Frame} of Feishu's long connection (feishu.md §7.3), with a hand-rolled protobuf codec: only
 * varints and length-delimited fields occur, and the notes found such a codec byte-identical to the SDK's generated
 * classes, so no protobuf dependency. Fields 1–4 are always written (Java's SDK enforces proto2 {@code required}).
 *
 * @param seqId field 1
 * @param logId field 2
 * @param service field 3: the endpoint URL's {@code service_id} on pings
 * @param method field 4: {@link #CONTROL} or {@link #DATA}
 * @param headers field 5, in order (key/value strings)
 * @param payload field 8, or null
 */
public record Pbbp2Frame(long seqId, long logId, int service, int method, List<Header> headers,
    String payloadEncoding, String payloadType, byte[] payload, String logIdNew) {
  public static final int CONTROL = 0;
  public static final int DATA = 1;

  /** A frame header (all strings, both required). */
  public record Header(String key, String value) {}

  public Pbbp2Frame {
    headers = List.copyOf(headers);
  }

  /** The client's ping (§7.4): no payload, service = the URL's service_id. */
  public static Pbbp2Frame ping(int service) {
    return new Pbbp2Frame(0, 0, service, CONTROL, List.of(new Header("type", "ping")), null, null, null, null);
  }

  /** The first value of header {@code key}, or null. */
  public String header(String key) {
    for (Header h : headers) if (h.key().equals(key)) return h.value();
    return null;
  }

  /** The same frame with another payload and one header set (replaced if present, else appended). */
  public Pbbp2Frame withPayload(byte[] newPayload, String key, String value) {
    List<Header> hs = new ArrayList<>();
    boolean set = false;
    for (Header h : headers) {
      if (h.key().equals(key)) {
        if (!set) hs.add(new Header(key, value));
        set = true;
      } else {
        hs.add(h);
      }
    }
    if (!set) hs.add(new Header(key, value));
    return new Pbbp2Frame(seqId, logId, service, method, hs, payloadEncoding, payloadType, newPayload, logIdNew);
  }

  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    varintField(out, 1, seqId);
    varintField(out, 2, logId);
    varintField(out, 3, service); // int32: a negative value sign-extends to 10 bytes, as protobuf does
    varintField(out, 4, method);
    for (Header h : headers) {
      ByteArrayOutputStream hb = new ByteArrayOutputStream();
      bytesField(hb, 1, h.key().getBytes(StandardCharsets.UTF_8));
      bytesField(hb, 2, h.value().getBytes(StandardCharsets.UTF_8));
      bytesField(out, 5, hb.toByteArray());
    }
    if (payloadEncoding != null) bytesField(out, 6, payloadEncoding.getBytes(StandardCharsets.UTF_8));
    if (payloadType != null) bytesField(out, 7, payloadType.getBytes(StandardCharsets.UTF_8));
    if (payload != null) bytesField(out, 8, payload);
    if (logIdNew != null) bytesField(out, 9, logIdNew.getBytes(StandardCharsets.UTF_8));
    return out.toByteArray();
  }

  /** @throws IllegalArgumentException for a truncated or malformed frame, or one missing a required field */
  public static Pbbp2Frame decode(byte[] b) {
    Reader r = new Reader(b, 0, b.length);
    long seq = 0, log = 0;
    int service = 0, method = 0, seen = 0;
    List<Header> headers = new ArrayList<>();
    String enc = null, type = null, logNew = null;
    byte[] payload = null;
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      switch (field) {
        case 1 -> { seq = r.expectVarint(wire); seen |= 1; }
        case 2 -> { log = r.expectVarint(wire); seen |= 2; }
        case 3 -> { service = (int) r.expectVarint(wire); seen |= 4; }
        case 4 -> { method = (int) r.expectVarint(wire); seen |= 8; }
        case 5 -> headers.add(header(r.expectBytes(wire)));
        case 6 -> enc = utf8(r.expectBytes(wire));
        case 7 -> type = utf8(r.expectBytes(wire));
        case 8 -> payload = r.expectBytes(wire);
        case 9 -> logNew = utf8(r.expectBytes(wire));
        default -> r.skip(wire);
      }
    }
    if (seen != 15) throw new IllegalArgumentException("pbbp2.Frame without a required field (1-4)");
    return new Pbbp2Frame(seq, log, service, method, headers, enc, type, payload, logNew);
  }

  private static Header header(byte[] b) {
    Reader r = new Reader(b, 0, b.length);
    String key = null, value = null;
    while (r.more()) {
      long tag = r.varint();
      int field = (int) (tag >>> 3), wire = (int) (tag & 7);
      if (field == 1) key = utf8(r.expectBytes(wire));
      else if (field == 2) value = utf8(r.expectBytes(wire));
      else r.skip(wire);
    }
    if (key == null || value == null) throw new IllegalArgumentException("pbbp2.Header without key or value");
    return new Header(key, value);
  }

  private static String utf8(byte[] b) { return new String(b, StandardCharsets.UTF_8); }

  private static void varintField(ByteArrayOutputStream out, int field, long v) {
    varint(out, (long) field << 3);
    varint(out, v);
  }

  private static void bytesField(ByteArrayOutputStream out, int field, byte[] v) {
    varint(out, ((long) field << 3) | 2);
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

  /** A cursor over protobuf bytes. */
  private static final class Reader {
    private final byte[] b;
    private int pos;
    private final int end;

    Reader(byte[] b, int pos, int end) {
      this.b = b;
      this.pos = pos;
      this.end = end;
    }

    boolean more() { return pos < end; }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) throw new IllegalArgumentException("truncated varint");
        int x = b[pos++];
        v |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) return v;
      }
      throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    long expectVarint(int wire) {
      if (wire != 0) throw new IllegalArgumentException("wire type " + wire + " where a varint belongs");
      return varint();
    }

    byte[] expectBytes(int wire) {
      if (wire != 2) throw new IllegalArgumentException("wire type " + wire + " where bytes belong");
      long n = varint();
      if (n < 0 || n > end - pos) throw new IllegalArgumentException("length-delimited field past the end");
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + (int) n);
      pos += (int) n;
      return out;
    }

    void skip(int wire) {
      switch (wire) {
        case 0 -> varint();
        case 1 -> advance(8);
        case 2 -> expectBytes(2);
        case 5 -> advance(4);
        default -> throw new IllegalArgumentException("unsupported wire type " + wire);
      }
    }

    private void advance(int n) {
      if (n > end - pos) throw new IllegalArgumentException("truncated field");
      pos += n;
    }
  }
}
