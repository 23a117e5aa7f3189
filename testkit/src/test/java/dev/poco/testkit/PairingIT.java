package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
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

  @Test
  @DisplayName("nobody is allowed at first; the first user to send the printed code becomes the owner")
  void pairing() throws Exception {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false"))) {
      Demo demo = new Demo(poco.http);
      Path codeFile = home.resolve("pairing-code");
      assertThat(codeFile).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(codeFile))).isEqualTo("rw-------");
      String code = Files.readString(codeFile).strip();
      assertThat(code).matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");

      Http.Result refused = demo.command("c-pair", "alice", "/run Reply with exactly: NO");
      assertThat(refused.status()).isEqualTo(403);
      assertThat(refused.json().getBoolean("ok")).isFalse();
      assertThat(refused.str("error")).contains("not allowed").contains("/pair");
      assertThat(poco.http.get("/tasks").json().getJsonArray("tasks")).isEmpty();

      String wrong = code.equals("2222-2222-2222") ? "3333-3333-3333" : "2222-2222-2222";
      Http.Result miss = demo.command("c-pair", "alice", "/pair " + wrong);
      assertThat(miss.status()).isEqualTo(403);
      assertThat(miss.str("error")).contains("not valid");
      assertThat(demo.command("c-pair", "alice", "/pair " + code).json().getJsonObject("view").getString("body"))
          .contains("owner");
      assertThat(codeFile).doesNotExist();

      String id = demo.run("c-pair", "alice", "Reply with exactly: OWNER_OK");
      assertThat(demo.awaitDone(id, 10).getString("result")).isEqualTo("OWNER_OK");

      Http.Result bob = demo.command("c-pair", "bob", "/run Reply with exactly: BOB");
      assertThat(bob.status()).isEqualTo(403);
      assertThat(bob.str("task_id")).isNull();
      Http.Result closed = demo.command("c-pair", "bob", "/pair " + code);
      assertThat(closed.status()).isEqualTo(403);
      assertThat(closed.str("error")).contains("closed");
      Http.Result bobClick = demo.cardAction("group", "c-pair", "task.stop", null, null);
      assertThat(bobClick.status()).isEqualTo(403);
      assertThat(bobClick.str("error")).contains("not allowed");
    }
    // The owner is stored: after a restart alice is still allowed and no new code is printed.
    try (EmbeddedPoco again = EmbeddedPoco.start(home, Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false"))) {
      assertThat(home.resolve("pairing-code")).doesNotExist();
      Demo demo = new Demo(again.http);
      assertThat(demo.awaitDone(demo.run("c-pair", "alice", "Reply with exactly: STILL"), 10).getString("result"))
          .isEqualTo("STILL");
    }
  }

  @Test
  @DisplayName("POCO_ALLOWED_USERS lets listed users in and keeps others out, with no pairing code")
  void allowList() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home,
        Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false", ConfigKeys.ALLOWED_USERS, "demo:carol, feishu:ou_x"))) {
      Demo demo = new Demo(poco.http);
      assertThat(home.resolve("pairing-code")).doesNotExist();
      assertThat(demo.awaitDone(demo.run("c-list", "carol", "Reply with exactly: C"), 10).getString("result"))
          .isEqualTo("C");
      assertThat(demo.command("c-list", "dave", "Reply with exactly: D").status()).isEqualTo(403);
    }
  }
}
