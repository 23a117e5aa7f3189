package dev.poco.runtime;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;
import java.util.function.Supplier;

/**
 * PoCo's meters and the registry each Vertx instance reports to. Metrics are per JVM: whoever builds
 * the Vertx (the launcher, testkit) binds its registry here; roles register their meters on
 * {@link #registry(Vertx)}, and the HTTP edge serves {@link #scrape(Vertx)} at /metrics. A Vertx with
 * nothing bound gets a private in-memory registry, so roles never need to check.
 */
public final class PocoMetrics {
  /** Gauge, tag {@code state}: tasks now queued, running or waiting for confirmation. */
  public static final String TASKS = "poco.tasks";
  /** Counter, tag {@code state}: tasks that reached a terminal state since this JVM started. */
  public static final String TASKS_ENDED = "poco.tasks.ended";
  /** Gauge, tag {@code project}: tasks queued behind the project's active one. */
  public static final String QUEUE_DEPTH = "poco.queue.depth";
  /** Counter, tag {@code platform}: cards posted or patched by a gateway. */
  public static final String CARD_UPDATES = "poco.card.updates";
  /** Counter, tags {@code platform} and {@code kind}: failed calls to a chat platform. */
  public static final String PLATFORM_ERRORS = "poco.platform.errors";

  private record Binding(MeterRegistry registry, Supplier<String> scrape) {}

  private static final Map<Vertx, Binding> BINDINGS = new WeakHashMap<>();

  private PocoMetrics() {}

  /** Binds the registry Vert.x's own metrics go to, with its text exposition (Prometheus format). */
  public static synchronized void bind(Vertx vertx, MeterRegistry registry, Supplier<String> scrape) {
    BINDINGS.put(vertx, new Binding(registry, scrape));
  }

  public static synchronized MeterRegistry registry(Vertx vertx) {
    return BINDINGS.computeIfAbsent(vertx, v -> new Binding(new SimpleMeterRegistry(), null)).registry();
  }

  /** The exposition text, or empty when this Vertx was built without an exporting registry. */
  public static Optional<String> scrape(Vertx vertx) {
    Binding b;
    synchronized (PocoMetrics.class) {
      b = BINDINGS.get(vertx);
    }
    return b == null || b.scrape() == null ? Optional.empty() : Optional.of(b.scrape().get());
  }

  public static Counter cardUpdates(Vertx vertx, String platform) {
    return Counter.builder(CARD_UPDATES).description("Cards posted or patched on a chat platform")
        .tag("platform", platform).register(registry(vertx));
  }

  public static Counter platformErrors(Vertx vertx, String platform, String kind) {
    return Counter.builder(PLATFORM_ERRORS).description("Failed calls to a chat platform")
        .tag("platform", platform).tag("kind", kind).register(registry(vertx));
  }
}
