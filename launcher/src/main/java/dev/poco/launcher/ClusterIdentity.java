package dev.poco.launcher;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Who a node certificate says its holder is: the node's name, its cluster and the roles it may serve, read from
 * the certificate's SAN URIs ({@code urn:poco:node:<name>}, {@code urn:poco:cluster:<id>},
 * {@code urn:poco:role:<role>}). A certificate is only believed once checked against the cluster's CA; this record
 * reads, it does not verify.
 */
record ClusterIdentity(String node, String cluster, Set<String> roles) {
  static final String NODE_URN = "urn:poco:node:";
  static final String CLUSTER_URN = "urn:poco:cluster:";
  static final String ROLE_URN = "urn:poco:role:";
  /** Node names become file names and certificate names: short, lower case, no separators but '-'. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
  private static final int URI_NAME = 6; // GeneralName tag of uniformResourceIdentifier (RFC 5280)

  static ClusterIdentity of(X509Certificate cert) {
    String node = null;
    String cluster = null;
    Set<String> roles = new TreeSet<>();
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      throw new IllegalArgumentException("the certificate's alternative names cannot be read");
    }
    if (names != null) {
      for (List<?> n : names) {
        if (!(n.get(0) instanceof Integer tag) || tag != URI_NAME) continue;
        String uri = String.valueOf(n.get(1));
        if (uri.startsWith(NODE_URN)) node = uri.substring(NODE_URN.length());
        else if (uri.startsWith(CLUSTER_URN)) cluster = uri.substring(CLUSTER_URN.length());
        else if (uri.startsWith(ROLE_URN)) roles.add(uri.substring(ROLE_URN.length()));
      }
    }
    return new ClusterIdentity(node, cluster, Set.copyOf(roles));
  }

  /** Throws a message for the user when {@code name} cannot name a node. */
  static void checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("'" + name + "' cannot name a node: use 1-63 lower-case letters, digits"
          + " and '-', starting with a letter or digit");
    }
  }
}
