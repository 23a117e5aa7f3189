package dev.poco.demoapi;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every error the edge answers: JSON {ok: false, error, code}, never a stack trace. */
final class HttpErrors {
  private static final Logger log = LoggerFactory.getLogger(HttpErrors.class);

  static final String ORCHESTRATOR = "the orchestrator";
  /** Vert.x's defaults (HttpServerOptions), named in the 414 and 431 answers. */
  static final int MAX_INITIAL_LINE = io.vertx.core.http.HttpServerOptions.DEFAULT_MAX_INITIAL_LINE_LENGTH;
  static final int MAX_HEADER_SIZE = io.vertx.core.http.HttpServerOptions.DEFAULT_MAX_HEADER_SIZE;

  private final Responses responses;
  private final int maxBodyBytes;

  HttpErrors(Responses responses, int maxBodyBytes) {
    this.responses = responses;
    this.maxBodyBytes = maxBodyBytes;
  }

  /** The error to answer when a bus request to {@code who} failed. */
  static HttpError fromBus(Throwable err, String who) {
    if (err instanceof HttpError he) return he;
    if (!(err instanceof ReplyException re)) {
      return new HttpError(Failures.INTERNAL, "internal error");
    }
    if (re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new HttpError(Failures.UNAVAILABLE, who + " is not running");
    }
    if (re.failureType() == ReplyFailure.TIMEOUT) {
      return new HttpError(504, who + " did not answer in time");
    }
    int code = Bus.code(err);
    if (code < 400 || code > 599) code = Failures.INTERNAL;
    String text = re.getMessage() == null || re.getMessage().isBlank() ? who + " failed" : re.getMessage();
    return new HttpError(code, text);
  }

  void onFailure(RoutingContext ctx) {
    Throwable err = ctx.failure();
    if (err instanceof HttpError he) {
      responses.error(ctx, he.status(), he.getMessage());
    } else if (err instanceof ReplyException) {
      HttpError he = fromBus(err, ORCHESTRATOR);
      responses.error(ctx, he.status(), he.getMessage());
    } else if (ctx.statusCode() == 413) {
      tooLarge(ctx);
    } else if (err == null && ctx.statusCode() >= 400) {
      responses.error(ctx, ctx.statusCode(), HttpResponseStatus.valueOf(ctx.statusCode()).reasonPhrase());
    } else {
      log.error("request {} {} failed", ctx.request().method(), ctx.request().path(), err);
      responses.error(ctx, Failures.INTERNAL, "internal error");
    }
  }

  /**
   * The HttpServer's invalidRequestHandler: requests the HTTP codec could not read never reach the router, and
   * Vert.x's default answers them with an empty body. Same statuses as that default, as JSON errors.
   */
  static void invalidRequest(HttpServerRequest req) {
    Throwable cause = req.decoderResult().cause();
    int status;
    String message;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      message = "request line too long: the URI must fit in " + MAX_INITIAL_LINE + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      message = "request headers too large: they must fit in " + MAX_HEADER_SIZE + " bytes";
    } else {
      status = 400;
      message = "malformed HTTP request";
    }
    String body = new JsonObject().put("ok", false).put("error", message).put("code", status).encode();
    req.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, Responses.JSON)
        .putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE).end(body)
        .onComplete(v -> req.connection().close());
  }

  void notFound(RoutingContext ctx) {
    responses.error(ctx, 404, "no route for " + ctx.request().method() + " " + ctx.request().path());
  }

  void methodNotAllowed(RoutingContext ctx) {
    responses.error(ctx, 405, "method " + ctx.request().method() + " is not allowed on " + ctx.request().path());
  }

  private void tooLarge(RoutingContext ctx) {
    // The rest of the upload is never read, so the connection cannot be reused.
    Responses.closeAfter(ctx);
    responses.error(ctx, 413, "body larger than " + maxBodyBytes + " bytes");
  }
}
