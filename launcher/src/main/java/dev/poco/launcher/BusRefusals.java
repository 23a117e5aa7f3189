package dev.poco.launcher;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per refused event-bus TLS handshake, saying who was refused and why, at most one per peer and reason
 * a minute (a rogue retrying, or every send routed to a rogue's consumer, would otherwise flood the log). The
 * reason comes from the exception's classes and messages, which name certificates' problems, never key material.
 */
final class BusRefusals {
  private static final Logger log = LoggerFactory.getLogger(BusRefusals.class);
  static final long QUIET_NANOS = TimeUnit.MINUTES.toNanos(1);
  /** Bounds the memory a scan from many addresses can take: forgetting only means one more line. */
  private static final int MAX_PEERS = 1024;
  private static final Map<String, long[]> lastLine = new ConcurrentHashMap<>(); // peer|reason -> {nanos, suppressed}

  private BusRefusals() {}

  /** Starts the one-line-a-minute count afresh: for tests, which share one JVM and the same peer 127.0.0.1. */
  static void forget() {
    lastLine.clear();
  }

  /** This node's bus server (listening on {@code local}) refused a connection from {@code peer}. */
  static void inbound(SocketAddress local, SocketAddress peer, Throwable cause) {
    String from = peer instanceof InetSocketAddress a ? a.getAddress().getHostAddress() + ":" + a.getPort()
        : String.valueOf(peer);
    // keyed by host: each new connection comes from another ephemeral port
    String key = (peer instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : from) + "|" + local;
    String reason = reason(cause, true);
    String port = local instanceof InetSocketAddress a ? String.valueOf(a.getPort()) : String.valueOf(local);
    warn(key + "|" + reason, "event bus (port {}): refused a connection from {}: {}", port, from, reason);
  }

  /** This node refused to connect to the bus server of node {@code nodeId} (a send or reply to it fails). */
  static void outbound(String nodeId, Throwable cause) {
    String reason = reason(cause, false);
    warn(nodeId + "|" + reason, "event bus: refused to send to node {}: {}", nodeId, reason);
  }

  /** This node's membership transport (JGroups over TLS) refused {@code peer}'s certificate. */
  static void membership(String peer, String why) {
    String host = peer.lastIndexOf(':') > 0 ? peer.substring(0, peer.lastIndexOf(':')) : peer; // not the port
    warn("membership|" + host + "|" + why, "cluster membership: refused {}: {}", peer, why);
  }

  private static void warn(String key, String format, Object... args) {
    long now = System.nanoTime();
    if (lastLine.size() > MAX_PEERS) lastLine.clear();
    long[] seen = lastLine.computeIfAbsent(key, k -> new long[] {now - QUIET_NANOS - 1, 0});
    long suppressed;
    synchronized (seen) {
      if (now - seen[0] <= QUIET_NANOS) {
        seen[1]++;
        return;
      }
      suppressed = seen[1];
      seen[0] = now;
      seen[1] = 0;
    }
    String more = suppressed == 0 ? "" : " (" + suppressed + " more refused in the last minute, not logged)";
    log.warn(format + more, args);
  }

  /** What was wrong, in words, from the handshake's exception chain. */
  static String reason(Throwable cause, boolean inbound) {
    String them = inbound ? "its" : "its server";
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (t instanceof NotSslRecordException) return "it does not speak TLS (a node without the cluster's credentials?)";
      if (m.contains("Empty client certificate chain") || m.contains("Empty server certificate chain")) {
        return inbound ? "no client certificate" : "no server certificate";
      }
      if (m.equals("Certificate revoked")) return them + " certificate is revoked";
      if (t instanceof CertificateExpiredException) return them + " certificate expired";
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
          || m.contains("PKIX path")) {
        return them + " certificate is not signed by this cluster's CA";
      }
      if (m.startsWith("Received fatal alert: ")) {
        String alert = m.substring("Received fatal alert: ".length());
        return "it refused this node's certificate (" + alert + "): it does not trust this cluster's CA, or"
            + " it holds a list revoking this node";
      }
      if (t instanceof SslHandshakeTimeoutException) return "the TLS handshake timed out";
    }
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) root = root.getCause();
    return "TLS handshake failed: " + root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
