package dev.poco.demoapi;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP edge's own settings, read once at start.
 *
 * @param token the bearer token protected routes ask for, or null when none is configured
 * @param tokenUser the demo user a request with the right token speaks for
 * @param publicHosts extra names (host or host:port, lower case) the edge answers to besides loopback
 */
record EdgeConfig(String host, int port, int maxBodyBytes, boolean trustLocal, String token, String tokenUser,
    List<String> publicHosts) {
  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8000;
  static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
  static final String DEFAULT_TOKEN_USER = "owner";

  static EdgeConfig from(Settings settings) {
    int port = settings.integer(ConfigKeys.HTTP_PORT, DEFAULT_PORT);
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(ConfigKeys.HTTP_PORT + " must be between 0 and 65535, got " + port);
    }
    int maxBody = settings.integer(ConfigKeys.HTTP_MAX_BODY, DEFAULT_MAX_BODY_BYTES);
    if (maxBody < 1) {
      throw new IllegalArgumentException(ConfigKeys.HTTP_MAX_BODY + " must be at least 1, got " + maxBody);
    }
    List<String> publicHosts = settings.list(ConfigKeys.HTTP_PUBLIC_HOST).stream()
        .map(h -> h.toLowerCase(Locale.ROOT)).toList();
    return new EdgeConfig(settings.str(ConfigKeys.HTTP_HOST, DEFAULT_HOST), port, maxBody,
        settings.bool(ConfigKeys.DEMO_TRUST_LOCAL, true), settings.str(ConfigKeys.HTTP_TOKEN, null),
        settings.str(ConfigKeys.HTTP_TOKEN_USER, DEFAULT_TOKEN_USER), publicHosts);
  }

  /** True only for a loopback literal or "localhost"; any other name counts as reachable from outside. */
  boolean loopback() {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.equals("localhost")) return true;
    // Only literals are resolved: a host name would mean a blocking DNS lookup on the event loop.
    if (!h.matches("[0-9.]+") && !h.contains(":")) return false;
    try {
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Whether the demo surface speaks for a trusted local user: it cannot be reached from outside this machine. */
  boolean trusted() { return trustLocal && loopback(); }

  @Override
  public String toString() {
    // The record's generated toString would print the token.
    return "EdgeConfig[" + host + ":" + port + ", trustLocal=" + trustLocal + ", token "
        + (token == null ? "unset" : "set") + ", publicHosts=" + publicHosts + "]";
  }
}
