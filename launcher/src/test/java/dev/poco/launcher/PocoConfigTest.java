package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private void file(String json) throws Exception {
    Files.writeString(home.resolve("poco.config.json"), json);
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
}
