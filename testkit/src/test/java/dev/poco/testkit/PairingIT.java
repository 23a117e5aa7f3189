package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Access: only allowed users run anything")
class PairingIT {
  @TempDir Path home;

  /** Trust off: the HTTP edge speaks for the token's user only; other users arrive as a gateway delivers them. */
  private static Map<String, String> untrusted(String tokenUser, String... more) {
    Map<String, String> config = new java.util.HashMap<>(Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false",
        ConfigKeys.HTTP_TOKEN, TOKEN, ConfigKeys.HTTP_TOKEN_USER, tokenUser));
    for (int i = 0; i < more.length; i += 2) config.put(more[i], more[i + 1]);
    return config;
  }

  static final String TOKEN = "pairing-it-token-5b4a39";

  @Test
  @DisplayName("nobody is allowed at first; the first user to send the printed code becomes the owner")
  void pairing() throws Exception {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, untrusted("alice")); Http alice = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(alice);
      BusGateway gateway = new BusGateway(poco.vertx, "demo");
      Path codeFile = home.resolve("pairing-code");
      assertThat(codeFile).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(codeFile))).isEqualTo("rw-------");
      String code = Files.readString(codeFile).strip();
      assertThat(code).matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");

      Http.Result refused = demo.command("c-pair", "/run Reply with exactly: NO");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().getBoolean("ok")).isFalse();
      assertThat(refused.str("error")).contains("not allowed").contains("/pair");
      assertThat(alice.get("/tasks").json().getJsonArray("tasks")).isEmpty();

      String wrong = code.equals("2222-2222-2222") ? "3333-3333-3333" : "2222-2222-2222";
      Http.Result miss = demo.command("c-pair", "/pair " + wrong);
      assertThat(miss.status()).isEqualTo(403);
      assertThat(miss.str("error")).contains("not valid");
      assertThat(demo.command("c-pair", "/pair " + code).json().getJsonObject("view").getString("body"))
          .contains("owner");
      assertThat(codeFile).doesNotExist();

      String id = demo.run("c-pair", "Reply with exactly: OWNER_OK");
      assertThat(demo.awaitDone(id, 10).getString("result")).isEqualTo("OWNER_OK");

      JsonObject bob = gateway.message("c-pair", "bob", "/run Reply with exactly: BOB");
      assertThat(bob.getString("task_id")).isNull();
      assertThat(gateway.message("c-pair", "bob", "/pair " + code).getJsonObject("view").getString("body"))
          .contains("closed");
      JsonObject bobClick = gateway.click("c-pair", "bob", "task.stop", null);
      assertThat(bobClick.getJsonObject("view").getString("title")).isEqualTo("Not allowed");
    }
    // The owner is stored: after a restart alice is still allowed and no new code is printed.
    try (EmbeddedPoco again = EmbeddedPoco.start(home, untrusted("alice")); Http alice = again.http.withToken(TOKEN)) {
      assertThat(home.resolve("pairing-code")).doesNotExist();
      Demo demo = new Demo(alice);
      assertThat(demo.awaitDone(demo.run("c-pair", "Reply with exactly: STILL"), 10).getString("result"))
          .isEqualTo("STILL");
    }
  }

  @Test
  @DisplayName("POCO_ALLOWED_USERS lets listed users in and keeps others out, with no pairing code")
  void allowList() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home,
        untrusted("carol", ConfigKeys.ALLOWED_USERS, "demo:carol, feishu:ou_x"));
        Http carol = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(carol);
      assertThat(home.resolve("pairing-code")).doesNotExist();
      assertThat(demo.awaitDone(demo.run("c-list", "Reply with exactly: C"), 10).getString("result"))
          .isEqualTo("C");
      assertThat(new BusGateway(poco.vertx, "demo").message("c-list", "dave", "Reply with exactly: D")
          .getString("task_id")).isNull();
    }
  }
}
