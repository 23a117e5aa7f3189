package dev.poco.testkit;

import io.vertx.core.json.JsonObject;
import java.util.function.Predicate;

/** What a person does with curl against the demo surface, as calls. */
public final class Demo {
  private final Http http;

  public Demo(Http http) { this.http = http; }

  public Http.Result command(String chatId, String text) {
    return http.post("/demo/command", new JsonObject().put("text", text).put("chat_id", chatId));
  }

  /** Sends {@code user_id} too, which the edge ignores: it speaks for the trusted local user or the token's user. */
  public Http.Result command(String chatId, String userId, String text) {
    return http.post("/demo/command", new JsonObject().put("text", text).put("chat_id", chatId).put("user_id", userId));
  }

  /** Sends a prompt and returns its task id (fails the test when no task was created). */
  public String run(String chatId, String text) {
    return created(command(chatId, text), text);
  }

  /** Sends a prompt claiming to be {@code userId} (ignored by the edge) and returns its task id. */
  public String run(String chatId, String userId, String text) {
    return created(command(chatId, userId, text), text);
  }

  private static String created(Http.Result r, String text) {
    String id = r.str("task_id");
    if (r.status() != 200 || id == null) throw new AssertionError("no task from '" + text + "': " + r.raw());
    return id;
  }

  public JsonObject task(String taskId) {
    Http.Result r = http.get("/tasks/" + taskId);
    if (r.status() != 200) throw new AssertionError("GET /tasks/" + taskId + " → " + r.status() + " " + r.raw());
    return r.json();
  }

  /** Long-polls until the task is terminal (or the wait ends) and returns it. */
  public JsonObject awaitDone(String taskId, int seconds) {
    Http.Result r = http.get("/tasks/" + taskId + "?wait=" + seconds);
    if (r.status() != 200) throw new AssertionError("wait for " + taskId + " → " + r.status() + " " + r.raw());
    return r.json();
  }

  /** Polls until the task has {@code status}, up to {@code millis}; returns it as last seen. */
  public JsonObject awaitStatus(String taskId, String status, long millis) {
    return poll(taskId, t -> status.equals(t.getString("status")), millis);
  }

  /** Polls (up to 10 s) until the task satisfies {@code condition}; fails the test with the task otherwise. */
  public JsonObject await(String taskId, String what, Predicate<JsonObject> condition) {
    JsonObject t = poll(taskId, condition, 10_000);
    if (!condition.test(t)) throw new AssertionError("task never had " + what + ": " + t.encodePrettily());
    return t;
  }

  /** Polls until the task's live output contains {@code text}. */
  public JsonObject awaitOutput(String taskId, String text) {
    return await(taskId, "output '" + text + "'", t -> t.getString("output", "").contains(text));
  }

  /** Polls until the task waits on an approval whose title or detail contains {@code text}; returns the approval. */
  public JsonObject awaitApproval(String taskId, String text) {
    return await(taskId, "an approval mentioning '" + text + "'", t -> {
      JsonObject a = t.getJsonObject("approval");
      return "waiting_confirmation".equals(t.getString("status")) && a != null
          && (a.getString("title", "").contains(text) || a.getString("detail", "").contains(text));
    }).getJsonObject("approval");
  }

  private JsonObject poll(String taskId, Predicate<JsonObject> condition, long millis) {
    long end = System.currentTimeMillis() + millis;
    JsonObject t = task(taskId);
    while (!condition.test(t) && System.currentTimeMillis() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
      t = task(taskId);
    }
    return t;
  }

  public Http.Result approve(String taskId) { return http.post("/demo/tasks/" + taskId + "/approve", new JsonObject()); }

  public Http.Result reject(String taskId) { return http.post("/demo/tasks/" + taskId + "/reject", new JsonObject()); }

  /** A card action in the Feishu shape of the original README. */
  public Http.Result cardAction(String surface, String chatId, String intentKey, JsonObject params, JsonObject form) {
    JsonObject value = new JsonObject().put("intent_key", intentKey).put("surface", surface)
        .put("request_id", "req_" + System.nanoTime());
    if (params != null) value.mergeIn(params);
    JsonObject context = new JsonObject().put("open_message_id", "om_demo_card");
    if (chatId != null) context.put("open_chat_id", chatId);
    JsonObject event = new JsonObject().put("operator", new JsonObject().put("open_id", "ou_demo_user"))
        .put("context", context)
        .put("action", new JsonObject().put("value", value).put("form_value", form == null ? new JsonObject() : form));
    return http.post("/demo/card-actions", new JsonObject().put("event", event));
  }
}
