package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PocoConfigTest {
  @TempDir Path home;

  private Map<String, String> env(String... kv) {
    Map<String, String> env = new java.util.HashMap<>();
    env.put(ConfigKeys.HOME, home.toString());
    for (int i = 0; i < kv.length; i += 2) env.put(kv[i], kv[i + 1]);
    return env;
  }

  /** Written rw------- as `poco config` writes it: PoCo refuses a config file others may read. */
  private void file(String json) throws Exception {
    OwnerOnly.write(home.resolve("poco.config.json"), json);
  }

  @Test
  @DisplayName("environment beats flat file keys, which beat sectioned file keys")
  void precedence() throws Exception {
    file("""
        {"feishu": {"app_id": "from-section", "app_secret": "section-secret", "delivery_mode": "webhook"},
         "POCO_FEISHU_APP_ID": "from-flat", "POCO_FEISHU_APP_SECRET": "flat-secret",
         "codex": {"command": "codex-section"}}
        """);
    JsonObject config = PocoConfig.load(env(ConfigKeys.FEISHU_APP_ID, "from-env", "HOME", "/not/poco"));

    assertThat(config.getString(ConfigKeys.FEISHU_APP_ID)).isEqualTo("from-env");
    assertThat(config.getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("flat-secret");
    assertThat(config.getString(ConfigKeys.FEISHU_DELIVERY_MODE)).isEqualTo("webhook");
    assertThat(config.getString("POCO_CODEX_COMMAND")).isEqualTo("codex-section");
    assertThat(config.containsKey("HOME")).as("only POCO_* variables are config").isFalse();
  }

  @Test
  @DisplayName("the database and pairing code default into POCO_HOME")
  void derivedDefaults() {
    JsonObject config = PocoConfig.load(env());

    assertThat(config.getString(ConfigKeys.HOME)).isEqualTo(home.toString());
    assertThat(config.getString(ConfigKeys.STATE_DB_PATH)).isEqualTo(home.resolve("poco.db").toString());
    assertThat(config.getString(ConfigKeys.PAIRING_CODE_FILE)).isEqualTo(home.resolve("pairing-code").toString());
  }

  @Test
  @DisplayName("explicit paths win over the derived defaults, with ~ expanded")
  void explicitPaths() throws Exception {
    file("{\"state\": {\"db_path\": \"~/data/poco.db\"}}");
    JsonObject config = PocoConfig.load(env(ConfigKeys.PAIRING_CODE_FILE, "/run/poco/code"));

    assertThat(config.getString(ConfigKeys.STATE_DB_PATH)).isEqualTo(System.getProperty("user.home") + "/data/poco.db");
    assertThat(config.getString(ConfigKeys.PAIRING_CODE_FILE)).isEqualTo("/run/poco/code");
  }

  @Test
  @DisplayName("a list in the file becomes a comma list; numbers stay numbers")
  void listsAndNumbers() throws Exception {
    file("{\"POCO_ALLOWED_USERS\": [\"feishu:ou_1\", \"slack:U2\"], \"http\": {\"port\": 9000}}");
    JsonObject config = PocoConfig.load(env());

    assertThat(config.getString(ConfigKeys.ALLOWED_USERS)).isEqualTo("feishu:ou_1,slack:U2");
    assertThat(config.getValue(ConfigKeys.HTTP_PORT)).isEqualTo(9000);
  }

  @Test
  @DisplayName("no config file is fine: defaults and environment only")
  void noFile() {
    JsonObject config = PocoConfig.load(env(ConfigKeys.HTTP_PORT, "8123"));

    assertThat(config.getString(ConfigKeys.HTTP_PORT)).isEqualTo("8123");
    assertThat(Files.exists(home.resolve("poco.config.json"))).isFalse();
  }

  @Test
  @DisplayName("POCO_HOME defaults to ~/.poco")
  void defaultHome() {
    assertThat(PocoHome.from(Map.of()).dir()).isEqualTo(Path.of(System.getProperty("user.home"), ".poco"));
  }

  @Test
  @DisplayName("a malformed file is named, with the JSON problem and its position")
  void malformed() throws Exception {
    file("{\"feishu\": {\"app_id\": \"x\",}\n");

    assertThatThrownBy(() -> PocoConfig.load(env()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(home.resolve("poco.config.json").toString())
        .hasMessageContaining("not valid JSON")
        .hasMessageContaining("line 1, column");
  }

  @Test
  @DisplayName("a file that is not a JSON object is refused")
  void notAnObject() throws Exception {
    file("[\"POCO_HTTP_PORT\"]");

    assertThatThrownBy(() -> PocoConfig.load(env())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("must hold a JSON object").hasMessageContaining("an array");
  }

  @Test
  @DisplayName("the CLI reports a malformed file on stderr and exits 2")
  void malformedViaCli() throws Exception {
    file("{oops");
    Clis.Result r = Clis.poco(env(), "", "status");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("poco.config.json is not valid JSON");
  }

  @Test
  @DisplayName("a port that is not a number is a configuration error")
  void badPort() {
    Clis.Result r = Clis.poco(env(ConfigKeys.HTTP_PORT, "eighty"), "", "start");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("POCO_HTTP_PORT must be a whole number");
  }

  @Test
  @DisplayName("a config file with values that group or others may read or write is refused, naming the chmod to run")
  void sharedFileRefused() throws Exception {
    Path f = home.resolve("poco.config.json");
    Files.writeString(f, "{\"feishu\": {\"app_secret\": \"shh-secret-value\"}}");
    for (String mode : new String[] {"rw-r--r--", "rw--w----", "rw-rw-rw-"}) {
      Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
      assertThatThrownBy(() -> PocoConfig.load(env())).isInstanceOf(ConfigException.class)
          .hasMessageContaining("can be read or written by other users (" + mode + ")")
          .hasMessageContaining("Run: chmod 600 " + f)
          .hasMessageNotContaining("shh-secret-value");
    }
    Clis.Result r = Clis.poco(env(), "", "status");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("chmod 600 " + f).doesNotContain("Exception");

    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    assertThat(PocoConfig.load(env()).getString(ConfigKeys.FEISHU_APP_SECRET)).isEqualTo("shh-secret-value");
    Files.writeString(f, "{}");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(PocoConfig.load(env()).getString(ConfigKeys.HOME)).as("an empty file holds nothing to protect")
        .isEqualTo(home.toString());
  }

  @Test
  @DisplayName("relative paths (database, pairing code, an agent's home) lie under POCO_HOME, not the caller's directory")
  void relativePathsUnderHome() throws Exception {
    file("{\"codex\": {\"home\": \"codex-home\"}}");
    JsonObject config = PocoConfig.load(env(ConfigKeys.STATE_DB_PATH, "data/poco.db",
        ConfigKeys.PAIRING_CODE_FILE, "./code", "POCO_CURSOR_HOME", "../cursor"));

    assertThat(config.getString(ConfigKeys.STATE_DB_PATH)).isEqualTo(home.resolve("data/poco.db").toString());
    assertThat(config.getString(ConfigKeys.PAIRING_CODE_FILE)).isEqualTo(home.resolve("code").toString());
    assertThat(config.getString("POCO_CODEX_HOME")).isEqualTo(home.resolve("codex-home").toString());
    assertThat(config.getString("POCO_CURSOR_HOME")).isEqualTo(home.getParent().resolve("cursor").toString());
  }

  @Test
  @DisplayName("a bad POCO_HTTP_PORT (-1, abc, 70000) is a sentence and exit 2, never an exception's name")
  void badPorts() {
    // ("" is not tried: it means unset, and `start` would then really start a server on the default port 8000 and
    // leave it running after the test, as one did on this machine)
    for (String port : new String[] {"-1", "abc", "70000"}) {
      for (String command : new String[] {"start", "status"}) {
        Clis.Result r = Clis.poco(env(ConfigKeys.HTTP_PORT, port), "", command);
        assertThat(r.code()).as(port + " " + command + ": " + r.all()).isEqualTo(2);
        assertThat(r.err()).contains("POCO_HTTP_PORT must be").contains("0 to 65535")
            .doesNotContain("Exception").doesNotContain("\tat ");
      }
    }
  }

  @Test
  @DisplayName("a secret's value in an error is masked")
  void maskedInErrors() {
    String secret = "xoxb-9f8e7d6c5b4a";
    Clis.Result r = Clis.poco(env(ConfigKeys.SLACK_BOT_TOKEN, secret, ConfigKeys.HTTP_PORT, secret), "", "start");

    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("POCO_HTTP_PORT must be a whole number, got '****'").doesNotContain(secret);
  }

  @Test
  @DisplayName("an unquoted secret in a malformed file does not reach the error")
  void malformedSecretNotEchoed() throws Exception {
    file("{\"POCO_SLACK_BOT_TOKEN\": xoxbsecretvalue}");
    assertThatThrownBy(() -> PocoConfig.load(env())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("not valid JSON").hasMessageNotContaining("xoxbsecretvalue");
  }

  @Test
  @DisplayName("an unexpected failure reads as a sentence, not an exception class")
  void readableFailure() {
    assertThat(Main.readable(new NullPointerException())).isEqualTo(
        "an unexpected internal error (please report it, with the command you ran)");
    assertThat(Main.readable(new java.io.IOException("disk full"))).isEqualTo("disk full");
    assertThat(Main.readable(new RuntimeException(new IllegalStateException("port taken")))).isEqualTo("port taken");
  }
}
