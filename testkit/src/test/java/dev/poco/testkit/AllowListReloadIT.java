package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("An allow-list edited in the config file applies to a running PoCo, without a restart")
class AllowListReloadIT {
  private static final String TOKEN = "reload-test-token-0123456789abcdef";

  @TempDir Path home;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  @Test
  @DisplayName("poco start with trust off: dave is refused, allowed once the file lists him, refused again once removed")
  void fileEditReachesTheOrchestrator() throws Exception {
    writeConfig("demo:carol");
    // Env beats the file, so the allow-list is only in the file; the token's user is dave.
    Map<String, String> env = Map.of("POCO_DEMO_TRUST_LOCAL", "false", "POCO_HTTP_TOKEN", TOKEN,
        "POCO_HTTP_TOKEN_USER", "dave", "POCO_CONFIG_SCAN_MS", "200");
    ChildPoco poco = ChildPoco.start(home, Ports.free(), env);
    try (Http http = new Http(vertx, poco.port).withToken(TOKEN)) {
      Demo demo = new Demo(http);
      assertThat(demo.command("c-reload", "/run Reply with exactly: NO").status()).isEqualTo(403);

      writeConfig("demo:carol, demo:dave");
      Http.Result allowed = awaitStatus(demo, 200);
      assertThat(demo.awaitDone(allowed.str("task_id"), 10).getString("result")).isEqualTo("YES");

      writeConfig("demo:carol");
      awaitStatus(demo, 403);
      assertThat(poco.output()).doesNotContain(TOKEN);
    } finally {
      poco.stop();
    }
  }

  private void writeConfig(String allowed) throws Exception {
    Path file = home.resolve("poco.config.json");
    Path tmp = home.resolve("poco.config.json.tmp");
    Files.writeString(tmp, new JsonObject().put("POCO_ALLOWED_USERS", allowed).encode());
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Sends dave's prompt until the answer has {@code status} (the file is re-read every 200 ms). */
  private static Http.Result awaitStatus(Demo demo, int status) throws InterruptedException {
    long end = System.currentTimeMillis() + 15_000;
    Http.Result r;
    do {
      r = demo.command("c-reload", "/run Reply with exactly: YES");
      if (r.status() == status) return r;
      Thread.sleep(100);
    } while (System.currentTimeMillis() < end);
    throw new AssertionError("still " + r.status() + " after 15 s: " + r.raw());
  }
}
