package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
@DisplayName("The HTTP edge against browsers and strangers")
class EdgeSecurityTest {
  static final String TOKEN = "edge-test-token-9f8e7d6c";
  static final List<String> PROTECTED = List.of("/tasks", "/tasks/t1", "/metrics", "/debug/env", "/debug/feishu",
      "/debug/slack",
      "/demo/cards/dm/projects");

  static FakeBus orchestrator(Vertx vertx) {
    return DemoRoutesTest.orchestrator(vertx)
        .reply(Addresses.ORCHESTRATOR_HEALTH, b -> HealthRouteTest.orchestratorHealth())
        .reply(Addresses.ORCHESTRATOR_TASK_LIST, q -> new JsonObject().put("tasks",
            new JsonArray().add(Fixtures.task("t1", TaskStatus.RUNNING).toJson())))
        .reply(Addresses.ORCHESTRATOR_TASK_GET, b -> Fixtures.task("t1", TaskStatus.RUNNING).toJson());
  }

  static Edge start(Vertx vertx, FakeBus bus, JsonObject config) {
    bus.ready().await();
    return Edge.deploy(vertx, config).await();
  }

  static void assertError(HttpResponse<Buffer> resp, int status, String containing) {
    assertThat(resp.statusCode()).isEqualTo(status);
    assertThat(resp.getHeader("Content-Type")).startsWith("application/json");
    JsonObject body = resp.bodyAsJsonObject();
    assertThat(body.getBoolean("ok")).isFalse();
    assertThat(body.getInteger("code")).isEqualTo(status);
    assertThat(body.getString("error")).contains(containing);
    assertThat(resp.getHeader("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  @DisplayName("refuses the cross-origin text/plain and form POSTs a web page can send, and forwards nothing")
  void browserPosts(Vertx vertx) {
    FakeBus bus = orchestrator(vertx);
    Edge edge = start(vertx, bus, new JsonObject());
    Buffer prompt = Buffer.buffer("{\"text\": \"/run touch pwned\"}");
    HttpResponse<Buffer> crossPlain = edge.request(HttpMethod.POST, "/demo/command")
        .putHeader("Origin", "https://evil.example").putHeader("Content-Type", "text/plain").sendBuffer(prompt).await();
    HttpResponse<Buffer> plain = edge.request(HttpMethod.POST, "/demo/command")
        .putHeader("Content-Type", "text/plain;charset=UTF-8").sendBuffer(prompt).await();
    HttpResponse<Buffer> form = edge.request(HttpMethod.POST, "/demo/card-actions")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").sendBuffer(Buffer.buffer("a=b")).await();
    HttpResponse<Buffer> none = edge.request(HttpMethod.POST, "/demo/tasks/t1/approve").send().await();
    HttpResponse<Buffer> crossJson = edge.request(HttpMethod.POST, "/demo/command")
        .putHeader("Origin", "http://127.0.0.1.evil.example:" + edge.port).sendBuffer(prompt.copy()).await();

    assertError(crossPlain, 403, "cross-origin request refused: Origin 'https://evil.example'");
    assertError(plain, 415, "POST /demo/command needs Content-Type: application/json, got 'text/plain;charset=UTF-8'");
    assertError(form, 415, "got 'application/x-www-form-urlencoded'");
    assertError(none, 415, "got none");
    assertError(crossJson, 403, "is not this PoCo's own");
    assertThat(bus.received(Addresses.ORCHESTRATOR_INBOUND)).isEmpty();
    assertThat(bus.received(Addresses.ORCHESTRATOR_INTENT)).isEmpty();
  }

  @Test
  @DisplayName("serves its own origins (loopback names on its port) and refuses reads from any other, no CORS ever")
  void origins(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject());
    for (String own : List.of("http://127.0.0.1:" + edge.port, "http://localhost:" + edge.port,
        "http://[::1]:" + edge.port)) {
      HttpResponse<Buffer> r = edge.request(HttpMethod.GET, "/tasks").putHeader("Origin", own).send().await();
      assertThat(r.statusCode()).as(own).isEqualTo(200);
      assertThat(r.getHeader("Access-Control-Allow-Origin")).isNull();
    }
    for (String foreign : List.of("https://evil.example", "null", "http://127.0.0.1:" + (edge.port + 1),
        "file://", "http://localhost")) {
      assertError(edge.request(HttpMethod.GET, "/tasks").putHeader("Origin", foreign).send().await(), 403,
          "cross-origin request refused");
    }
    HttpResponse<Buffer> preflight = edge.request(HttpMethod.OPTIONS, "/demo/command")
        .putHeader("Origin", "https://evil.example").putHeader("Access-Control-Request-Method", "POST")
        .putHeader("Access-Control-Request-Headers", "content-type").send().await();
    assertError(preflight, 403, "cross-origin");
    HttpResponse<Buffer> ownPreflight = edge.request(HttpMethod.OPTIONS, "/demo/command").send().await();
    assertError(ownPreflight, 405, "method OPTIONS is not allowed");
    // /health minimal, not refused: probes may send anything.
    HttpResponse<Buffer> health = edge.request(HttpMethod.GET, "/health").putHeader("Origin", "https://evil.example")
        .send().await();
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "ok"));
  }

  @Test
  @DisplayName("refuses a Host it does not serve (DNS rebinding) with JSON 421, and serves loopback and public names")
  void hosts(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject().put(ConfigKeys.HTTP_PUBLIC_HOST,
        "poco.example.com, other.example:9443").put(ConfigKeys.HTTP_TOKEN, TOKEN));
    int port = edge.port;
    RawHttp rebound = RawHttp.get(port, "/tasks", "rebind.evil.example:" + port);
    assertThat(rebound.status()).isEqualTo(421);
    assertThat(rebound.header("Content-Type")).startsWith("application/json");
    assertThat(rebound.json().getString("error")).startsWith("this PoCo does not answer to host 'rebind.evil.example:"
        + port + "': it serves 127.0.0.1, localhost and [::1] on port " + port);
    assertThat(rebound.json().getInteger("code")).isEqualTo(421);
    assertThat(rebound.body()).doesNotContain("t1");
    assertThat(RawHttp.get(port, "/tasks", "127.0.0.1:" + (port + 1)).status()).isEqualTo(421);
    assertThat(RawHttp.get(port, "/tasks", "other.example:443").status()).isEqualTo(421);
    assertThat(RawHttp.get(port, "/tasks", "localhost").status()).isEqualTo(421);
    for (String local : List.of("127.0.0.1:" + port, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port)) {
      RawHttp r = RawHttp.get(port, "/tasks", local);
      assertThat(r.status()).as(local).isEqualTo(200);
      assertThat(r.json().getJsonArray("tasks")).hasSize(1);
    }
    // A public name arrives through a proxy from anywhere: served, but not as the trusted local user.
    for (String pub : List.of("poco.example.com", "poco.example.com:443", "other.example:9443")) {
      assertThat(RawHttp.get(port, "/tasks", pub).status()).as(pub).isEqualTo(401);
      RawHttp r = RawHttp.get(port, "/tasks", pub, "Authorization: Bearer " + TOKEN);
      assertThat(r.status()).as(pub).isEqualTo(200);
      assertThat(r.json().getJsonArray("tasks")).hasSize(1);
    }
    RawHttp health = RawHttp.get(port, "/health", "rebind.evil.example:" + port);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json()).isEqualTo(new JsonObject().put("status", "ok"));
  }

  @Test
  @DisplayName("checks the HTTP/2 (h2c) :authority as it checks Host")
  void http2Authority(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject());
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    try {
      for (String authority : List.of("rebind.evil.example:" + edge.port, "127.0.0.1:" + edge.port)) {
        HttpClientResponse r = h2.request(new RequestOptions().setHost("127.0.0.1").setPort(edge.port)
            .setURI("/tasks")).compose(req -> req.authority(HostAndPort.parseAuthority(authority, -1)).send())
            .await();
        assertThat(r.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(r.statusCode()).as(authority).isEqualTo(authority.startsWith("127") ? 200 : 421);
      }
    } finally {
      h2.close().await();
    }
  }

  @Test
  @DisplayName("on loopback, a request forwarded by a reverse proxy is not local: it needs the token")
  void proxied(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject());
    for (String header : List.of("X-Forwarded-For: 203.0.113.9", "Forwarded: for=203.0.113.9",
        "X-Real-IP: 203.0.113.9", "X-Forwarded-Host: poco.example.com")) {
      RawHttp r = RawHttp.get(edge.port, "/tasks", "127.0.0.1:" + edge.port, header);
      assertThat(r.status()).as(header).isEqualTo(401);
      assertThat(r.json().getString("error")).contains("was reached through a proxy or a public name")
          .contains("set POCO_HTTP_TOKEN");
    }
    assertThat(RawHttp.get(edge.port, "/tasks", "127.0.0.1:" + edge.port).status()).isEqualTo(200);
  }

  @Test
  @DisplayName("off loopback with no token: 401 naming POCO_HTTP_TOKEN on every protected route, minimal /health open")
  void noTokenOffLoopback(Vertx vertx) {
    FakeBus bus = orchestrator(vertx);
    Edge edge = start(vertx, bus, new JsonObject().put(ConfigKeys.HTTP_HOST, "0.0.0.0"));
    for (String path : PROTECTED) {
      HttpResponse<Buffer> r = edge.get(path).await();
      assertError(r, 401, "no token is configured: set POCO_HTTP_TOKEN (`poco config` writes one)");
      assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"poco\"");
    }
    assertError(edge.post("/demo/command", new JsonObject().put("text", "hi")).await(), 401, "POCO_HTTP_TOKEN");
    assertError(edge.post("/demo/tasks/t1/approve").await(), 401, "POCO_HTTP_TOKEN");
    assertError(edge.post("/demo/card-actions", new JsonObject()).await(), 401, "POCO_HTTP_TOKEN");
    assertThat(bus.received(Addresses.ORCHESTRATOR_INBOUND)).isEmpty();
    HttpResponse<Buffer> health = edge.get("/health").await();
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.bodyAsJsonObject()).isEqualTo(new JsonObject().put("status", "ok"));
    // Dot segments do not smuggle a protected route in as a webhook.
    for (String sneaky : List.of("/platform/../tasks", "/platform/%2e%2e/tasks", "/platform/..%2ftasks",
        "//platform/../debug/env", "/platform/slack/../../tasks")) {
      RawHttp r = RawHttp.get(edge.port, sneaky, "127.0.0.1:" + edge.port);
      assertThat(r.status()).as(sneaky).isIn(401, 404);
      assertThat(r.body()).as(sneaky).doesNotContain("t1").doesNotContain("\"keys\"");
    }
  }

  @Test
  @DisplayName("with a token: a wrong or missing one is 401, the right one (constant-time checked) opens every route")
  void token(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject().put(ConfigKeys.DEMO_TRUST_LOCAL, "false")
        .put(ConfigKeys.HTTP_TOKEN, TOKEN));
    for (String path : PROTECTED) {
      assertError(edge.get(path).await(), 401, "missing token: send Authorization: Bearer <POCO_HTTP_TOKEN>");
      assertError(edge.request(HttpMethod.GET, path).bearerTokenAuthentication(TOKEN + "x").send().await(), 401,
          "wrong token");
      assertError(edge.request(HttpMethod.GET, path).putHeader("Authorization", "Basic " + TOKEN).send().await(),
          401, "wrong token");
      int status = edge.request(HttpMethod.GET, path).bearerTokenAuthentication(TOKEN).send().await().statusCode();
      // /metrics is 503 here: this bare Vertx has no metrics registry. The point is that it is not 401.
      assertThat(status).as(path).isEqualTo(path.equals("/metrics") ? 503 : 200);
    }
    assertThat(edge.get("/health").await().bodyAsJsonObject().fieldNames()).containsExactly("status");
    assertError(edge.request(HttpMethod.GET, "/health").bearerTokenAuthentication("nope").send().await(), 401,
        "wrong token");
    JsonObject full = edge.request(HttpMethod.GET, "/health").bearerTokenAuthentication(TOKEN).send().await()
        .bodyAsJsonObject();
    assertThat(full.getJsonArray("runners")).hasSize(1);
    assertThat(full.encode()).doesNotContain(TOKEN);
    JsonObject env = edge.request(HttpMethod.GET, "/debug/env").bearerTokenAuthentication(TOKEN).send().await()
        .bodyAsJsonObject();
    assertThat(env.getJsonObject("keys").getJsonObject(ConfigKeys.HTTP_TOKEN))
        .isEqualTo(new JsonObject().put("present", true).put("length", TOKEN.length()));
    assertThat(env.encode()).doesNotContain(TOKEN);
  }

  @Test
  @DisplayName("answers an overlong URI (414), oversized headers (431) and a malformed request (400) as JSON errors")
  void codecErrors(Vertx vertx) {
    Edge edge = start(vertx, orchestrator(vertx), new JsonObject());
    RawHttp uri = RawHttp.get(edge.port, "/tasks?q=" + "a".repeat(10_000), "127.0.0.1:" + edge.port);
    assertThat(uri.status()).isEqualTo(414);
    assertThat(uri.header("Content-Type")).startsWith("application/json");
    assertThat(uri.json()).isEqualTo(new JsonObject().put("ok", false)
        .put("error", "request line too long: the URI must fit in 4096 bytes").put("code", 414));
    RawHttp headers = RawHttp.get(edge.port, "/tasks", "127.0.0.1:" + edge.port, "X-Big: " + "b".repeat(10_000));
    assertThat(headers.status()).isEqualTo(431);
    assertThat(headers.json()).isEqualTo(new JsonObject().put("ok", false)
        .put("error", "request headers too large: they must fit in 8192 bytes").put("code", 431));
    RawHttp garbage = RawHttp.send(edge.port, "GET /tasks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\n"
        + "Content-Length: 2\r\n\r\n");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.json()).isEqualTo(new JsonObject().put("ok", false).put("error", "malformed HTTP request")
        .put("code", 400));
    // And the edge keeps serving.
    assertThat(edge.get("/tasks").await().statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("leaves the platform webhook routes to their gateways: any content type, no Origin or token check")
  void webhooksUntouched(Vertx vertx) {
    FakeBus bus = new FakeBus(vertx).reply(Addresses.gatewayWebhook("slack"),
        raw -> new JsonObject().put("status", 200).put("content_type", "text/plain").put("body", "ok"));
    Edge edge = start(vertx, bus, new JsonObject().put(ConfigKeys.HTTP_HOST, "0.0.0.0"));
    HttpResponse<Buffer> r = edge.request(HttpMethod.POST, "/platform/slack/commands")
        .putHeader("Content-Type", "application/x-www-form-urlencoded").putHeader("Origin", "https://slack.com")
        .sendBuffer(Buffer.buffer("command=%2Fpoco")).await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.bodyAsString()).isEqualTo("ok");
    assertThat(bus.received(Addresses.gatewayWebhook("slack"))).hasSize(1);
  }
}
