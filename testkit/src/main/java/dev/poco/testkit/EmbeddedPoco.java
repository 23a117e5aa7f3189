package dev.poco.testkit;

import dev.poco.agentrunner.RunnerVerticle;
import dev.poco.contract.ConfigKeys;
import dev.poco.demoapi.DemoApiVerticle;
import dev.poco.launcher.Metrics;
import dev.poco.orchestrator.OrchestratorVerticle;
import dev.poco.store.StoreVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;

/**
 * The whole system in this JVM (store, runner, orchestrator, HTTP edge on a free loopback port),
 * configured for tests: SQLite file under {@code home}, the stub agent, working dirs under
 * {@code home}. Extra keys override the defaults.
 */
public final class EmbeddedPoco implements AutoCloseable {
  public final Vertx vertx;
  public final Http http;
  public final JsonObject config;
  public final Path home;
  private String storeDeployment;

  private EmbeddedPoco(Vertx vertx, Http http, JsonObject config, Path home, String storeDeployment) {
    this.storeDeployment = storeDeployment;
    this.vertx = vertx;
    this.http = http;
    this.config = config;
    this.home = home;
  }

  public static JsonObject testConfig(Path home, int port) {
    return new JsonObject()
        .put(ConfigKeys.HOME, home.toString())
        .put(ConfigKeys.STATE_DB_PATH, home.resolve("poco.db").toString())
        .put(ConfigKeys.PAIRING_CODE_FILE, home.resolve("pairing-code").toString())
        .put(ConfigKeys.HTTP_HOST, "127.0.0.1")
        .put(ConfigKeys.HTTP_PORT, String.valueOf(port))
        .put(ConfigKeys.AGENT_BACKEND, "stub")
        .put(ConfigKeys.WORKDIR_ROOTS, home.toString());
  }

  public static EmbeddedPoco start(Path home, Map<String, String> extra) {
    int port = Ports.free();
    JsonObject config = testConfig(home, port);
    extra.forEach(config::put);
    // One event loop and metrics on, as `poco start` runs it (POCO_EVENT_LOOPS default), so tests and bench see what users get.
    Vertx vertx = Metrics.local(new VertxOptions().setEventLoopPoolSize(1));
    String store;
    try {
      DeploymentOptions options = new DeploymentOptions().setConfig(config);
      store = vertx.deployVerticle(new StoreVerticle(), options).await();
      vertx.deployVerticle(new RunnerVerticle(), options).await();
      vertx.deployVerticle(new OrchestratorVerticle(), options).await();
      vertx.deployVerticle(new DemoApiVerticle(), options).await();
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
    return new EmbeddedPoco(vertx, new Http(vertx, port), config, home, store);
  }

  /** Takes the store away (its verticle undeployed, the SQLite file closed), as an outage would. */
  public void stopStore() {
    vertx.undeploy(storeDeployment).await();
  }

  /** Brings the store back on the same SQLite file. */
  public void startStore() {
    storeDeployment = vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config)).await();
  }

  @Override
  public void close() {
    http.close();
    vertx.close().await();
  }
}
