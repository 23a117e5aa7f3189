package dev.poco.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * What a new node needs to join, in one piece: the cluster's CA, the node's certificate and key, the CRL, and the
 * members it may join through. As JSON ({@code poco cluster add-node} writes a {@code .join} file) or as a token,
 * {@code pocojoin1.<base64url(gzip(json))>}, one line a user can paste. It holds a private key: a secret.
 *
 * @param seeds where the cluster's members listen (host:port), from the CA machine's config; may be empty
 */
record JoinBundle(ClusterCredentials credentials, List<String> seeds) {
  static final int VERSION = 1;
  static final String TOKEN_PREFIX = "pocojoin1.";
  /** A bundle is about 2 KB; anything much bigger is not one, and is not unpacked further (a gzip bomb). */
  private static final int MAX_JSON = 64 * 1024;

  JsonObject toJson() {
    JsonObject j = new JsonObject().put("v", VERSION).put("cluster", credentials.cluster())
        .put("name", credentials.node()).put("roles", new JsonArray(List.copyOf(new TreeSet<>(credentials.roles()))))
        .put("ca", credentials.caPem()).put("cert", credentials.certPem()).put("key", credentials.keyPem());
    if (credentials.crl() != null) j.put("crl", ClusterCa.pem(credentials.crl()));
    if (!seeds.isEmpty()) j.put("seeds", new JsonArray(seeds));
    return j;
  }

  String token() {
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
      gz.write(toJson().encode().getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e); // in memory: cannot happen
    }
    return TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(zipped.toByteArray());
  }

  /** A node's name, roles and cluster: what the bundle is, for a message (never its key). */
  String describe() {
    return "node " + credentials.node() + " of cluster " + credentials.cluster() + ", roles "
        + new TreeSet<>(credentials.roles());
  }

  /**
   * Reads a bundle from a token or from JSON text. {@link IllegalArgumentException} with a short reason that never
   * quotes the input (it holds a key); the certificate chain is checked by {@link ClusterFiles#check}, not here.
   */
  static JoinBundle parse(String text) {
    String t = text.strip();
    // a token pasted from a mail or a chat may come wrapped over lines
    String json = t.startsWith(TOKEN_PREFIX) ? unzip(t.substring(TOKEN_PREFIX.length()).replaceAll("\\s", "")) : t;
    JsonObject j;
    try {
      j = new JsonObject(json);
    } catch (DecodeException | ClassCastException e) {
      throw new IllegalArgumentException("it is neither a join bundle (JSON) nor a " + TOKEN_PREFIX + " token");
    }
    if (!Integer.valueOf(VERSION).equals(j.getValue("v"))) {
      throw new IllegalArgumentException("it is not a version " + VERSION + " join bundle (v=" + j.getValue("v")
          + "): make it with this version of poco");
    }
    ClusterCredentials c = new ClusterCredentials(ClusterCa.readCert(field(j, "ca")), ClusterCa.readCert(field(j,
        "cert")), ClusterCa.readKey(field(j, "key")), j.containsKey("crl") ? ClusterCa.readCrl(field(j, "crl")) : null);
    ClusterIdentity id = c.identity();
    Set<String> roles = new TreeSet<>();
    j.getJsonArray("roles", new JsonArray()).forEach(r -> roles.add(String.valueOf(r)));
    if (!String.valueOf(j.getValue("name")).equals(id.node()) || !String.valueOf(j.getValue("cluster"))
        .equals(id.cluster()) || !roles.equals(new TreeSet<>(id.roles()))) {
      throw new IllegalArgumentException("its name, cluster or roles differ from its certificate's");
    }
    List<String> seeds = j.getJsonArray("seeds", new JsonArray()).stream().map(String::valueOf).toList();
    return new JoinBundle(c, seeds);
  }

  private static String field(JsonObject j, String name) {
    if (!(j.getValue(name) instanceof String s)) throw new IllegalArgumentException("it has no '" + name + "'");
    return s;
  }

  private static String unzip(String base64url) {
    byte[] zipped;
    try {
      zipped = Base64.getUrlDecoder().decode(base64url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the token is cut or altered (not base64url): copy the whole line");
    }
    try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(zipped))) {
      byte[] json = gz.readNBytes(MAX_JSON + 1);
      if (json.length > MAX_JSON) throw new IllegalArgumentException("the token is too big to be a join bundle");
      return new String(json, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException("the token is cut or altered (it does not unpack): copy the whole line");
    }
  }
}
