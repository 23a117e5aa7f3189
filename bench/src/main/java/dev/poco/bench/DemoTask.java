package dev.poco.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

/** One stub task through the HTTP demo surface, as a user would run it: prompt, then wait for the end. */
final class DemoTask {
  private DemoTask() {}

  /** Completes once task {@code i} of {@code chat} completed; fails if it ended otherwise. */
  static Future<Void> run(WebClient web, String chat, int i) {
    // at least 4 characters: the stub streams 4 deltas, so every task waits the same 3 gaps
    JsonObject cmd = new JsonObject().put("chat_id", chat).put("text", "Reply with exactly: task-" + i);
    return web.post("/demo/command").sendJsonObject(cmd).compose(r -> {
      String id = check(r).getString("task_id");
      return web.get("/tasks/" + id + "?wait=30").send();
    }).compose(r -> {
      JsonObject t = check(r);
      if (!"completed".equals(t.getString("status"))) {
        return Future.failedFuture("task " + t.getString("task_id") + " ended " + t.getString("status"));
      }
      return Future.<Void>succeededFuture();
    });
  }

  private static JsonObject check(HttpResponse<Buffer> r) {
    if (r.statusCode() != 200) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.bodyAsString());
    return r.bodyAsJsonObject();
  }
}
