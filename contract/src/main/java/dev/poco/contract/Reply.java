package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * The orchestrator's answer to an inbound message or a card intent: the view, where it goes ({@link Placement}), the
 * task it created if any, and an optional short toast. A task's card is never carried by a Reply: the orchestrator
 * posts and updates it with {@link RenderRequest}s, so a prompt gives exactly one card.
 *
 * @param refused 0 when the request was done; else the {@link Failures} code of a refusal (not allowed,
 *     no such task in this chat, a wrong pairing code, a form with a field in error). The view still says why, for a
 *     chat to show: to the acting user only (EPHEMERAL), or a form shown again over itself with the error on its
 *     input (REPLACE); the HTTP edge answers it as that error code.
 * @param duplicate true when this answers a redelivery of an event (same platform event id) that was already
 *     handled: nothing was done again, and a gateway shows nothing for it.
 * @param placement one of {@link Placement}; null in a Reply being built, set before it leaves the orchestrator
 */
public record Reply(View view, String taskId, String toast, int refused, boolean duplicate, String placement) {
  public Reply(View view, String taskId, String toast) { this(view, taskId, toast, 0, false, null); }

  public Reply(View view, String taskId, String toast, int refused) { this(view, taskId, toast, refused, false, null); }

  /** The answer to a redelivered event: it was handled before, so nothing is done and nothing is shown. */
  public static Reply duplicate(View view) { return new Reply(view, null, null, 0, true, Placement.TOAST); }

  public static Reply of(View view) { return new Reply(view, null, null, 0, false, null); }

  /** A refusal: nothing was done; {@code view} says why, to the acting user only. */
  public static Reply refusal(int code, View view, String toast) {
    return new Reply(view, null, toast, code, false, Placement.EPHEMERAL);
  }

  public boolean isRefusal() { return refused > 0; }

  public Reply placed(String where) { return new Reply(view, taskId, toast, refused, duplicate, where); }

  /** This reply, placed {@code where} unless its placement is already chosen. */
  public Reply placedIfUnset(String where) { return placement != null ? this : placed(where); }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("view", view.toJson());
    Jsons.putIf(j, "task_id", taskId);
    if (refused > 0) j.put("refused", refused);
    if (duplicate) j.put("duplicate", true);
    Jsons.putIf(j, "placement", placement);
    return Jsons.putIf(j, "toast", toast);
  }

  public static Reply fromJson(JsonObject j) {
    String placement = j.getString("placement");
    if (placement != null && !Placement.known(placement)) {
      throw new IllegalArgumentException("unknown placement '" + placement + "'");
    }
    return new Reply(View.fromJson(Jsons.requiredObj(j, "view")), j.getString("task_id"), j.getString("toast"),
        Jsons.integer(j, "refused", 0), Jsons.bool(j, "duplicate", false), placement);
  }
}
