package dev.poco.launcher;

import dev.poco.runtime.PocoMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.UUID;

/**
 * Vert.x Micrometer metrics into a Prometheus registry, one per Vertx, bound in {@link PocoMetrics} so
 * roles add their meters to it and the HTTP edge serves it at /metrics.
 */
public final class Metrics {
  private Metrics() {}

  /** A local Vertx with metrics on. */
  public static Vertx local(VertxOptions options) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = builder(options, registry).build();
    bind(vertx, registry);
    return vertx;
  }

  /** The builder for a local or clustered Vertx reporting to {@code registry}; {@link #bind} the result. */
  public static VertxBuilder builder(VertxOptions options, PrometheusMeterRegistry registry) {
    // Backends are shared by registry name; a unique one keeps two Vertx in one JVM (tests) apart.
    // Per-address bus series stay few: addresses are per role, runner and platform, never per task.
    options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).addLabels(Label.EB_ADDRESS)
        .setRegistryName("poco-" + UUID.randomUUID()));
    return Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory(registry));
  }

  public static void bind(Vertx vertx, PrometheusMeterRegistry registry) {
    PocoMetrics.bind(vertx, registry, registry::scrape);
  }
}
