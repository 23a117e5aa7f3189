package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@DisplayName("The running server watches poco.config.json through a ConfigRetriever")
class ConfigWatchTest {
  @TempDir Path home;

  private void file(String json) throws Exception {
    OwnerOnly.write(home.resolve("poco.config.json"), json);
  }

  @Test
  @DisplayName("an edit of the allow-list is published locally on poco.config.changed, without the secrets;"
      + " a broken edit publishes nothing and the next good one does")
  void publishesEdits(Vertx vertx) throws Exception {
    file("{\"POCO_ALLOWED_USERS\": [\"feishu:ou_a\"], \"feishu\": {\"app_id\": \"cli_1\", \"app_secret\": \"s3cret-v1\"}}");
    Map<String, String> env = Map.of(ConfigKeys.HOME, home.toString(), ConfigKeys.CONFIG_SCAN_MS, "100",
        ConfigKeys.HTTP_TOKEN, "token-from-env-123");
    BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG_CHANGED, m -> published.add(m.body()))
        .completion().await();
    ConfigWatch.start(vertx, env, PocoConfig.load(env)).await();

    Thread.sleep(400);
    assertThat(published).as("nothing changed, nothing published").isEmpty();

    file("{\"POCO_ALLOWED_USERS\": [\"feishu:ou_a\", \"slack:U2\"], \"feishu\": {\"app_id\": \"cli_1\","
        + " \"app_secret\": \"s3cret-v2\"}}");
    JsonObject changed = published.poll(10, TimeUnit.SECONDS);
    assertThat(changed).isNotNull();
    assertThat(changed.getString(ConfigKeys.ALLOWED_USERS)).isEqualTo("feishu:ou_a,slack:U2");
    assertThat(changed.getString(ConfigKeys.FEISHU_APP_ID)).isEqualTo("cli_1");
    assertThat(changed.getString(ConfigKeys.HOME)).isEqualTo(home.toString());
    assertThat(changed.fieldNames()).doesNotContainAnyElementsOf(ConfigKeys.SECRETS);
    assertThat(changed.encode()).doesNotContain("s3cret").doesNotContain("token-from-env-123");

    file("{\"POCO_ALLOWED_USERS\": [\"feishu:ou_evil\"],");
    Thread.sleep(400);
    assertThat(published).as("a broken file keeps the last good configuration").isEmpty();

    file("{\"POCO_ALLOWED_USERS\": \"slack:U3\"}");
    JsonObject again = published.poll(10, TimeUnit.SECONDS);
    assertThat(again).isNotNull();
    assertThat(again.getString(ConfigKeys.ALLOWED_USERS)).isEqualTo("slack:U3");
    assertThat(again.containsKey(ConfigKeys.FEISHU_APP_ID)).isFalse();
  }

  @Test
  @DisplayName("the environment still beats the file after an edit")
  void environmentWins(Vertx vertx) throws Exception {
    file("{\"POCO_ALLOWED_USERS\": \"feishu:ou_file\", \"POCO_RUNNER_MAX_TASKS\": 2}");
    Map<String, String> env = Map.of(ConfigKeys.HOME, home.toString(), ConfigKeys.CONFIG_SCAN_MS, "100",
        ConfigKeys.ALLOWED_USERS, "feishu:ou_env");
    BlockingQueue<JsonObject> published = new LinkedBlockingQueue<>();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.CONFIG_CHANGED, m -> published.add(m.body()))
        .completion().await();
    ConfigWatch.start(vertx, env, PocoConfig.load(env)).await();

    file("{\"POCO_ALLOWED_USERS\": \"feishu:ou_file2\", \"POCO_RUNNER_MAX_TASKS\": 3}");
    JsonObject changed = published.poll(10, TimeUnit.SECONDS);
    assertThat(changed).isNotNull();
    assertThat(changed.getString(ConfigKeys.ALLOWED_USERS)).isEqualTo("feishu:ou_env");
    assertThat(changed.getValue(ConfigKeys.RUNNER_MAX_TASKS)).isEqualTo(3);
  }

  @Test
  @DisplayName("POCO_CONFIG_SCAN_MS=0 turns the watch off")
  void off(Vertx vertx) {
    Map<String, String> env = Map.of(ConfigKeys.HOME, home.toString(), ConfigKeys.CONFIG_SCAN_MS, "0");
    assertThat(ConfigWatch.start(vertx, env, PocoConfig.load(env)).await()).isNull();
  }
}
