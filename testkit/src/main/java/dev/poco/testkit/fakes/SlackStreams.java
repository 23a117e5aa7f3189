package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * chat.startStream / appendStream / stopStream (slack.md §10.1, §10.2, §10.5): start is Tier 2, append Tier 4 shared
 * by every stream of the app, stop Tier 2; markdown_text ≤ 12,000 per call; chunks checked (task/plan updates ≤ 256
 * chars); a stream times out after ~5 min on the fake's clock, after which append and stop get
 * {@code message_not_in_streaming_state} and only chat.update recovers the message; a stream the user stopped answers
 * {@code stopped_by_user}.
 */
final class SlackStreams {
  static final int MAX_UPDATE_CHUNK = 256;
  private static final Set<String> TASK_STATUSES = Set.of("pending", "in_progress", "complete", "error");

  private final FakeSlack fake;
  // guarded by FakeSlack.LOCK
  private long lifetimeMs = Duration.ofMinutes(5).toMillis();
  private boolean countsIdleTime;
  private boolean recipientRequiredInDms;

  SlackStreams(FakeSlack fake) { this.fake = fake; }

  Runnable handler(FakeSlack.Call c) {
    return switch (c.method) {
      case "chat.startStream" -> () -> start(c);
      case "chat.appendStream" -> () -> append(c);
      case "chat.stopStream" -> () -> stop(c);
      default -> null;
    };
  }

  void lifetime(Duration d, boolean idle) {
    synchronized (FakeSlack.LOCK) {
      lifetimeMs = d.toMillis();
      countsIdleTime = idle;
    }
  }

  void recipientRequiredInDms(boolean on) {
    synchronized (FakeSlack.LOCK) { recipientRequiredInDms = on; }
  }

  /** Marks a stream past its lifetime as timed out (checked lazily, on the fake's clock). */
  void expire(SlackMessage m) {
    synchronized (FakeSlack.LOCK) {
      SlackMessage.Stream s = m.stream;
      if (s == null || s.state != SlackMessage.StreamState.STREAMING) return;
      long from = countsIdleTime ? s.lastWriteMs : s.startedAtMs;
      if (fake.nowMs() - from >= lifetimeMs) s.state = SlackMessage.StreamState.EXPIRED;
    }
  }

  List<String> stopByUser(String channelId, String threadTs) {
    List<String> stopped = new ArrayList<>();
    synchronized (FakeSlack.LOCK) {
      SlackChannel ch = fake.requireChannel(channelId);
      for (SlackMessage m : ch.messages) {
        expire(m);
        if (m.stream != null && m.stream.state == SlackMessage.StreamState.STREAMING && threadTs.equals(m.threadTs)) {
          m.stream.state = SlackMessage.StreamState.STOPPED_BY_USER;
          stopped.add(m.ts);
        }
      }
    }
    return stopped;
  }

  private void start(FakeSlack.Call c) {
    if (fake.overTier(c, 2)) return;
    SlackChannel ch = fake.web().target(c, c.str("channel"));
    if (ch == null) return;
    String threadTs = c.str("thread_ts");
    boolean inChannel = ch.type.equals("channel");
    if ((threadTs == null || threadTs.isEmpty()) && !inChannel) {
      c.error("invalid_arguments"); // a top-level stream works only in channels (§10.1 thread_ts)
      return;
    }
    boolean needRecipient;
    synchronized (FakeSlack.LOCK) { needRecipient = inChannel || recipientRequiredInDms; }
    if (needRecipient && c.str("recipient_user_id") == null) {
      c.error("missing_recipient_user_id");
      return;
    }
    if (needRecipient && c.str("recipient_team_id") == null) {
      c.error("missing_recipient_team_id");
      return;
    }
    if (c.str("markdown_text") == null && c.params.getValue("chunks") == null) {
      c.error("invalid_arguments"); // markdown_text or chunks (§10.1)
      return;
    }
    String tmode = c.str("task_display_mode");
    if (tmode != null && !tmode.equals("timeline") && !tmode.equals("plan")) {
      c.error("invalid_arguments");
      return;
    }
    JsonArray chunks = chunks(c);
    if (chunks == null) return;
    SlackMessage m;
    synchronized (FakeSlack.LOCK) {
      m = new SlackMessage(ch.id, fake.nextTs(ch.id), threadTs == null || threadTs.isEmpty() ? null : threadTs,
          fake.botUserId, fake.botId, null, new JsonObject().put("text", ""));
      m.stream = new SlackMessage.Stream(fake.nowMs(), c.str("recipient_user_id"));
      write(m.stream, c.str("markdown_text"), chunks);
      ch.messages.add(m);
    }
    fake.web().replied(ch.id, m.threadTs);
    c.ok(new JsonObject().put("channel", ch.id).put("ts", m.ts));
  }

  private void append(FakeSlack.Call c) {
    if (fake.overTier(c, 4)) return; // per app, shared by every stream (§10.5)
    SlackMessage m = streaming(c);
    if (m == null) return;
    if (c.str("markdown_text") == null && c.params.getValue("chunks") == null) {
      c.error("invalid_arguments");
      return;
    }
    JsonArray chunks = chunks(c);
    if (chunks == null) return;
    synchronized (FakeSlack.LOCK) {
      write(m.stream, c.str("markdown_text"), chunks);
      m.stream.appends++;
    }
    c.ok(new JsonObject().put("channel", m.channel).put("ts", m.ts));
  }

  private void stop(FakeSlack.Call c) {
    if (fake.overTier(c, 2)) return;
    SlackMessage m = streaming(c);
    if (m == null) return;
    JsonArray chunks = chunks(c);
    if (chunks == null) return;
    Object blocks = c.params.getValue("blocks") == null ? null : c.jsonArg("blocks");
    if (blocks != null && SlackBlocks.refusal(blocks, SlackBlocks.MAX_MESSAGE_BLOCKS) != null) {
      c.error("invalid_blocks"); // ≤ 50 below the streamed content (§10.1)
      return;
    }
    synchronized (FakeSlack.LOCK) {
      write(m.stream, c.str("markdown_text"), chunks);
      if (blocks != null) {
        if (m.stream.stopBlocks == null) m.stream.stopBlocks = new JsonArray();
        m.stream.stopBlocks.addAll((JsonArray) blocks);
      }
      m.stream.state = SlackMessage.StreamState.STOPPED;
    }
    c.ok(new JsonObject().put("channel", m.channel).put("ts", m.ts).put("message", m.toApi()));
  }

  /** The message a call streams to while it still streams, or null after answering why not (§10.2). */
  private SlackMessage streaming(FakeSlack.Call c) {
    String channel = c.str("channel");
    String ts = c.str("ts");
    if (channel == null || fake.channel(channel) == null) {
      c.error("channel_not_found");
      return null;
    }
    SlackMessage m = ts == null ? null : fake.message(channel, ts);
    if (m == null || m.deleted()) {
      c.error("message_not_found");
      return null;
    }
    expire(m);
    SlackMessage.StreamState state = m.streamState();
    if (state == SlackMessage.StreamState.STOPPED_BY_USER) {
      c.error("stopped_by_user");
      return null;
    }
    if (state != SlackMessage.StreamState.STREAMING) {
      c.error("message_not_in_streaming_state");
      return null;
    }
    String markdown = c.str("markdown_text");
    if (markdown != null && markdown.length() > SlackWebApi.MAX_MARKDOWN_TEXT) {
      c.error("msg_too_long");
      return null;
    }
    return m;
  }

  /** The call's chunks (empty when none), or null after answering invalid_chunks / msg_too_long (§10.1, §10.2). */
  private JsonArray chunks(FakeSlack.Call c) {
    if (c.params.getValue("chunks") == null) {
      String markdown = c.str("markdown_text");
      if (markdown != null && markdown.length() > SlackWebApi.MAX_MARKDOWN_TEXT) {
        c.error("msg_too_long");
        return null;
      }
      return new JsonArray();
    }
    if (!(c.jsonArg("chunks") instanceof JsonArray chunks)) {
      c.error("invalid_chunks");
      return null;
    }
    for (Object o : chunks) {
      if (!(o instanceof JsonObject ch)) {
        c.error("invalid_chunks");
        return null;
      }
      String refusal = switch (ch.getString("type", "")) {
        case "markdown_text" -> ch.getString("text") == null ? "invalid_chunks"
            : ch.getString("text").length() > SlackWebApi.MAX_MARKDOWN_TEXT ? "msg_too_long" : null;
        case "task_update" -> ch.getString("id") == null || ch.getString("title") == null
            || !TASK_STATUSES.contains(ch.getString("status", "")) || tooLong(ch) ? "invalid_chunks" : null;
        case "plan_update" -> ch.getString("title") == null || tooLong(ch) ? "invalid_chunks" : null;
        case "blocks" -> SlackBlocks.refusal(ch.getValue("blocks"), SlackBlocks.MAX_MESSAGE_BLOCKS) != null
            ? "invalid_chunks" : null;
        default -> "invalid_chunks";
      };
      if (refusal != null) {
        c.error(refusal);
        return null;
      }
    }
    return chunks;
  }

  /** A task or plan update is limited to 256 chars (§10.1 chunk guidance): its title, details and output. */
  private static boolean tooLong(JsonObject chunk) {
    return chunk.getString("title", "").length() + chunk.getString("details", "").length()
        + chunk.getString("output", "").length() > MAX_UPDATE_CHUNK;
  }

  /** What a call shows: markdown appended; a task's title/status replaced and details appended (§10.1). */
  private void write(SlackMessage.Stream s, String markdown, JsonArray chunks) {
    if (markdown != null) s.markdown.append(markdown);
    for (Object o : chunks) {
      JsonObject ch = (JsonObject) o;
      switch (ch.getString("type")) {
        case "markdown_text" -> s.markdown.append(ch.getString("text"));
        case "task_update" -> {
          JsonObject t = s.tasks.computeIfAbsent(ch.getString("id"), k -> new JsonObject().put("details", ""));
          t.put("title", ch.getString("title")).put("status", ch.getString("status"));
          if (ch.getString("details") != null) t.put("details", t.getString("details") + ch.getString("details"));
          if (ch.getString("output") != null) t.put("output", ch.getString("output"));
          if (ch.getJsonArray("sources") != null) t.put("sources", ch.getJsonArray("sources").copy());
        }
        case "plan_update" -> s.planTitle = ch.getString("title");
        case "blocks" -> {
          if (s.stopBlocks == null) s.stopBlocks = new JsonArray();
          s.stopBlocks.addAll(ch.getJsonArray("blocks"));
        }
        default -> { }
      }
    }
    s.lastWriteMs = fake.nowMs();
  }
}
