package dev.poco.demoapi;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * GET /tasks (summaries: a prompt's head and tail, the output's last characters, lengths) and GET /tasks/{task_id}
 * (the whole prompt and a page of the full output: ?output_offset=&output_limit=, optionally long-polling with
 * ?wait=seconds).
 */
final class TaskRoutes {
  static final int MAX_WAIT_SECONDS = 60;
  /** Most tasks one listing returns: summaries are bounded, so this bounds the reply. */
  static final int MAX_LIST = 1_000;
  // The orchestrator answers at timeout_ms itself; the margin keeps the bus from timing out first.
  static final long AWAIT_MARGIN_MS = 2_000;

  private final Vertx vertx;
  private final Responses responses;

  TaskRoutes(Vertx vertx, Responses responses) {
    this.vertx = vertx;
    this.responses = responses;
  }

  void mount(Router router) {
    router.get("/tasks").handler(this::list);
    router.get("/tasks/:task_id").handler(this::get);
  }

  private void list(RoutingContext ctx) {
    TaskQuery query = new TaskQuery(ctx.queryParams().get("project_id"), statuses(ctx), limit(ctx));
    Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_TASK_LIST, query.toJson())
        .onComplete(ar -> answer(ctx, ar.map(reply -> new JsonObject().put("tasks",
            reply.getJsonArray("tasks", new JsonArray())))));
  }

  private void get(RoutingContext ctx) {
    String taskId = ctx.pathParam("task_id");
    long waitMs = waitMs(ctx);
    JsonObject body = new JsonObject().put("task_id", taskId);
    Long offset = offset(ctx);
    Integer limit = outputLimit(ctx);
    if (offset != null) body.put("output_offset", offset);
    if (limit != null) body.put("output_limit", limit);
    Future<JsonObject> task = waitMs > 0
        ? Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_TASK_AWAIT, body.put("timeout_ms", waitMs),
            waitMs + AWAIT_MARGIN_MS)
        : Bus.request(vertx.eventBus(), Addresses.ORCHESTRATOR_TASK_GET, body);
    task.onComplete(ar -> answer(ctx, ar));
  }

  /**
   * Answers on every path: writing a reply can itself fail (an OutOfMemoryError encoding it), and a failure thrown
   * inside a bus callback would otherwise reach no handler and leave the request hanging.
   */
  private void answer(RoutingContext ctx, AsyncResult<JsonObject> ar) {
    try {
      if (ar.succeeded()) responses.ok(ctx, ar.result());
      else ctx.fail(HttpErrors.fromBus(ar.cause(), HttpErrors.ORCHESTRATOR));
    } catch (RuntimeException | Error e) {
      if (!ctx.failed()) ctx.fail(e);
      else if (!ctx.response().ended()) ctx.response().setStatusCode(500).end();
    }
  }

  /** ?output_offset, or null for the orchestrator's default (the start). */
  private static Long offset(RoutingContext ctx) {
    String raw = ctx.queryParams().get("output_offset");
    if (raw == null || raw.isBlank()) return null;
    try {
      long offset = Long.parseLong(raw.trim());
      if (offset >= 0) return offset;
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new HttpError(400, "query 'output_offset' must be a whole number, 0 or more");
  }

  /** ?output_limit capped at a page, or null for the orchestrator's default (a whole page). */
  private static Integer outputLimit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("output_limit");
    if (raw == null || raw.isBlank()) return null;
    try {
      long limit = Long.parseLong(raw.trim());
      if (limit > 0) return (int) Math.min(limit, TaskText.PAGE_MAX_CHARS);
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new HttpError(400, "query 'output_limit' must be a positive whole number (at most "
        + TaskText.PAGE_MAX_CHARS + " is used)");
  }

  private static int limit(RoutingContext ctx) {
    String raw = ctx.queryParams().get("limit");
    if (raw == null || raw.isBlank()) return 0;
    try {
      int limit = Integer.parseInt(raw.trim());
      if (limit > 0) return Math.min(limit, MAX_LIST);
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new HttpError(400, "query 'limit' must be a positive whole number");
  }

  private static List<String> statuses(RoutingContext ctx) {
    List<String> out = new ArrayList<>();
    for (String raw : ctx.queryParams().getAll("status")) {
      for (String part : raw.split(",")) {
        String s = part.trim().toLowerCase(Locale.ROOT);
        if (s.isEmpty()) continue;
        try {
          out.add(TaskStatus.of(s).wire());
        } catch (IllegalArgumentException e) {
          throw new HttpError(400, "unknown status '" + s + "': expected one of " + Arrays.stream(TaskStatus.values())
              .map(TaskStatus::wire).toList());
        }
      }
    }
    return out;
  }

  /** ?wait=seconds as millis, capped at a minute; 0 when absent. */
  private static long waitMs(RoutingContext ctx) {
    String raw = ctx.queryParams().get("wait");
    if (raw == null || raw.isBlank()) return 0;
    double seconds;
    try {
      seconds = Double.parseDouble(raw.trim());
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new HttpError(400, "query 'wait' must be a number of seconds (0 to " + MAX_WAIT_SECONDS + ")");
    }
    return Math.round(Math.min(seconds, MAX_WAIT_SECONDS) * 1000);
  }
}
