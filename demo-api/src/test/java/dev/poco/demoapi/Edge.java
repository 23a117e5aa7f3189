package dev.poco.demoapi;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** A deployed DemoApiVerticle on a free port, and a client that talks to it over real HTTP. */
final class Edge {
  final int port;
  private final WebClient client;

  private Edge(Vertx vertx, int port) {
    this.port = port;
    this.client = WebClient.create(vertx);
  }

  static Future<Edge> deploy(Vertx vertx) { return deploy(vertx, new JsonObject()); }

  static Future<Edge> deploy(Vertx vertx, JsonObject config) {
    JsonObject cfg = new JsonObject().put(ConfigKeys.HTTP_PORT, 0).mergeIn(config);
    DemoApiVerticle verticle = new DemoApiVerticle();
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(cfg))
        .map(id -> new Edge(vertx, verticle.actualPort()));
  }

  Future<HttpResponse<Buffer>> get(String path) {
    return client.get(port, "127.0.0.1", path).send();
  }

  /** A request to shape further (headers, Host, Origin) before sending. */
  HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, port, "127.0.0.1", path);
  }

  /** A POST with no body, still declared JSON as the edge asks of every state-changing request. */
  Future<HttpResponse<Buffer>> post(String path) {
    return client.post(port, "127.0.0.1", path).putHeader("Content-Type", "application/json").send();
  }

  Future<HttpResponse<Buffer>> post(String path, JsonObject body) {
    return client.post(port, "127.0.0.1", path).sendJsonObject(body);
  }

  Future<HttpResponse<Buffer>> post(String path, String contentType, Buffer body) {
    return client.post(port, "127.0.0.1", path).putHeader("Content-Type", contentType).sendBuffer(body);
  }
}
