package dev.poco.launcher;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * GET /health from the CLI, a short-lived blocking process. HttpURLConnection over the JDK HttpClient or a Vert.x
 * WebClient: its first request costs ~30 ms, where HttpClient spends ~300 ms building an SSL context and a selector
 * thread that plain http on loopback never uses, and a Vertx would add an event loop to start and close.
 */
final class HealthClient {
  private static final int CONNECT_TIMEOUT_MS = 500;

  /** POCO_HTTP_TOKEN, sent so an edge beyond loopback (compose) answers the full /health; null: none. */
  private final String token;

  HealthClient() { this(null); }

  HealthClient(String token) { this.token = token == null || token.isBlank() ? null : token; }

  /** The answer of the edge; {@code body} is null when it was not a JSON object. */
  record Answer(int status, JsonObject body) {
    /** 2xx, and the body does not call itself anything but "ok" (the edge answers "degraded" with a 200). */
    boolean healthy() {
      Object s = body == null ? null : body.getValue("status");
      return status >= 200 && status < 300 && (s == null || "ok".equals(s));
    }
  }

  Answer get(URI base, Duration timeout) throws IOException {
    HttpURLConnection c = (HttpURLConnection) base.resolve("/health").toURL().openConnection(Proxy.NO_PROXY);
    c.setConnectTimeout(CONNECT_TIMEOUT_MS);
    c.setReadTimeout((int) timeout.toMillis());
    c.setUseCaches(false);
    if (token != null) c.setRequestProperty("Authorization", "Bearer " + token);
    int status = c.getResponseCode();
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      return new Answer(status, parse(in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8)));
    }
  }

  private static JsonObject parse(String body) {
    try {
      return body.isBlank() ? null : new JsonObject(body);
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
