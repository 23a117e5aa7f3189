package dev.poco.launcher;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CA machine has issued, {@code $POCO_HOME/cluster/nodes.json}: every node certificate (name, serial,
 * roles, expiry, when revoked) and the number of the last CRL. It is the CA's revocation record: the CRL is rebuilt
 * from it, so a lost {@code crl.pem} is remade, and a name is refused while it holds a live certificate.
 */
final class ClusterIndex {
  static final String FILE = "nodes.json";

  /** One issued certificate; {@code revoked} null while it is not. */
  record Entry(String name, BigInteger serial, Set<String> roles, Instant notAfter, Instant issued, Instant revoked) {
    boolean live(Instant now) { return revoked == null && now.isBefore(notAfter); }

    JsonObject toJson() {
      JsonObject j = new JsonObject().put("name", name).put("serial", serial.toString(16))
          .put("roles", new JsonArray(List.copyOf(new TreeSet<>(roles)))).put("not_after", notAfter.toString())
          .put("issued", issued.toString());
      if (revoked != null) j.put("revoked", revoked.toString());
      return j;
    }

    static Entry of(JsonObject j) {
      Set<String> roles = new TreeSet<>();
      j.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
      String revoked = j.getString("revoked");
      return new Entry(j.getString("name"), new BigInteger(j.getString("serial"), 16), Set.copyOf(roles),
          Instant.parse(j.getString("not_after")), Instant.parse(j.getString("issued")),
          revoked == null ? null : Instant.parse(revoked));
    }
  }

  private final String cluster;
  private final List<Entry> entries;
  private long crlNumber;

  ClusterIndex(String cluster, List<Entry> entries, long crlNumber) {
    this.cluster = cluster;
    this.entries = new ArrayList<>(entries);
    this.crlNumber = crlNumber;
  }

  static ClusterIndex read(Path dir) throws IOException {
    JsonObject j;
    try {
      j = new JsonObject(Files.readString(dir.resolve(FILE)));
    } catch (RuntimeException e) {
      throw new IOException(dir.resolve(FILE) + " is damaged (" + e.getMessage() + ")");
    }
    List<Entry> entries = new ArrayList<>();
    j.getJsonArray("nodes", new JsonArray()).forEach(n -> entries.add(Entry.of((JsonObject) n)));
    return new ClusterIndex(j.getString("cluster"), entries, j.getLong("crl_number", 0L));
  }

  void write(Path dir) throws IOException {
    JsonArray nodes = new JsonArray();
    entries.forEach(e -> nodes.add(e.toJson()));
    OwnerOnly.write(dir.resolve(FILE), new JsonObject().put("cluster", cluster).put("crl_number", crlNumber)
        .put("nodes", nodes).encodePrettily() + "\n");
  }

  String cluster() { return cluster; }

  List<Entry> entries() { return List.copyOf(entries); }

  void add(Entry e) { entries.add(e); }

  /** The live certificates named {@code name} at {@code now}. */
  List<Entry> live(String name, Instant now) {
    return entries.stream().filter(e -> e.name().equals(name) && e.live(now)).toList();
  }

  boolean issued(String name) { return entries.stream().anyMatch(e -> e.name().equals(name)); }

  /** Marks every unrevoked certificate named {@code name} revoked at {@code now}; returns them. */
  List<Entry> revoke(String name, Instant now) {
    List<Entry> done = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (!e.name().equals(name) || e.revoked() != null) continue;
      Entry r = new Entry(e.name(), e.serial(), e.roles(), e.notAfter(), e.issued(), now);
      entries.set(i, r);
      done.add(r);
    }
    return done;
  }

  /** Serial → when revoked, for the CRL. */
  Map<BigInteger, Instant> revoked() {
    Map<BigInteger, Instant> m = new LinkedHashMap<>();
    entries.stream().filter(e -> e.revoked() != null).forEach(e -> m.put(e.serial(), e.revoked()));
    return m;
  }

  /** The next CRL's number, recorded: each CRL the CA signs is numbered higher than the last. */
  long nextCrlNumber() { return ++crlNumber; }
}
