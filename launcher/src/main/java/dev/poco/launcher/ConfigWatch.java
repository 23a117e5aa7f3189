package dev.poco.launcher;

import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server's configuration through a vertx-config ConfigRetriever: the file ({@link PocoFileStore}) under
 * the POCO_* environment, flattened by {@link PocoConfig#flatten}, the same steps as the CLI's load. Every
 * POCO_CONFIG_SCAN_MS it reads them again; on a change it publishes, on this node only, the new flat config without
 * its secrets on {@link Addresses#CONFIG_CHANGED} (the orchestrator takes the allow-list from it).
 */
final class ConfigWatch {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatch.class);
  static final int DEFAULT_SCAN_MS = 2000;

  private ConfigWatch() {}

  /** Starts watching unless POCO_CONFIG_SCAN_MS is 0; completes once the first read is in (null when off). */
  static Future<ConfigRetriever> start(Vertx vertx, Map<String, String> env, JsonObject loaded) {
    int scanMs = new Settings(loaded).integer(ConfigKeys.CONFIG_SCAN_MS, DEFAULT_SCAN_MS);
    if (scanMs <= 0) return Future.succeededFuture();
    PocoHome home = PocoHome.from(env);
    ConfigRetriever retriever = ConfigRetriever.create(vertx, options(env, home, scanMs))
        .setConfigurationProcessor(layered -> PocoConfig.flatten(layered, home));
    // the first read sets the retriever's baseline; listening after it means only edits are changes
    return retriever.getConfig().map(first -> {
      retriever.listen(change -> changed(vertx, change.getPreviousConfiguration(), change.getNewConfiguration()));
      return retriever;
    });
  }

  static ConfigRetrieverOptions options(Map<String, String> env, PocoHome home, int scanMs) {
    // the environment as a json store, not vertx-config's env store: it must be the CLI's (tests inject one), and
    // a process's environment never changes anyway
    return new ConfigRetrieverOptions().setScanPeriod(scanMs)
        .addStore(new ConfigStoreOptions().setType(PocoFileStore.TYPE)
            .setConfig(new JsonObject().put("path", home.configFile().toString())))
        .addStore(new ConfigStoreOptions().setType("json").setConfig(PocoConfig.environment(env)));
  }

  private static void changed(Vertx vertx, JsonObject before, JsonObject after) {
    SecretMasking.install(after);
    log.info("poco.config.json changed: {}; publishing the new configuration", changedKeys(before, after));
    vertx.eventBus().publish(Addresses.CONFIG_CHANGED, withoutSecrets(after), new DeliveryOptions().setLocalOnly(true));
  }

  static JsonObject withoutSecrets(JsonObject config) {
    JsonObject out = config.copy();
    ConfigKeys.SECRETS.forEach(out::remove);
    return out;
  }

  /** Names only: the values may be secrets. */
  static Set<String> changedKeys(JsonObject before, JsonObject after) {
    Set<String> keys = new TreeSet<>(before.fieldNames());
    keys.addAll(after.fieldNames());
    keys.removeIf(k -> java.util.Objects.equals(before.getValue(k), after.getValue(k)));
    return keys;
  }
}
