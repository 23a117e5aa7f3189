package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Something a user does that Slack tells the app about, as Slack builds it (slack.md §2, §3, §10.3): an Events API
 * {@code event_callback}, an interactivity payload ({@code block_actions}, {@code view_submission}) or a slash
 * command's fields. Deliver it with {@link SlackPusher} (HTTP mode) or {@link SlackSocketLink#push} (Socket Mode);
 * a redelivery keeps the event_id.
 */
public record SlackInbound(Kind kind, JsonObject payload, String channel, String userId, String messageTs,
    String viewId) {

  /** The Socket Mode envelope types (slack.md §5); HTTP mode posts them to three different URLs. */
  public enum Kind {
    EVENT("events_api"), INTERACTIVE("interactive"), SLASH_COMMAND("slash_commands");

    public final String envelopeType;

    Kind(String envelopeType) { this.envelopeType = envelopeType; }
  }

  public static final String VERIFICATION_TOKEN = "fake-verification-token";

  public String eventId() { return payload.getString("event_id"); }

  /** {@code userId} posts {@code text} in the channel (a thread reply when {@code threadTs}): a {@code message} event. */
  public static SlackInbound message(FakeSlack fake, String channelId, String userId, String text, String threadTs) {
    SlackMessage m = fake.post(channelId, userId, text, threadTs);
    JsonObject event = new JsonObject().put("type", "message").put("channel", channelId)
        .put("channel_type", fake.channel(channelId).type).put("user", userId).put("text", text).put("ts", m.ts)
        .put("event_ts", m.ts).put("client_msg_id", UUID.randomUUID().toString()).put("team", FakeSlack.TEAM_ID);
    if (threadTs != null) event.put("thread_ts", threadTs);
    return new SlackInbound(Kind.EVENT, callback(fake, event), channelId, userId, m.ts, null);
  }

  /** {@code userId} mentions the bot in a channel: an {@code app_mention} event ({@code <@UBOT> text}). */
  public static SlackInbound appMention(FakeSlack fake, String channelId, String userId, String text,
      String threadTs) {
    String shown = "<@" + fake.botUserId + "> " + text;
    SlackMessage m = fake.post(channelId, userId, shown, threadTs);
    JsonObject event = new JsonObject().put("type", "app_mention").put("user", userId).put("text", shown)
        .put("ts", m.ts).put("channel", channelId).put("event_ts", m.ts).put("team", FakeSlack.TEAM_ID);
    if (threadTs != null) event.put("thread_ts", threadTs);
    return new SlackInbound(Kind.EVENT, callback(fake, event), channelId, userId, m.ts, null);
  }

  /** Any event the test builds (e.g. {@code app_home_opened}), wrapped in an {@code event_callback}. */
  public static SlackInbound event(FakeSlack fake, JsonObject event) {
    return new SlackInbound(Kind.EVENT, callback(fake, event.copy()), event.getString("channel"),
        event.getString("user"), event.getString("ts"), null);
  }

  /**
   * {@code userId} presses Stop on an agent session (slack.md §10.3): Slack stops the thread's streams and sends
   * {@code agent_session_stopped} listing them.
   */
  public static SlackInbound sessionStopped(FakeSlack fake, String channelId, String threadTs, String userId) {
    List<String> stopped = fake.stopByUser(channelId, threadTs);
    String now = eventTs(fake);
    JsonObject event = new JsonObject().put("type", "agent_session_stopped").put("channel", channelId)
        .put("thread_ts", threadTs).put("user", userId).put("event_ts", now)
        .put("streaming_message_ts", new JsonArray(stopped));
    return new SlackInbound(Kind.EVENT, callback(fake, event), channelId, userId, null, null);
  }

  /**
   * {@code userId} clicks the element {@code actionId} of the message {@code ts} (its current blocks): a
   * {@code block_actions} payload with a fresh trigger_id and response_url (slack.md §3).
   */
  public static SlackInbound click(FakeSlack fake, String userId, String channelId, String ts, String actionId) {
    SlackMessage m = fake.shown(channelId, ts);
    if (m == null) throw new IllegalArgumentException("no message " + channelId + "/" + ts);
    JsonObject[] hit = SlackBlocks.elements(m.blocks()).stream()
        .filter(e -> actionId.equals(e[1].getString("action_id"))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no element " + actionId + " on " + m));
    JsonObject element = hit[1];
    JsonObject action = new JsonObject().put("action_id", actionId).put("block_id", hit[0].getString("block_id", ""))
        .put("type", element.getString("type", "button")).put("action_ts", eventTs(fake));
    if (element.getValue("text") != null) action.put("text", element.getValue("text"));
    if (element.getString("value") != null) action.put("value", element.getString("value"));
    SlackChannel ch = fake.channel(channelId);
    JsonObject payload = new JsonObject().put("type", "block_actions").put("team", team()).put("user", user(userId))
        .put("api_app_id", fake.appId).put("token", VERIFICATION_TOKEN)
        .put("container", new JsonObject().put("type", "message").put("message_ts", ts).put("channel_id", channelId)
            .put("is_ephemeral", m.visibleTo != null))
        .put("trigger_id", fake.newTrigger(userId))
        .put("channel", new JsonObject().put("id", channelId).put("name", ch.isIm() ? "directmessage" : ch.name))
        .put("message", m.toApi())
        .put("response_url", fake.newResponseUrl("actions", channelId, userId, ts))
        .put("actions", new JsonArray().add(action))
        .put("state", new JsonObject().put("values", new JsonObject()));
    return new SlackInbound(Kind.INTERACTIVE, payload, channelId, userId, ts, null);
  }

  /**
   * {@code userId} clicks the button {@code actionId} inside the open modal {@code viewId} (its current blocks), with
   * {@code values} typed in its inputs: a {@code block_actions} payload with a {@code view} container, the view and a
   * fresh trigger_id, and no channel, message or response_url (slack.md §3).
   */
  public static SlackInbound clickInView(FakeSlack fake, String userId, String viewId, String actionId,
      JsonObject values) {
    SlackView v = fake.view(viewId);
    if (v == null || v.closed()) throw new IllegalArgumentException("no open view " + viewId);
    JsonObject shown = v.view();
    JsonObject[] hit = SlackBlocks.elements(shown.getJsonArray("blocks", new JsonArray())).stream()
        .filter(e -> actionId.equals(e[1].getString("action_id"))).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no element " + actionId + " in view " + viewId));
    JsonObject element = hit[1];
    JsonObject action = new JsonObject().put("action_id", actionId).put("block_id", hit[0].getString("block_id", ""))
        .put("type", element.getString("type", "button")).put("action_ts", eventTs(fake));
    if (element.getValue("text") != null) action.put("text", element.getValue("text"));
    if (element.getString("value") != null) action.put("value", element.getString("value"));
    JsonObject state = new JsonObject().put("values", values == null ? new JsonObject() : values.copy());
    JsonObject view = shown.put("id", viewId).put("type", "modal").put("state", state);
    JsonObject payload = new JsonObject().put("type", "block_actions").put("team", team()).put("user", user(userId))
        .put("api_app_id", fake.appId).put("token", VERIFICATION_TOKEN)
        .put("container", new JsonObject().put("type", "view").put("view_id", viewId))
        .put("trigger_id", fake.newTrigger(userId)).put("view", view)
        .put("actions", new JsonArray().add(action));
    return new SlackInbound(Kind.INTERACTIVE, payload, null, userId, null, null);
  }

  /** {@code userId} submits the open modal {@code viewId} with these {@code state.values} (slack.md §3). */
  public static SlackInbound viewSubmission(FakeSlack fake, String userId, String viewId, JsonObject values) {
    SlackView v = fake.view(viewId);
    if (v == null || v.closed()) throw new IllegalArgumentException("no open view " + viewId);
    JsonObject view = v.view().put("id", viewId).put("type", "modal")
        .put("state", new JsonObject().put("values", values.copy()));
    JsonObject payload = new JsonObject().put("type", "view_submission").put("team", team()).put("user", user(userId))
        .put("api_app_id", fake.appId).put("token", VERIFICATION_TOKEN).put("trigger_id", fake.newTrigger(userId))
        .put("view", view).put("response_urls", new JsonArray());
    return new SlackInbound(Kind.INTERACTIVE, payload, null, userId, null, viewId);
  }

  /** {@code userId} runs {@code /command text} in the channel: the slash-command fields (slack.md §3). */
  public static SlackInbound slashCommand(FakeSlack fake, String userId, String channelId, String command,
      String text) {
    SlackChannel ch = fake.channel(channelId);
    JsonObject fields = new JsonObject().put("token", VERIFICATION_TOKEN).put("team_id", FakeSlack.TEAM_ID)
        .put("team_domain", FakeSlack.TEAM_DOMAIN).put("channel_id", channelId)
        .put("channel_name", ch.isIm() ? "directmessage" : ch.name).put("user_id", userId)
        .put("user_name", userId.toLowerCase()).put("command", command).put("text", text)
        .put("api_app_id", fake.appId).put("is_enterprise_install", "false")
        .put("response_url", fake.newResponseUrl("commands", channelId, userId, null))
        .put("trigger_id", fake.newTrigger(userId));
    return new SlackInbound(Kind.SLASH_COMMAND, fields, channelId, userId, null, null);
  }

  private static JsonObject callback(FakeSlack fake, JsonObject event) {
    return new JsonObject().put("token", VERIFICATION_TOKEN).put("team_id", FakeSlack.TEAM_ID)
        .put("api_app_id", fake.appId).put("event", event).put("type", "event_callback")
        .put("event_id", "Ev" + Long.toString(fake.next() * 7919L, 36).toUpperCase() + UUID.randomUUID().toString()
            .substring(0, 6).toUpperCase())
        .put("event_time", fake.nowMs() / 1000)
        .put("authorizations", new JsonArray().add(new JsonObject().put("team_id", FakeSlack.TEAM_ID)
            .put("user_id", fake.botUserId).put("is_bot", true).put("is_enterprise_install", false)))
        .put("event_context", "4-" + UUID.randomUUID()).put("is_ext_shared_channel", false)
        .put("authed_users", new JsonArray());
  }

  private static String eventTs(FakeSlack fake) {
    long micros = fake.nowMs() * 1000;
    return String.format("%d.%06d", micros / 1_000_000, micros % 1_000_000);
  }

  private static JsonObject team() {
    return new JsonObject().put("id", FakeSlack.TEAM_ID).put("domain", FakeSlack.TEAM_DOMAIN);
  }

  private static JsonObject user(String userId) {
    return new JsonObject().put("id", userId).put("username", userId.toLowerCase()).put("name", userId.toLowerCase())
        .put("team_id", FakeSlack.TEAM_ID);
  }
}
