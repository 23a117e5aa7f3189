package dev.poco.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.StoreOp;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Store: exactly one owner")
class StoreOwnershipTest {
  @TempDir Path dir;

  private static Future<String> deploy(Vertx vertx, JsonObject config) {
    return vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config));
  }

  @Test
  @DisplayName("info names the node that serves the store, and every reply carries it")
  void infoNamesItsNode(Vertx vertx) {
    Fixtures.deploy(vertx, Fixtures.config(dir.resolve("poco.db")));
    JsonObject info = vertx.eventBus().<JsonObject>request("poco.store.info", new JsonObject()).await().body();
    assertThat(info.getString("node_id")).isEqualTo("local");
    String header = vertx.eventBus().<JsonObject>request("poco.store.info", new JsonObject()).await().headers()
        .get(StoreOp.NODE_HEADER);
    assertThat(header).isEqualTo("local");
  }

  @Test
  @DisplayName("a second store on the same bus refuses to start, even on another file, and the first serves on")
  void secondStoreOnTheBusRefuses(Vertx vertx) {
    Fixtures.deploy(vertx, Fixtures.config(dir.resolve("a.db")));
    Throwable err = deploy(vertx, Fixtures.config(dir.resolve("b.db")))
        .transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(err).isNotNull();
    assertThat(err.getMessage()).contains("another store already serves this cluster (node local")
        .contains("a.db");
    assertThat(new StoreTestClient(vertx.eventBus()).info().await().getString("path"))
        .isEqualTo(dir.resolve("a.db").toString());
  }

  @Test
  @DisplayName("a second store on the same file refuses to start even where the bus cannot see the first")
  void secondStoreOnTheFileRefuses(Vertx vertx) {
    Path db = dir.resolve("poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    Vertx other = Vertx.vertx(); // its own bus: only the file tells
    try {
      Throwable err = deploy(other, Fixtures.config(db)).transform(ar -> Future.succeededFuture(ar.cause()))
          .await();
      assertThat(err).isNotNull();
      assertThat(err.getMessage()).contains("another process already serves the database").contains("poco.db.lock");
      assertThat(new StoreTestClient(vertx.eventBus()).info().await().getString("path")).isEqualTo(db.toString());
    } finally {
      other.close().await();
    }
  }

  @Test
  @DisplayName("the lock goes with the store: after an undeploy the next store takes the file")
  void lockReleasedOnStop(Vertx vertx) {
    Path db = dir.resolve("poco.db");
    String id = Fixtures.deploy(vertx, Fixtures.config(db));
    vertx.undeploy(id).await();
    Vertx other = Vertx.vertx();
    try {
      Fixtures.deploy(other, Fixtures.config(db));
    } finally {
      other.close().await();
    }
  }
}
