package dev.poco.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A blocking HTTP client for tests: real requests to the HTTP edge on 127.0.0.1. */
public final class Http implements AutoCloseable {
  /** A response: status, raw body and, when the body is a JSON object, that object (else null). */
  public record Result(int status, String raw, JsonObject json) {
    public String str(String key) { return json == null ? null : json.getString(key); }
  }

  private final Vertx vertx;
  private final WebClient client;
  private final int port;
  private final String token;

  public Http(Vertx vertx, int port) { this(vertx, port, null); }

  private Http(Vertx vertx, int port, String token) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
    this.port = port;
    this.token = token;
  }

  /** Another client to the same edge that sends {@code Authorization: Bearer <token>} on every request. */
  public Http withToken(String bearer) { return new Http(vertx, port, bearer); }

  public int port() { return port; }

  public Result get(String path) {
    return wrap(request(HttpMethod.GET, path).send().await());
  }

  /** Posts {@code body} as application/json, as the edge asks of every state-changing request. */
  public Result post(String path, JsonObject body) {
    return wrap(request(HttpMethod.POST, path).sendJsonObject(body).await());
  }

  /** Posts without waiting, for requests that must be in flight together; never call await on an event loop. */
  public Future<Result> postAsync(String path, JsonObject body) {
    return client.request(HttpMethod.POST, path).sendJsonObject(body).map(Http::wrap);
  }

  /** Posts raw bytes as JSON content, for malformed and oversized bodies. */
  public Result postRaw(String path, Buffer body) {
    return postRaw(path, "application/json", body);
  }

  /** Posts raw bytes with the given content type, as a browser form or a careless client would. */
  public Result postRaw(String path, String contentType, Buffer body) {
    return wrap(request(HttpMethod.POST, path).putHeader("content-type", contentType).sendBuffer(body).await());
  }

  /** A request with this client's token, to add headers (Origin, Host) before sending. */
  public HttpRequest<Buffer> request(HttpMethod method, String path) {
    HttpRequest<Buffer> req = client.request(method, path);
    return token == null ? req : req.bearerTokenAuthentication(token);
  }

  /** Sends a request built with {@link #request}, with {@code body} (null: none), and reads its answer. */
  public Result send(HttpRequest<Buffer> req, Buffer body) {
    return wrap((body == null ? req.send() : req.sendBuffer(body)).await());
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
