package dev.poco.gateway.slack;

import dev.poco.contract.CardIntent;
import dev.poco.contract.Intents;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonObject;

/**
 * Slack's native Stop button of an agent session (slack.md §10.3): the {@code agent_session_stopped} event
 * {@code {channel, thread_ts, user, event_ts, streaming_message_ts:[…]}} means "stop this thread's task". Slack has
 * already stopped the listed streams (the streamer repairs them); the task itself is stopped like the Stop button of
 * its task message: a {@link Intents#TASK_STOP} intent by the user who clicked, which the orchestrator authorises.
 *
 * <p>For the intake: an {@code event_callback} whose {@code event.type} is {@code agent_session_stopped} goes here
 * instead of to {@code SlackEvents.message}, and a non-null intent is sent like a block_actions intent.
 */
final class AgentSessionStop {
  static final String EVENT_TYPE = "agent_session_stopped";

  private AgentSessionStop() {}

  /**
   * The Stop intent of an {@code event_callback} envelope carrying {@code agent_session_stopped}, or null when it is
   * another event or its thread shows no task this gateway knows.
   */
  static CardIntent intent(JsonObject envelope, SlackSessions sessions) {
    JsonObject e = envelope == null ? null : envelope.getJsonObject("event");
    if (e == null || !EVENT_TYPE.equals(e.getString("type"))) return null;
    String channel = e.getString("channel");
    String thread = e.getString("thread_ts");
    String user = e.getString("user");
    if (channel == null || thread == null || user == null) return null;
    SlackSessions.ThreadTask task = sessions.taskInThread(channel, thread);
    if (task == null) return null;
    String requestId = "session-stop:" + channel + ":" + thread + ":" + e.getString("event_ts", "");
    JsonObject value = new JsonObject().put("intent_key", Intents.TASK_STOP).put("request_id", requestId)
        .put("task_id", task.taskId());
    String chatType = channel.startsWith("D") ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    return new CardIntent(Platforms.SLACK, channel, chatType, user, task.messageTs(), Intents.TASK_STOP, requestId,
        value, new JsonObject(), false, envelope.getString("event_id"));
  }
}
