package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandTest {
  @TempDir Path tmp;

  private Path home() { return tmp.resolve("poco-home"); }

  private Map<String, String> env() { return Map.of(ConfigKeys.HOME, home().toString()); }

  private JsonObject saved() throws Exception {
    return new JsonObject(Files.readString(home().resolve("poco.config.json")));
  }

  @Test
  @DisplayName("piped answers are saved owner-only, and the secret is never echoed")
  void writesOwnerOnly() throws Exception {
    Clis.Result r = Clis.poco(env(), "cli_a1\ns3cr3t-feishu\n\nxoxb-bot-token\nwebhook\nslack-signing-1\n", "config");

    assertThat(r.code()).isZero();
    JsonObject saved = saved();
    assertThat(saved.getString(ConfigKeys.FEISHU_APP_ID)).isEqualTo("cli_a1");
    assertThat(saved.getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("s3cr3t-feishu");
    assertThat(saved.getString(ConfigKeys.SLACK_BOT_TOKEN)).isEqualTo("xoxb-bot-token");
    assertThat(saved.containsKey(ConfigKeys.SLACK_APP_TOKEN)).isFalse();
    assertThat(saved.getString(ConfigKeys.SLACK_SIGNING_SECRET)).isEqualTo("slack-signing-1");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home().resolve("poco.config.json"))))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home()))).isEqualTo("rwx------");
    assertThat(r.all()).doesNotContain("s3cr3t-feishu", "xoxb-bot-token", "slack-signing-1");
  }

  @Test
  @DisplayName("Slack in Socket Mode (the default): the app-level token is asked, the signing secret is not")
  void slackSocketAsksForTheAppToken() throws Exception {
    Clis.Result r = Clis.poco(env(), "\n\n\nxoxb-bot-2\n\nxapp-app-2\n", "config");

    assertThat(r.code()).as(r.all()).isZero();
    JsonObject saved = saved();
    assertThat(saved.getString(ConfigKeys.SLACK_BOT_TOKEN)).isEqualTo("xoxb-bot-2");
    assertThat(saved.getString(ConfigKeys.SLACK_APP_TOKEN)).isEqualTo("xapp-app-2");
    assertThat(r.out()).contains("Slack app-level token").doesNotContain("Slack signing secret");
    assertThat(r.all()).doesNotContain("xoxb-bot-2", "xapp-app-2");
  }

  @Test
  @DisplayName("Feishu by webhook: the verification token and encrypt key are asked too; a delivery mode outside the"
      + " known ones is refused")
  void webhookAsksForItsSecrets() throws Exception {
    Clis.Result r = Clis.poco(env(), "cli_a1\ns3cr3t-feishu\nWebhook\nverify-tok-1\nenc-key-1\n\npigeon\n\n",
        "config");

    assertThat(r.code()).as(r.all()).isZero();
    JsonObject saved = saved();
    assertThat(saved.getString(ConfigKeys.FEISHU_DELIVERY_MODE)).isEqualTo("webhook");
    assertThat(saved.getString(ConfigKeys.FEISHU_VERIFICATION_TOKEN)).isEqualTo("verify-tok-1");
    assertThat(saved.getString(ConfigKeys.FEISHU_ENCRYPT_KEY)).isEqualTo("enc-key-1");
    assertThat(saved.containsKey(ConfigKeys.SLACK_DELIVERY_MODE)).isFalse();
    assertThat(r.out()).contains("'pigeon' is not one of [socket, webhook]");
    assertThat(r.all()).doesNotContain("verify-tok-1", "enc-key-1", "s3cr3t-feishu");
  }

  @Test
  @DisplayName("Enter keeps values, other content is merged, and current secrets show only as set")
  void mergesAndKeeps() throws Exception {
    Files.createDirectories(home());
    Files.writeString(home().resolve("poco.config.json"), """
        {"POCO_CODEX_COMMAND": "codex --fast", "feishu": {"app_id": "cli_old", "app_secret": "old-secret-1"},
         "slack": {"delivery_mode": "webhook"}}
        """);

    Clis.Result r = Clis.poco(env(), "\nnew-secret-2\n\n\n\n\n", "config");

    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Feishu App ID [cli_old]").contains("Feishu App Secret [set]")
        .contains("Slack bot token (xoxb-...) [not set]");
    assertThat(r.all()).doesNotContain("old-secret-1", "new-secret-2");
    JsonObject saved = saved();
    assertThat(saved.getString("POCO_CODEX_COMMAND")).isEqualTo("codex --fast");
    assertThat(saved.getJsonObject("feishu").getString("app_id")).isEqualTo("cli_old");
    assertThat(saved.getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("new-secret-2");
    assertThat(saved.getJsonObject("feishu").containsKey("app_secret")).as("stale sectioned secret dropped").isFalse();
    assertThat(saved.getJsonObject("slack").getString("delivery_mode")).isEqualTo("webhook");
    assertThat(PocoConfig.load(env()).getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("new-secret-2");
  }

  @Test
  @DisplayName("'-' clears a value; end of input keeps the rest")
  void clearsAndStopsAtEof() throws Exception {
    Clis.poco(env(), "cli_a1\nsecret-one\n", "config");
    Clis.Result r = Clis.poco(env(), "-\n", "config");

    assertThat(r.code()).isZero();
    assertThat(saved().containsKey(ConfigKeys.FEISHU_APP_ID)).isFalse();
    assertThat(saved().getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("secret-one");
  }

  @Test
  @DisplayName("it says when an environment variable will override the saved value")
  void envOverrideNote() {
    Map<String, String> env = Map.of(ConfigKeys.HOME, home().toString(), ConfigKeys.FEISHU_APP_ID, "cli_env");
    Clis.Result r = Clis.poco(env, "cli_file\n", "config");

    assertThat(r.out()).contains("POCO_FEISHU_APP_ID is set in the environment and overrides the file");
  }

  @Test
  @DisplayName("a malformed existing file is left alone")
  void malformedExisting() throws Exception {
    Files.createDirectories(home());
    Files.writeString(home().resolve("poco.config.json"), "{nope");
    Clis.Result r = Clis.poco(env(), "cli_a1\n", "config");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("is not valid JSON");
    assertThat(Files.readString(home().resolve("poco.config.json"))).isEqualTo("{nope");
  }

  @Test
  @DisplayName("a random POCO_HTTP_TOKEN is written once, never printed, and kept on later runs")
  void generatesHttpToken() throws Exception {
    Clis.Result first = Clis.poco(env(), "\n", "config");
    String token = saved().getString(ConfigKeys.HTTP_TOKEN);
    assertThat(token).matches("[A-Za-z0-9_-]{43}");
    assertThat(first.out()).contains("Generated POCO_HTTP_TOKEN");
    assertThat(first.all()).doesNotContain(token);

    Clis.poco(env(), "\n", "config");
    assertThat(saved().getString(ConfigKeys.HTTP_TOKEN)).isEqualTo(token);
    Map<String, String> withEnv = Map.of(ConfigKeys.HOME, tmp.resolve("other").toString(),
        ConfigKeys.HTTP_TOKEN, "token-from-env-1234");
    Clis.poco(withEnv, "\n", "config");
    assertThat(new JsonObject(Files.readString(tmp.resolve("other").resolve("poco.config.json")))
        .containsKey(ConfigKeys.HTTP_TOKEN)).as("the environment's token is used, none generated").isFalse();
  }
}
