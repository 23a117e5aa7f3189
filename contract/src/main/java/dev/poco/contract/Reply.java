package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * The orchestrator's answer to an inbound message or a card intent: the view to show in place
 * (or to post as the reply), the task it created if any, and an optional short toast.
 *
 * @param refused 0 when the request was done; else the {@link Failures} code of a refusal (not allowed,
 *     no such task in this chat, a wrong pairing code). The view still says why, for a chat to show;
 *     the HTTP edge answers it as that error code.
 * @param duplicate true when this answers a redelivery of an event (same platform event id) that was already
 *     handled: nothing was done again, and a gateway shows nothing for it.
 */
public record Reply(View view, String taskId, String toast, int refused, boolean duplicate) {
  public Reply(View view, String taskId, String toast) { this(view, taskId, toast, 0, false); }

  public Reply(View view, String taskId, String toast, int refused) { this(view, taskId, toast, refused, false); }

  /** The answer to a redelivered event: it was handled before, so nothing is done and nothing is shown. */
  public static Reply duplicate(View view) { return new Reply(view, null, null, 0, true); }

  public static Reply of(View view) { return new Reply(view, null, null, 0, false); }

  /** A refusal: nothing was done; {@code view} says why. */
  public static Reply refusal(int code, View view, String toast) { return new Reply(view, null, toast, code); }

  public boolean isRefusal() { return refused > 0; }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("view", view.toJson());
    Jsons.putIf(j, "task_id", taskId);
    if (refused > 0) j.put("refused", refused);
    if (duplicate) j.put("duplicate", true);
    return Jsons.putIf(j, "toast", toast);
  }

  public static Reply fromJson(JsonObject j) {
    return new Reply(View.fromJson(Jsons.requiredObj(j, "view")), j.getString("task_id"), j.getString("toast"),
        Jsons.integer(j, "refused", 0), Jsons.bool(j, "duplicate", false));
  }
}
