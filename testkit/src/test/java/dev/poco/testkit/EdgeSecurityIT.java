package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("The real HTTP edge against hostile browsers, strangers and spoofed users")
class EdgeSecurityIT {
  static final String TOKEN = "edge-it-token-Qm9vX3Rva2VuXzEyMzQ1Njc4OTA";
  @TempDir Path home;

  /** A project.create click in the Feishu card-action shape, as JSON text. */
  private static String createProject(String name) {
    return new JsonObject().put("event", new JsonObject()
        .put("action", new JsonObject()
            .put("value", new JsonObject().put("intent_key", "project.create").put("surface", "dm"))
            .put("form_value", new JsonObject().put("name", name).put("backend", "stub")))).encode();
  }

  private static String projects(Demo demo) {
    Http.Result manage = demo.cardAction("dm", null, "project.manage", null, null);
    assertThat(manage.status()).as(manage.raw()).isEqualTo(200);
    return manage.json().getJsonObject("view").encode();
  }

  @Test
  @DisplayName("on defaults, a web page's cross-origin text/plain and form POSTs are refused and nothing is stored")
  void browserCannotDrive() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      Http http = poco.http;
      Demo demo = new Demo(http);
      String prompt = "{\"text\": \"/run Reply with exactly: PWNED\"}";
      Http.Result crossOrigin = http.send(http.request(HttpMethod.POST, "/demo/command")
          .putHeader("Origin", "https://evil.example").putHeader("Content-Type", "text/plain"),
          Buffer.buffer(prompt));
      Http.Result plain = http.postRaw("/demo/command", "text/plain", Buffer.buffer(prompt));
      Http.Result form = http.postRaw("/demo/command", "application/x-www-form-urlencoded",
          Buffer.buffer("text=%2Frun+Reply+with+exactly%3A+PWNED"));
      Http.Result multipart = http.postRaw("/demo/card-actions", "multipart/form-data; boundary=x",
          Buffer.buffer("--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb\r\n--x--\r\n"));
      Http.Result crossProject = http.send(http.request(HttpMethod.POST, "/demo/card-actions")
          .putHeader("Origin", "https://evil.example").putHeader("Content-Type", "text/plain"),
          Buffer.buffer(createProject("evil-project")));
      Http.Result plainProject = http.postRaw("/demo/card-actions", "text/plain",
          Buffer.buffer(createProject("evil-project")));
      Http.Result crossApply = http.send(http.request(HttpMethod.POST, "/demo/card-actions")
          .putHeader("Origin", "https://evil.example").putHeader("Content-Type", "application/json"),
          Buffer.buffer(createProject("evil-project")));

      assertRefused(crossOrigin, 403, "cross-origin request refused");
      assertRefused(plain, 415, "needs Content-Type: application/json");
      assertRefused(form, 415, "application/x-www-form-urlencoded");
      assertRefused(multipart, 415, "multipart/form-data");
      assertRefused(crossProject, 403, "cross-origin request refused");
      assertRefused(plainProject, 415, "needs Content-Type: application/json");
      assertRefused(crossApply, 403, "cross-origin request refused");

      assertThat(http.get("/tasks").json().getJsonArray("tasks")).isEmpty();
      assertThat(projects(demo)).doesNotContain("evil-project");
      // The same click as JSON from a non-browser client (the user's own curl) still works.
      assertThat(http.postRaw("/demo/card-actions", Buffer.buffer(createProject("good-project"))).status())
          .isEqualTo(200);
      assertThat(projects(demo)).contains("good-project").doesNotContain("evil-project");
    }
  }

  @Test
  @DisplayName("a DNS-rebinding page (foreign Host) cannot read /tasks; /health answers it only with a status")
  void foreignHost() throws IOException {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      Demo demo = new Demo(poco.http);
      String id = demo.run("c-host", "Reply with exactly: PRIVATE_OUTPUT");
      demo.awaitDone(id, 10);
      int port = poco.http.port();
      String rebound = raw(port, "GET /tasks HTTP/1.1\r\nHost: attacker.example:" + port + "\r\n"
          + "Origin: http://attacker.example:" + port + "\r\nConnection: close\r\n\r\n");
      assertThat(rebound).startsWith("HTTP/1.1 421 ").contains("application/json")
          .contains("\"code\":421").contains("does not answer to host 'attacker.example:" + port + "'")
          .doesNotContain("PRIVATE_OUTPUT").doesNotContain(id).doesNotContain("Access-Control-Allow");
      String task = raw(port, "GET /tasks/" + id + " HTTP/1.1\r\nHost: attacker.example:" + port
          + "\r\nConnection: close\r\n\r\n");
      assertThat(task).startsWith("HTTP/1.1 421 ").doesNotContain("PRIVATE_OUTPUT");
      String health = raw(port, "GET /health HTTP/1.1\r\nHost: attacker.example:" + port
          + "\r\nConnection: close\r\n\r\n");
      assertThat(body(health)).isEqualTo(new JsonObject().put("status", "ok"));
      String own = raw(port, "GET /tasks HTTP/1.1\r\nHost: localhost:" + port + "\r\nConnection: close\r\n\r\n");
      assertThat(own).startsWith("HTTP/1.1 200 ").contains("PRIVATE_OUTPUT");
    }
  }

  @Test
  @DisplayName("with trust off, a spoofed user_id is ignored: the token's user is who speaks")
  void spoofedUser() {
    Map<String, String> config = Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false", ConfigKeys.HTTP_TOKEN, TOKEN,
        ConfigKeys.HTTP_TOKEN_USER, "tok_user", ConfigKeys.ALLOWED_USERS, "demo:ou_owner");
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, config); Http withToken = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(withToken);
      Http.Result spoofed = demo.command("c-spoof", "ou_owner", "/run Reply with exactly: SPOOFED");
      // A refusal is a refusal: 403 with the JSON error shape, and no task.
      assertThat(spoofed.status()).isEqualTo(403);
      assertThat(spoofed.json().getBoolean("ok")).isFalse();
      assertThat(spoofed.str("task_id")).isNull();
      assertThat(spoofed.str("error")).contains("not allowed");
      Http.Result click = demo.cardAction("dm", null, "project.manage", null, null);
      assertThat(click.status()).isEqualTo(403);
      assertThat(click.str("error")).containsIgnoringCase("not allowed");
      assertThat(withToken.get("/tasks").json().getJsonArray("tasks")).isEmpty();
      // Without the token nothing answers at all, on loopback too.
      assertThat(poco.http.post("/demo/command", new JsonObject().put("text", "hi").put("user_id", "ou_owner"))
          .status()).isEqualTo(401);
    }
    Map<String, String> tokenAllowed = Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false", ConfigKeys.HTTP_TOKEN, TOKEN,
        ConfigKeys.HTTP_TOKEN_USER, "tok_user", ConfigKeys.ALLOWED_USERS, "demo:tok_user");
    try (EmbeddedPoco poco = EmbeddedPoco.start(home.resolve("second"), tokenAllowed);
        Http withToken = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(withToken);
      String id = demo.run("c-spoof", "ou_someone_else", "Reply with exactly: AS_TOKEN_USER");
      JsonObject task = demo.awaitDone(id, 10);
      assertThat(task.getString("result")).isEqualTo("AS_TOKEN_USER");
      assertThat(task.getJsonObject("origin").getString("user_id")).isEqualTo("tok_user");
    }
  }

  @Test
  @DisplayName("beyond loopback with no token: 401 on every protected route, a minimal /health for probes")
  void offLoopbackWithoutToken() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.HTTP_HOST, "0.0.0.0"))) {
      Http http = poco.http;
      for (String path : List.of("/tasks", "/tasks/t1", "/tasks/t1?wait=1", "/metrics", "/debug/env",
          "/demo/cards/dm/projects", "/no/such/route")) {
        Http.Result r = http.get(path);
        assertRefused(r, 401, "set POCO_HTTP_TOKEN (`poco config` writes one)");
      }
      assertRefused(http.post("/demo/command", new JsonObject().put("text", "/run hi")), 401, "POCO_HTTP_TOKEN");
      assertRefused(http.post("/demo/tasks/t1/approve", new JsonObject()), 401, "POCO_HTTP_TOKEN");
      assertRefused(http.post("/demo/card-actions", new JsonObject()), 401, "POCO_HTTP_TOKEN");
      Http.Result health = http.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().fieldNames()).containsExactly("status");
      assertThat(health.str("status")).isEqualTo("ok");
    }
  }

  @Test
  @DisplayName("an overlong URI (414) and oversized headers (431) are answered with the JSON error shape")
  void codecErrors() throws IOException {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      int port = poco.http.port();
      String uri = raw(port, "GET /tasks?x=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
          + "\r\n\r\n");
      assertThat(uri).matches("(?s)HTTP/1\\.[01] 414 .*"); // the line was never parsed, so no version to echo
      assertThat(body(uri)).isEqualTo(new JsonObject().put("ok", false)
          .put("error", "request line too long: the URI must fit in 4096 bytes").put("code", 414));
      String headers = raw(port, "GET /tasks HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nX-Big: "
          + "b".repeat(20_000) + "\r\n\r\n");
      assertThat(headers).startsWith("HTTP/1.1 431 ");
      assertThat(body(headers)).isEqualTo(new JsonObject().put("ok", false)
          .put("error", "request headers too large: they must fit in 8192 bytes").put("code", 431));
      assertThat(poco.http.get("/tasks").status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("/health is degraded, with the reason, when Feishu credentials are set and no gateway runs")
  void degradedWithoutGateway() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.FEISHU_APP_ID, "cli_edge_it",
        ConfigKeys.FEISHU_APP_SECRET, "feishu-secret-edge-it-77"))) {
      JsonObject h = poco.http.get("/health").json();
      assertThat(h.getString("status")).isEqualTo("degraded");
      assertThat(h.getString("mode")).isEqualTo("feishu");
      assertThat(h.getJsonArray("reasons").getList())
          .containsExactly("feishu configured but no gateway-feishu is running");
      assertThat(h.encode()).doesNotContain("feishu-secret-edge-it-77");
    }
  }

  @Test
  @DisplayName("the token shows in no log line and no /debug/env answer: only its presence and length")
  void tokenNeverShown() {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger poco = logs.getLogger("dev.poco");
    Logger root = logs.getLogger(Logger.ROOT_LOGGER_NAME);
    Level before = poco.getLevel();
    ListAppender<ILoggingEvent> seen = new ListAppender<>();
    seen.list = new java.util.concurrent.CopyOnWriteArrayList<>(); // appended on other threads, read on this one
    seen.start();
    poco.setLevel(Level.ALL);
    poco.setAdditive(false);
    poco.addAppender(seen);
    root.addAppender(seen);
    try (EmbeddedPoco server = EmbeddedPoco.start(home, Map.of(ConfigKeys.HTTP_TOKEN, TOKEN,
        ConfigKeys.DEMO_TRUST_LOCAL, "false", ConfigKeys.ALLOWED_USERS, "demo:owner"));
        Http withToken = server.http.withToken(TOKEN); Http wrong = server.http.withToken(TOKEN + "x")) {
      Demo demo = new Demo(withToken);
      demo.awaitDone(demo.run("c-token", "Reply with exactly: " + TOKEN.substring(0, 10)), 10);
      assertThat(wrong.get("/tasks").status()).isEqualTo(401);
      assertThat(server.http.get("/tasks").status()).isEqualTo(401);
      assertThat(withToken.get("/tasks/" + TOKEN).status()).isEqualTo(404);
      Http.Result env = withToken.get("/debug/env");
      assertThat(env.status()).isEqualTo(200);
      assertThat(env.json().getJsonObject("keys").getJsonObject(ConfigKeys.HTTP_TOKEN))
          .isEqualTo(new JsonObject().put("present", true).put("length", TOKEN.length()));
      assertThat(env.raw()).doesNotContain(TOKEN);
      assertThat(withToken.get("/health").raw()).doesNotContain(TOKEN);
    } finally {
      poco.detachAppender(seen);
      root.detachAppender(seen);
      poco.setAdditive(true);
      poco.setLevel(before);
    }
    assertThat(seen.list).isNotEmpty();
    for (ILoggingEvent e : seen.list) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertThat(line).as(e.getLoggerName()).doesNotContain(TOKEN);
    }
  }

  private static void assertRefused(Http.Result r, int status, String containing) {
    assertThat(r.status()).as(r.raw()).isEqualTo(status);
    assertThat(r.json()).as(r.raw()).isNotNull();
    assertThat(r.json().getBoolean("ok")).isFalse();
    assertThat(r.json().getInteger("code")).isEqualTo(status);
    assertThat(r.str("error")).contains(containing);
  }

  /** One hand-written HTTP/1.1 exchange; the edge closes the connection after errors, else Connection: close. */
  private static String raw(int port, String request) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static JsonObject body(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }
}
