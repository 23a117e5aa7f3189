package dev.poco.demoapi;

import dev.poco.runtime.PocoMetrics;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * GET /metrics: this JVM's registry in the Prometheus text format. In cluster mode each node serves its
 * own meters, so only the node running the edge shows here; task gauges appear where the orchestrator runs.
 */
final class MetricsRoute {
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final Responses responses;

  MetricsRoute(Vertx vertx, Responses responses) {
    this.vertx = vertx;
    this.responses = responses;
  }

  void mount(Router router) {
    router.get("/metrics").handler(this::metrics);
  }

  private void metrics(RoutingContext ctx) {
    PocoMetrics.scrape(vertx).ifPresentOrElse(
        text -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT).end(text),
        () -> responses.error(ctx, 503, "metrics are off: this server was started without a metrics registry"));
  }
}
