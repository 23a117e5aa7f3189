package dev.poco.demoapi;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP edge: /health, /metrics, /tasks, /debug/env, /debug/feishu, /debug/slack, the /demo surface and the platform webhook routes.
 * It holds no state; every answer comes from the orchestrator or a gateway over the event bus.
 */
public class DemoApiVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DemoApiVerticle.class);

  private HttpServer server;

  @Override
  public Future<?> start() {
    Settings settings = new Settings(config());
    EdgeConfig edge = EdgeConfig.from(settings);
    Responses responses = new Responses(new Redactor(settings));
    HttpErrors errors = new HttpErrors(responses, edge.maxBodyBytes());

    Router router = Router.router(vertx);
    // Before the body handler: a refused request's body is never read.
    router.route().handler(new EdgeGuard(edge, this::actualPort, responses));
    router.route().handler(BodyHandler.create(false).setBodyLimit(edge.maxBodyBytes()));
    router.route().failureHandler(errors::onFailure);
    router.errorHandler(404, errors::notFound);
    router.errorHandler(405, errors::methodNotAllowed);
    for (int status : new int[] {400, 401, 403, 413, 415, 500}) router.errorHandler(status, errors::onFailure);
    new HealthRoute(vertx, settings, edge, this::actualPort, responses).mount(router);
    new TaskRoutes(vertx, responses).mount(router);
    new DebugRoutes(settings, responses).mount(router);
    new GatewayDebugRoute(vertx, new PlatformHealth(settings, edge), responses).mount(router);
    new MetricsRoute(vertx, responses).mount(router);
    new DemoRoutes(vertx, responses).mount(router);
    new WebhookRoutes(vertx).mount(router);

    server = vertx.createHttpServer(new HttpServerOptions().setHost(edge.host()).setPort(edge.port()));
    return server.requestHandler(router).invalidRequestHandler(HttpErrors::invalidRequest).listen()
        .onSuccess(s -> {
          log.info("HTTP edge listening on http://{}:{}", edge.host(), s.actualPort());
          if (!edge.trusted() && edge.token() == null) {
            log.warn("the HTTP edge {} and {} is not set: every route but /platform/* and a minimal /health answers "
                + "401 (`poco config` writes a token)", edge.loopback() ? "does not trust local callers"
                : "binds " + edge.host() + ", beyond loopback,", ConfigKeys.HTTP_TOKEN);
          }
        });
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The port the edge listens on (the chosen one when configured as 0), or -1 before it listens. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }
}
