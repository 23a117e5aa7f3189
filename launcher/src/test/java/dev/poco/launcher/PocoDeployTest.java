package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class PocoDeployTest {
  private final JsonObject config = new JsonObject().put("POCO_MARK", "cfg");

  @BeforeEach
  void reset() { RecordingVerticle.EVENTS.clear(); }

  private static Map<String, String> classes(Class<?> store, Class<?> runner, Class<?> orchestrator, Class<?> edge) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(Poco.STORE, store.getName());
    m.put(Poco.AGENT_RUNNER, runner.getName());
    m.put(Poco.ORCHESTRATOR, orchestrator.getName());
    m.put(Poco.DEMO_API, edge.getName());
    return m;
  }

  private static Map<String, String> recording() {
    return classes(RecordingVerticle.A.class, RecordingVerticle.B.class, RecordingVerticle.C.class, IdleVerticle.class);
  }

  @Test
  @DisplayName("roles deploy in order store, agent-runner, orchestrator, demo-api, each with the config")
  void order(Vertx vertx, VertxTestContext ctx) {
    var classes = recording();
    Poco.deploy(vertx, config, classes.keySet(), classes).onComplete(ctx.succeeding(ids -> ctx.verify(() -> {
      assertThat(ids).hasSize(4);
      assertThat(RecordingVerticle.EVENTS).containsExactly("start A cfg", "start B cfg", "start C cfg");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a failing role undeploys the ones before it, newest first, and names itself in the error")
  void rollback(Vertx vertx, VertxTestContext ctx) {
    var classes = classes(RecordingVerticle.A.class, RecordingVerticle.B.class, RecordingVerticle.Failing.class,
        RecordingVerticle.C.class);
    Poco.deploy(vertx, config, classes.keySet(), classes).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).isInstanceOf(Poco.DeployException.class)
          .hasMessage("orchestrator failed to start: port 8000 is taken");
      assertThat(RecordingVerticle.EVENTS)
          .containsExactly("start A cfg", "start B cfg", "start Failing", "stop B", "stop A");
      assertThat(vertx.deploymentIDs()).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("only the chosen roles deploy, still in PoCo's order")
  void subset(Vertx vertx, VertxTestContext ctx) {
    var classes = recording();
    Set<String> roles = Set.of(Poco.ORCHESTRATOR, Poco.STORE);
    Poco.deploy(vertx, config, roles, classes).onComplete(ctx.succeeding(ids -> ctx.verify(() -> {
      assertThat(ids).hasSize(2);
      assertThat(RecordingVerticle.EVENTS).containsExactly("start A cfg", "start C cfg");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("a missing role class fails with a readable reason")
  void missingClass(Vertx vertx, VertxTestContext ctx) {
    var classes = recording();
    classes.put(Poco.DEMO_API, "dev.poco.nowhere.GoneVerticle");
    Poco.deploy(vertx, config, classes.keySet(), classes).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessage("demo-api failed to start: class dev.poco.nowhere.GoneVerticle is not on the classpath");
      assertThat(vertx.deploymentIDs()).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("unknown role names are refused")
  void unknownRoles(Vertx vertx, VertxTestContext ctx) {
    assertThatThrownBy(() -> Poco.parseRoles("store, gateway")).hasMessageContaining("[gateway]");
    assertThat(Poco.parseRoles("store,demo-api")).containsExactly("store", "demo-api");
    // Both chat gateways are in this build: every known role can run.
    assertThat(Poco.parseRoles("store,gateway-slack")).containsExactly("store", "gateway-slack");
    assertThat(Poco.KNOWN_ROLES).contains("gateway-feishu", "gateway-slack");
    assertThat(Poco.ALL_ROLES).containsExactly("store", "agent-runner", "orchestrator", "gateway-feishu",
        "gateway-slack", "demo-api");
    Poco.deploy(vertx, config, Set.of("web")).onComplete(ctx.failing(err -> ctx.verify(() -> {
      assertThat(err).hasMessageContaining("unknown role(s) [web]");
      ctx.completeNow();
    })));
  }
}
