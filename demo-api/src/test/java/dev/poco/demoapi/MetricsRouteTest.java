package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.runtime.PocoMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
class MetricsRouteTest {

  @Test
  @DisplayName("/metrics serves the exposition text bound to this Vertx")
  void servesBoundScrape(Vertx vertx, VertxTestContext ctx) {
    PocoMetrics.bind(vertx, new SimpleMeterRegistry(), () -> "poco_tasks{state=\"running\"} 1.0\n");
    Edge.deploy(vertx).compose(edge -> edge.get("/metrics")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.getHeader("Content-Type")).startsWith("text/plain; version=0.0.4");
      assertThat(r.bodyAsString()).contains("poco_tasks{state=\"running\"} 1.0");
      ctx.completeNow();
    })));
  }

  @Test
  @DisplayName("/metrics says 503 when the server was built without an exporting registry")
  void unavailableWithoutRegistry(Vertx vertx, VertxTestContext ctx) {
    Edge.deploy(vertx).compose(edge -> edge.get("/metrics")).onComplete(ctx.succeeding(r -> ctx.verify(() -> {
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.bodyAsJsonObject().getString("error")).contains("metrics are off");
      ctx.completeNow();
    })));
  }
}
