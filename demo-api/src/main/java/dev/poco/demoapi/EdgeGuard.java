package dev.poco.demoapi;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntSupplier;

/**
 * The first handler of every request: decides whether the edge serves it at all and who it speaks for.
 *
 * <p>Browser-proofing (the local surface must be safe against any page the user visits): a foreign Host is refused
 * (DNS rebinding), a foreign Origin is refused on reads and writes alike (a rebinding or cross-site page's fetch
 * carries one), state-changing methods need Content-Type application/json (an HTML form cannot send it without a
 * CORS preflight, which the edge never grants).
 *
 * <p>Identity: off loopback, or with POCO_DEMO_TRUST_LOCAL=false, every route but a minimal /health needs the bearer
 * token; so does a request to a loopback edge that came through a reverse proxy or names a public host, since it
 * may come from anywhere. The platform webhook routes skip all of this: their gateways verify the platform's
 * signature on the raw request.
 */
final class EdgeGuard implements Handler<RoutingContext> {
  /** Who a request speaks for: the demo user id put into InboundMessage / CardIntent, and whether it is trusted. */
  record Caller(String userId, boolean trusted) {}

  static final String CALLER = "poco.caller";
  static final String FULL_HEALTH = "poco.health.full";
  static final String PLATFORM_PREFIX = "/platform/";
  static final String HEALTH = "/health";
  private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "::1");
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "");
  private static final Set<HttpMethod> STATE_CHANGING =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);
  private static final int MAX_ECHO = 100;
  // A reverse proxy adds one of these: the request came from elsewhere, whatever its source address says.
  private static final List<String> PROXY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
      "X-Real-IP");

  private final EdgeConfig edge;
  private final IntSupplier port;
  private final Responses responses;
  private final byte[] tokenDigest;
  private final String bindName;

  EdgeGuard(EdgeConfig edge, IntSupplier port, Responses responses) {
    this.edge = edge;
    this.port = port;
    this.responses = responses;
    this.tokenDigest = edge.token() == null ? null : sha256(edge.token());
    String bind = normalize(edge.host());
    this.bindName = WILDCARDS.contains(bind) ? null : bind;
  }

  static Caller caller(RoutingContext ctx) { return ctx.get(CALLER); }

  static boolean fullHealth(RoutingContext ctx) { return Boolean.TRUE.equals(ctx.get(FULL_HEALTH)); }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest req = ctx.request();
    // The router matches the normalized path: "/platform/../tasks" must not pass as a webhook.
    String path = ctx.normalizedPath() == null ? "" : ctx.normalizedPath();
    if (path.startsWith(PLATFORM_PREFIX)) {
      ctx.next();
      return;
    }
    boolean health = path.equals(HEALTH) && (req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD);
    String host = host(req);
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    boolean foreignHost = host != null && !servesHost(host);
    boolean foreignOrigin = origin != null && !servesOrigin(origin);
    if (health && (foreignHost || foreignOrigin)) {
      // Probes dial whatever address they know; "ok" or "degraded" tells a rebinding page nothing.
      ctx.put(FULL_HEALTH, false);
      ctx.next();
      return;
    }
    if (foreignHost) {
      refuse(ctx, 421, "this PoCo does not answer to host '" + echo(host) + "': it serves " + servedNames()
          + " (add a public name to POCO_HTTP_PUBLIC_HOST)");
      return;
    }
    if (foreignOrigin) {
      refuse(ctx, 403, "cross-origin request refused: Origin '" + echo(origin) + "' is not this PoCo's own"
          + " (the edge grants no CORS: only its own pages and non-browser clients may call it)");
      return;
    }
    if (!authorize(ctx, health, host)) return;
    if (STATE_CHANGING.contains(req.method()) && !json(req.getHeader(HttpHeaders.CONTENT_TYPE))) {
      String got = req.getHeader(HttpHeaders.CONTENT_TYPE);
      refuse(ctx, 415, req.method() + " " + path + " needs Content-Type: application/json, got "
          + (got == null ? "none" : "'" + echo(got) + "'"));
      return;
    }
    ctx.next();
  }

  /** The Host header, or for HTTP/2 the :authority; null when the request names none (HTTP/1.0). */
  private static String host(HttpServerRequest req) {
    String header = req.getHeader(HttpHeaders.HOST);
    if (header != null || req.authority() == null) return header;
    String h = req.authority().host();
    if (h.contains(":") && !h.startsWith("[")) h = "[" + h + "]";
    return req.authority().port() < 0 ? h : h + ":" + req.authority().port();
  }

  /** Sets the caller, or answers 401 and returns false. */
  private boolean authorize(RoutingContext ctx, boolean health, String host) {
    if (edge.trusted() && local(ctx.request(), host)) {
      ctx.put(CALLER, new Caller(DemoIds.USER, true)).put(FULL_HEALTH, true);
      return true;
    }
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (health && auth == null) {
      ctx.put(FULL_HEALTH, false);
      return true;
    }
    if (tokenDigest == null) {
      String why = !edge.loopback() ? "listens beyond loopback (" + edge.host() + ")"
          : !edge.trustLocal() ? "does not trust local callers (POCO_DEMO_TRUST_LOCAL is false)"
          : "was reached through a proxy or a public name";
      unauthorized(ctx, "this PoCo's HTTP edge " + why
          + " and no token is configured: set POCO_HTTP_TOKEN (`poco config` writes one), then send"
          + " Authorization: Bearer <token>");
      return false;
    }
    if (auth == null || !auth.regionMatches(true, 0, "Bearer ", 0, 7)
        || !MessageDigest.isEqual(sha256(auth.substring(7).trim()), tokenDigest)) {
      unauthorized(ctx, (auth == null ? "missing" : "wrong") + " token: send Authorization: Bearer <POCO_HTTP_TOKEN>");
      return false;
    }
    // With trust on, the token holder is the operator who configured this PoCo; with trust off, an access-checked user.
    ctx.put(CALLER, new Caller(edge.tokenUser(), edge.trustLocal())).put(FULL_HEALTH, true);
    return true;
  }

  /**
   * Whether a request on a loopback edge really comes from this machine: not through a reverse proxy (which
   * forwards from 127.0.0.1 but adds its headers) and not addressed to a public name.
   */
  private boolean local(HttpServerRequest req, String host) {
    for (String h : PROXY_HEADERS) if (req.headers().contains(h)) return false;
    if (host == null) return true;
    HostPort hp = HostPort.parse(host, 80);
    return hp != null && (LOOPBACK_NAMES.contains(hp.host()) || hp.host().equals(bindName));
  }

  private void unauthorized(RoutingContext ctx, String message) {
    ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"poco\"");
    refuse(ctx, 401, message);
  }

  private void refuse(RoutingContext ctx, int status, String message) {
    // The body of a refused request is never read, so the connection cannot carry another request.
    Responses.closeAfter(ctx);
    responses.error(ctx, status, message);
  }

  private static boolean json(String contentType) {
    if (contentType == null) return false;
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
    return media.equals("application/json");
  }

  boolean servesHost(String authority) {
    HostPort hp = HostPort.parse(authority, 80);
    return hp != null && serves(hp);
  }

  boolean servesOrigin(String origin) {
    try {
      URI u = new URI(origin.trim());
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) return false;
      int p = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
      return serves(new HostPort(normalize(u.getHost()), p, u.getPort() != -1));
    } catch (Exception e) {
      return false; // "null" (sandboxed frames, file:) and anything unreadable
    }
  }

  private boolean serves(HostPort hp) {
    int actual = port.getAsInt();
    if ((LOOPBACK_NAMES.contains(hp.host()) || hp.host().equals(bindName)) && hp.port() == actual) return true;
    for (String entry : edge.publicHosts()) {
      HostPort pub = HostPort.parse(entry, -1);
      if (pub == null || !pub.host().equals(hp.host())) continue;
      // A public name without a port is served on any port: a reverse proxy in front listens on its own.
      if (!pub.explicitPort() || pub.port() == hp.port()) return true;
    }
    return false;
  }

  private String servedNames() {
    String names = "127.0.0.1, localhost and [::1] on port " + port.getAsInt();
    if (bindName != null && !LOOPBACK_NAMES.contains(bindName)) names += ", " + bindName + " on that port";
    if (!edge.publicHosts().isEmpty()) names += ", and " + String.join(", ", edge.publicHosts());
    return names;
  }

  private static String echo(String value) {
    return value.length() > MAX_ECHO ? value.substring(0, MAX_ECHO) + "…" : value;
  }

  static String normalize(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
    if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
    return h;
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM has no SHA-256", e);
    }
  }

  /** A host and port as read from a Host header, an Origin or a POCO_HTTP_PUBLIC_HOST entry. */
  record HostPort(String host, int port, boolean explicitPort) {
    /** Null when unreadable; {@code defaultPort} when no port is given. */
    static HostPort parse(String authority, int defaultPort) {
      String a = authority.trim();
      String host;
      String portText = null;
      if (a.startsWith("[")) {
        int close = a.indexOf(']');
        if (close < 0) return null;
        host = a.substring(0, close + 1);
        String rest = a.substring(close + 1);
        if (rest.startsWith(":")) portText = rest.substring(1);
        else if (!rest.isEmpty()) return null;
      } else {
        int colon = a.indexOf(':');
        if (colon >= 0 && a.indexOf(':', colon + 1) >= 0) return null;
        host = colon < 0 ? a : a.substring(0, colon);
        if (colon >= 0) portText = a.substring(colon + 1);
      }
      if (host.isEmpty()) return null;
      if (portText == null) return new HostPort(normalize(host), defaultPort, false);
      try {
        return new HostPort(normalize(host), Integer.parseInt(portText), true);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }
}
