package dev.poco.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A blocking HTTP client for tests: real requests to the HTTP edge on 127.0.0.1. */
public final class Http implements AutoCloseable {
  /** A response: status, raw body and, when the body is a JSON object, that object (else null). */
  public record Result(int status, String raw, JsonObject json) {
    public String str(String key) { return json == null ? null : json.getString(key); }
  }

  private final WebClient client;
  private final int port;

  public Http(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.port = port;
  }

  public int port() { return port; }

  public Result get(String path) {
    return wrap(client.request(HttpMethod.GET, path).send().await());
  }

  public Result post(String path, JsonObject body) {
    return wrap(client.request(HttpMethod.POST, path).sendJsonObject(body).await());
  }

  /** Posts without waiting, for requests that must be in flight together; never call await on an event loop. */
  public Future<Result> postAsync(String path, JsonObject body) {
    return client.request(HttpMethod.POST, path).sendJsonObject(body).map(Http::wrap);
  }

  /** Posts raw bytes as JSON content, for malformed and oversized bodies. */
  public Result postRaw(String path, Buffer body) {
    return wrap(client.request(HttpMethod.POST, path).putHeader("content-type", "application/json")
        .sendBuffer(body).await());
  }

  private static Result wrap(HttpResponse<Buffer> r) {
    String raw = r.bodyAsString();
    JsonObject json = null;
    if (raw != null && raw.stripLeading().startsWith("{")) {
      try {
        json = new JsonObject(raw);
      } catch (DecodeException ignored) {
        // not JSON: the caller asserts on raw
      }
    }
    return new Result(r.statusCode(), raw, json);
  }

  @Override
  public void close() { client.close(); }
}
