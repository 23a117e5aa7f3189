package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A message as the fake Slack holds it, with every version a user saw: the posted one, then one per accepted
 * {@code chat.update} or {@code response_url} replace. A streamed message (slack.md §10) also carries its stream.
 * Guarded by {@link FakeSlack#LOCK}.
 */
public final class SlackMessage {
  public final String channel;
  public final String ts;
  /** The thread's parent ts for a reply, else null. */
  public final String threadTs;
  /** The poster's user id (the bot's user id for the bot's own messages). */
  public final String user;
  /** Set on the bot's messages (loop prevention keys on it, slack.md §2). */
  public final String botId;
  /** For an ephemeral message: the only user who sees it; else null. */
  public final String visibleTo;
  final List<JsonObject> versions = new ArrayList<>();
  boolean deleted;
  /** Non-null for a message made by {@code chat.startStream}. */
  Stream stream;

  /** The state of a streamed message (slack.md §10.1, §10.2). */
  public enum StreamState { STREAMING, STOPPED, EXPIRED, STOPPED_BY_USER }

  /** What a stream has shown: appended markdown, task cards by id, the plan title, the blocks under it. */
  static final class Stream {
    StreamState state = StreamState.STREAMING;
    final long startedAtMs;
    long lastWriteMs;
    final StringBuilder markdown = new StringBuilder();
    final Map<String, JsonObject> tasks = new LinkedHashMap<>();
    String planTitle;
    JsonArray stopBlocks;
    int appends;
    final String recipientUserId;

    Stream(long now, String recipientUserId) {
      this.startedAtMs = now;
      this.lastWriteMs = now;
      this.recipientUserId = recipientUserId;
    }
  }

  SlackMessage(String channel, String ts, String threadTs, String user, String botId, String visibleTo,
      JsonObject content) {
    this.channel = channel;
    this.ts = ts;
    this.threadTs = threadTs;
    this.user = user;
    this.botId = botId;
    this.visibleTo = visibleTo;
    versions.add(content);
  }

  /** Every version ({@code {text, blocks?}}), first the posted one. */
  public List<JsonObject> history() {
    synchronized (FakeSlack.LOCK) { return versions.stream().map(JsonObject::copy).toList(); }
  }

  JsonObject current() { return versions.get(versions.size() - 1); }

  /** The text shown now; for a streamed message, what the stream appended. */
  public String text() {
    synchronized (FakeSlack.LOCK) {
      if (stream != null && versions.size() == 1) return stream.markdown.toString();
      return current().getString("text", "");
    }
  }

  /** The blocks shown now (null when the message has none); a stopped stream's blocks below its text. */
  public JsonArray blocks() {
    synchronized (FakeSlack.LOCK) {
      if (stream != null && versions.size() == 1) return stream.stopBlocks == null ? null : stream.stopBlocks.copy();
      JsonArray b = current().getJsonArray("blocks");
      return b == null ? null : b.copy();
    }
  }

  public boolean deleted() {
    synchronized (FakeSlack.LOCK) { return deleted; }
  }

  public boolean isStream() {
    synchronized (FakeSlack.LOCK) { return stream != null; }
  }

  /** The stream's state, or null for a message not made by {@code chat.startStream}. */
  public StreamState streamState() {
    synchronized (FakeSlack.LOCK) { return stream == null ? null : stream.state; }
  }

  /** Everything the stream appended (start, appends, stop; markdown_text and markdown chunks), in order. */
  public String streamedText() {
    synchronized (FakeSlack.LOCK) { return stream == null ? null : stream.markdown.toString(); }
  }

  /** The stream's task cards by id ({@code title}, {@code status}, {@code details} as shown). */
  public Map<String, JsonObject> streamTasks() {
    synchronized (FakeSlack.LOCK) {
      Map<String, JsonObject> out = new LinkedHashMap<>();
      if (stream != null) stream.tasks.forEach((k, v) -> out.put(k, v.copy()));
      return out;
    }
  }

  public String streamPlanTitle() {
    synchronized (FakeSlack.LOCK) { return stream == null ? null : stream.planTitle; }
  }

  /** How many {@code chat.appendStream} calls the stream accepted. */
  public int streamAppends() {
    synchronized (FakeSlack.LOCK) { return stream == null ? 0 : stream.appends; }
  }

  public boolean fromBot() { return botId != null; }

  /** The message object of API answers and events. */
  JsonObject toApi() {
    JsonObject c = current();
    JsonObject m = new JsonObject().put("type", "message").put("ts", ts).put("user", user).put("text", text());
    if (botId != null) m.put("bot_id", botId);
    if (threadTs != null) m.put("thread_ts", threadTs);
    JsonArray b = blocks();
    if (b != null) m.put("blocks", b);
    if (c.getJsonObject("metadata") != null) m.put("metadata", c.getJsonObject("metadata").copy());
    return m;
  }

  @Override
  public String toString() {
    return channel + "/" + ts + (threadTs == null ? "" : " in " + threadTs) + " by " + user
        + (visibleTo == null ? "" : " (ephemeral to " + visibleTo + ")") + " (" + history().size() + " versions)";
  }
}
