package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → gateway: show the current state of one card. Sent as a request; the gateway answers with a
 * {@link RenderAck} once the view is on the platform (or was dropped as stale, or superseded by a newer version it
 * has shown). The orchestrator owns card binding, versions and pacing:
 * <ul>
 *   <li><b>Binding.</b> A render without {@code messageId} asks the gateway to post the card; it answers with the
 *       new message's id in the ack. Until that ack, the orchestrator sends nothing else for the card: later views
 *       are held (latest wins) and the current one goes to the bound message as soon as the ack comes. So a card is
 *       posted exactly once. A gateway that receives a post for a {@code cardKey} it already posted (a retry whose
 *       ack was lost) patches the message it posted instead of posting again. The message id is the gateway's
 *       own reference (opaque here): it is kept as acked and sent back as is.</li>
 *   <li><b>Versions.</b> {@code version} grows with every render of a card, across orchestrator restarts. A gateway
 *       keeps the highest version it has shown per card and drops (acks as stale) anything not newer.</li>
 *   <li><b>Must-show.</b> {@code mustShow} renders (a task waiting for an answer, a task that ended, a workspace
 *       card's state) are retried with backoff until acknowledged, across gateway restarts. Others may be dropped
 *       by a gateway that paces the card; the next render carries the whole state again.</li>
 *   <li><b>Pacing at the source.</b> The orchestrator sends at most a few renders per second per card
 *       ({@code POCO_RENDER_INTERVAL_MS}, 250 ms by default), latest wins; a must-show render is sent at once. A
 *       running task's view carries the live tail of the output in its body and the total output length in
 *       {@code view.refs.output_chars}: a gateway that streams text (Feishu CardKit, Slack streams) computes what
 *       changed against what it has shown. There is no separate delta address.</li>
 *   <li><b>One renderer per card.</b> Unbound cards go to {@link Addresses#gatewayRender} (one instance of the
 *       platform's gateway takes it). Once a gateway instance has acked a card, its renders go to that instance's
 *       own address {@link Addresses#gatewayInstanceRender}, so one instance orders and paces the card. When that
 *       instance is gone (no handler, or no answer), the orchestrator sends to the shared address again and the
 *       instance that answers takes the card over: it patches the same message, which any instance may do.</li>
 * </ul>
 *
 * <p>Telling the phone: an in-place update notifies nobody, so when a task card turns waiting or terminal a gateway
 * also answers the prompt with a short line that mentions {@code view.refs.user_id}, replying to
 * {@code target.threadId} (a gateway sets an InboundMessage's thread id to the message its replies belong under:
 * Slack's thread ts, Feishu's prompt message id).
 *
 * @param cardKey the card's identity: {@code task:<task_id>} or {@code workspace:<platform>:<chat_id>}
 * @param mustShow this state must reach the user (waiting, terminal, workspace state): retried until acked
 */
public record RenderRequest(ReplyTarget target, String messageId, View view, String taskId, String projectId,
    boolean mustShow, long version, String cardKey) {
  public static String taskKey(String taskId) { return "task:" + taskId; }

  public static String workspaceKey(String platform, String chatId) { return "workspace:" + platform + ":" + chatId; }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("target", target.toJson()).put("view", view.toJson())
        .put("must_show", mustShow).put("version", version).put("card_key", cardKey);
    Jsons.putIf(j, "message_id", messageId);
    Jsons.putIf(j, "task_id", taskId);
    return Jsons.putIf(j, "project_id", projectId);
  }

  public static RenderRequest fromJson(JsonObject j) {
    return new RenderRequest(ReplyTarget.fromJson(Jsons.requiredObj(j, "target")), j.getString("message_id"),
        View.fromJson(Jsons.requiredObj(j, "view")), j.getString("task_id"), j.getString("project_id"),
        Jsons.bool(j, "must_show", false), Jsons.longValue(j, "version", 0L), Jsons.required(j, "card_key"));
  }
}
