package dev.poco.testkit.fakes;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Web API methods of slack.md §4 (table) and §10.3, with the refusals the notes list, and the response_url
 * endpoints of §3. Each handler runs after the fake checked the token and scripted faults; rate tiers are checked here,
 * per method (and per channel for chat.postMessage).
 */
final class SlackWebApi {
  /** chat.update rejects text over 4,000 chars; chat.postMessage truncates above 40,000 (slack.md §4 Size limits). */
  static final int UPDATE_MAX_TEXT = 4_000;
  static final int POST_MAX_TEXT = 40_000;
  static final int MAX_MARKDOWN_TEXT = 12_000;
  static final long TRIGGER_TTL_MS = 3_000;
  static final long RESPONSE_URL_TTL_MS = 30 * 60_000L;
  static final int RESPONSE_URL_USES = 5;
  static final long STATUS_TIMEOUT_MS = 2 * 60_000L;
  static final int VIEW_MAX_BYTES = 250 * 1024;
  private static final Pattern USER_ID = Pattern.compile("[UW][A-Z0-9]{2,}");
  private static final Pattern CHANNEL_NAME_CHARS = Pattern.compile("[a-z0-9_-]+");
  private static final Set<String> SESSION_STATUSES = Set.of("active", "processing", "suspended", "closed");

  private final FakeSlack fake;
  // guarded by FakeSlack.LOCK
  private final List<JsonObject> statusCalls = new ArrayList<>();
  private final Map<String, JsonObject> threadStatus = new HashMap<>();
  private final Map<String, String> sessionStatus = new HashMap<>();
  private boolean sessionStoppedSubscribed = true;

  SlackWebApi(FakeSlack fake) { this.fake = fake; }

  Runnable handler(FakeSlack.Call c) {
    return switch (c.method) {
      case "auth.test" -> () -> authTest(c);
      case "chat.postMessage" -> () -> postMessage(c);
      case "chat.update" -> () -> update(c);
      case "chat.postEphemeral" -> () -> postEphemeral(c);
      case "chat.delete" -> () -> delete(c);
      case "conversations.create" -> () -> create(c);
      case "conversations.invite" -> () -> invite(c);
      case "conversations.archive" -> () -> archive(c);
      case "conversations.open" -> () -> open(c);
      case "views.open" -> () -> viewsOpen(c);
      case "views.update" -> () -> viewsUpdate(c);
      case "apps.connections.open" -> () -> {
        if (!fake.overTier(c, 1)) fake.socket().open(c);
      };
      case "assistant.threads.setStatus" -> () -> setStatus(c);
      case "assistant.threads.setSuggestedPrompts" -> () -> setSuggestedPrompts(c);
      case "assistant.threads.setTitle" -> () -> setTitle(c);
      case "agents.sessions.setStatus" -> () -> sessionStatus(c);
      case "agents.sessions.rename" -> () -> sessionRename(c);
      default -> null;
    };
  }

  // ---- auth ----

  private void authTest(FakeSlack.Call c) {
    c.ok(new JsonObject().put("url", "https://" + FakeSlack.TEAM_DOMAIN + ".slack.com/").put("team", "PoCo Fake")
        .put("user", "poco").put("team_id", FakeSlack.TEAM_ID).put("user_id", fake.botUserId).put("bot_id", fake.botId)
        .put("is_enterprise_install", false));
  }

  // ---- chat ----

  /** The channel a message goes to: C…/D…/G…, or a user id (their DM with the bot); null after answering an error. */
  SlackChannel target(FakeSlack.Call c, String channelId) {
    if (channelId == null || channelId.isEmpty()) {
      c.error("channel_not_found");
      return null;
    }
    if (USER_ID.matcher(channelId).matches()) return fake.conversation(List.of(channelId));
    SlackChannel ch = fake.channel(channelId);
    if (ch == null) {
      c.error("channel_not_found");
      return null;
    }
    synchronized (FakeSlack.LOCK) {
      if (!ch.members.contains(fake.botUserId)) {
        c.error("not_in_channel");
        return null;
      }
      if (ch.archived) {
        c.error("is_archived");
        return null;
      }
    }
    return ch;
  }

  /**
   * The content of a post or update, or null after answering its refusal: markdown_text alone, or text and/or
   * blocks (slack.md §4, §10.4).
   */
  private JsonObject content(FakeSlack.Call c, int maxText, boolean truncate) {
    String text = c.str("text");
    String markdown = c.str("markdown_text");
    Object blocks = c.params.getValue("blocks") == null ? null : c.jsonArg("blocks");
    if (markdown != null && (text != null || blocks != null)) {
      c.error("markdown_text_conflict");
      return null;
    }
    if (markdown != null) {
      if (markdown.length() > MAX_MARKDOWN_TEXT) {
        c.error("msg_too_long");
        return null;
      }
      return new JsonObject().put("text", markdown).put("markdown_text", true);
    }
    if ((text == null || text.isEmpty()) && blocks == null) {
      c.error("no_text");
      return null;
    }
    if (blocks != null) {
      String refusal = SlackBlocks.refusal(blocks, SlackBlocks.MAX_MESSAGE_BLOCKS);
      if (refusal != null) {
        c.error(refusal);
        return null;
      }
    }
    if (text != null && text.length() > maxText) {
      if (!truncate) {
        c.error("msg_too_long");
        return null;
      }
      text = text.substring(0, maxText);
    }
    JsonObject out = new JsonObject().put("text", text == null ? "" : text);
    if (blocks != null) out.put("blocks", blocks);
    Object metadata = c.params.getValue("metadata") == null ? null : c.jsonArg("metadata");
    if (metadata instanceof JsonObject md) out.put("metadata", md);
    return out;
  }

  private void postMessage(FakeSlack.Call c) {
    String channelId = c.str("channel");
    // Special tier: about one message per second per channel (slack.md §4 table, §8)
    if (channelId != null && fake.over(c, "post:" + channelId, 1, 1_000, fake.channelLimitAsOkFalse())) return;
    SlackChannel ch = target(c, channelId);
    if (ch == null) return;
    JsonObject content = content(c, POST_MAX_TEXT, true);
    if (content == null) return;
    SlackMessage m;
    synchronized (FakeSlack.LOCK) {
      String threadTs = c.str("thread_ts");
      m = new SlackMessage(ch.id, fake.nextTs(ch.id), threadTs == null || threadTs.isEmpty() ? null : threadTs,
          fake.botUserId, fake.botId, null, content);
      ch.messages.add(m);
    }
    replied(ch.id, m.threadTs);
    c.ok(new JsonObject().put("channel", ch.id).put("ts", m.ts).put("message", m.toApi()));
  }

  private void update(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    String channelId = c.str("channel");
    SlackChannel ch = channelId == null ? null : fake.channel(channelId);
    if (ch == null) {
      c.error("channel_not_found");
      return;
    }
    String ts = c.str("ts");
    SlackMessage m = ts == null ? null : fake.message(ch.id, ts);
    if (m == null || m.deleted()) {
      c.error("message_not_found");
      return;
    }
    if (!m.fromBot()) {
      c.error("cant_update_message");
      return;
    }
    fake.streams().expire(m);
    if (m.streamState() == SlackMessage.StreamState.STREAMING) {
      c.error("streaming_state_conflict"); // stop the stream before editing it (§10.2)
      return;
    }
    JsonObject content = content(c, UPDATE_MAX_TEXT, false);
    if (content == null) return;
    synchronized (FakeSlack.LOCK) {
      if (m.stream != null && m.versions.size() == 1) { // the first edit of a stream replaces what it showed
        m.versions.set(0, new JsonObject().put("text", m.stream.markdown.toString()));
      }
      m.versions.add(content);
    }
    c.ok(new JsonObject().put("channel", ch.id).put("ts", m.ts).put("text", m.text()).put("message", m.toApi()));
  }

  /** chat.delete (Tier 3): a streaming message cannot be deleted, {@code cant_delete_message} (slack.md §10.2). */
  private void delete(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    SlackChannel ch = c.str("channel") == null ? null : fake.channel(c.str("channel"));
    if (ch == null) {
      c.error("channel_not_found");
      return;
    }
    SlackMessage m = c.str("ts") == null ? null : fake.message(ch.id, c.str("ts"));
    if (m == null || m.deleted()) {
      c.error("message_not_found");
      return;
    }
    fake.streams().expire(m);
    if (!m.fromBot() || m.streamState() == SlackMessage.StreamState.STREAMING) {
      c.error("cant_delete_message");
      return;
    }
    synchronized (FakeSlack.LOCK) { m.deleted = true; }
    c.ok(new JsonObject().put("channel", ch.id).put("ts", m.ts));
  }

  private void postEphemeral(FakeSlack.Call c) {
    if (fake.overTier(c, 4)) return;
    SlackChannel ch = target(c, c.str("channel"));
    if (ch == null) return;
    String user = c.str("user");
    synchronized (FakeSlack.LOCK) {
      if (user == null || !ch.members.contains(user)) {
        c.error("user_not_in_channel");
        return;
      }
    }
    JsonObject content = content(c, POST_MAX_TEXT, true);
    if (content == null) return;
    SlackMessage m;
    synchronized (FakeSlack.LOCK) {
      m = new SlackMessage(ch.id, fake.nextTs(ch.id), c.str("thread_ts"), fake.botUserId, fake.botId, user, content);
      ch.ephemerals.add(m);
    }
    c.ok(new JsonObject().put("message_ts", m.ts));
  }

  // ---- conversations ----

  /** Slack's channel-name rules (slack.md §4: lowercase, no specials; ≤ 80 chars; docs' invalid_name_* codes). */
  static String nameRefusal(String name) {
    if (name == null || name.isEmpty()) return "invalid_name_required";
    if (name.length() > 80) return "invalid_name_maxlength";
    if (name.chars().allMatch(ch -> ch == '-' || ch == '_')) return "invalid_name_punctuation";
    if (!CHANNEL_NAME_CHARS.matcher(name).matches()) return "invalid_name_specials";
    return null;
  }

  private void create(FakeSlack.Call c) {
    if (fake.overTier(c, 2)) return;
    String name = c.str("name");
    String refusal = nameRefusal(name);
    if (refusal != null) {
      c.error(refusal);
      return;
    }
    boolean priv = Boolean.parseBoolean(c.str("is_private"));
    SlackChannel ch;
    synchronized (FakeSlack.LOCK) {
      if (fake.channels.values().stream().anyMatch(x -> name.equals(x.name))) {
        c.error("name_taken");
        return;
      }
      ch = new SlackChannel("C" + fake.next(), name, priv, "channel");
      ch.members.add(fake.botUserId);
      fake.channels.put(ch.id, ch);
    }
    c.ok(new JsonObject().put("channel", channelJson(ch)));
  }

  private JsonObject channelJson(SlackChannel ch) {
    return new JsonObject().put("id", ch.id).put("name", ch.name).put("is_channel", ch.type.equals("channel"))
        .put("is_im", ch.isIm()).put("is_mpim", ch.type.equals("mpim")).put("is_private", ch.isPrivate)
        .put("is_archived", ch.archived()).put("is_member", ch.members().contains(fake.botUserId))
        .put("created", fake.nowMs() / 1000).put("creator", fake.botUserId);
  }

  private void invite(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    SlackChannel ch = c.str("channel") == null ? null : fake.channel(c.str("channel"));
    if (ch == null) {
      c.error("channel_not_found");
      return;
    }
    String users = c.str("users");
    if (users == null || users.isBlank()) {
      c.error("no_user");
      return;
    }
    String[] ids = users.split(",");
    if (ids.length > 1000) {
      c.error("too_many_users");
      return;
    }
    boolean force = Boolean.parseBoolean(c.str("force"));
    JsonArray errors = new JsonArray();
    synchronized (FakeSlack.LOCK) {
      if (!ch.members.contains(fake.botUserId)) {
        c.error("not_in_channel");
        return;
      }
      if (ch.archived) {
        c.error("is_archived");
        return;
      }
      if (!ch.type.equals("channel")) {
        c.error("method_not_supported_for_channel_type");
        return;
      }
      List<String> ok = new ArrayList<>();
      for (String raw : ids) {
        String u = raw.trim();
        String e = u.equals(fake.botUserId) ? "cant_invite_self" : !USER_ID.matcher(u).matches() ? "user_not_found"
            : ch.members.contains(u) ? "already_in_channel" : null;
        if (e != null) {
          errors.add(new JsonObject().put("user", u).put("ok", false).put("error", e));
        } else {
          ok.add(u);
        }
      }
      if (!errors.isEmpty() && !force) {
        c.answer(200, new JsonObject().put("ok", false).put("error", errors.getJsonObject(0).getString("error"))
            .put("errors", errors), null);
        return;
      }
      ch.members.addAll(ok);
    }
    JsonObject body = new JsonObject().put("channel", channelJson(ch));
    if (!errors.isEmpty()) body.put("errors", errors);
    c.ok(body);
  }

  private void archive(FakeSlack.Call c) {
    if (fake.overTier(c, 2)) return;
    SlackChannel ch = c.str("channel") == null ? null : fake.channel(c.str("channel"));
    if (ch == null) {
      c.error("channel_not_found");
      return;
    }
    synchronized (FakeSlack.LOCK) {
      if (!ch.type.equals("channel")) {
        c.error("method_not_supported_for_channel_type");
        return;
      }
      if (ch.archived) {
        c.error("already_archived");
        return;
      }
      if (!ch.members.contains(fake.botUserId)) {
        c.error("not_in_channel");
        return;
      }
      ch.archived = true;
    }
    c.ok(new JsonObject());
  }

  private void open(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    String channelId = c.str("channel");
    String users = c.str("users");
    SlackChannel ch;
    boolean existed;
    if (users == null || users.isBlank()) {
      if (channelId == null) {
        c.error("not_enough_users");
        return;
      }
      ch = fake.channel(channelId);
      if (ch == null) {
        c.error("channel_not_found");
        return;
      }
      existed = true;
    } else {
      List<String> ids = new ArrayList<>();
      for (String raw : users.split(",")) {
        String u = raw.trim();
        if (!USER_ID.matcher(u).matches()) {
          c.error("user_not_found");
          return;
        }
        if (!u.equals(fake.botUserId)) ids.add(u);
      }
      if (ids.isEmpty()) {
        c.error("not_enough_users");
        return;
      }
      if (ids.size() > 8) {
        c.error("too_many_users");
        return;
      }
      List<String> sorted = ids.stream().distinct().sorted().toList();
      existed = fake.channels().stream().anyMatch(x -> !x.type.equals("channel")
          && x.members().stream().filter(m -> !m.equals(fake.botUserId)).sorted().toList().equals(sorted));
      if (!existed && Boolean.parseBoolean(c.str("prevent_creation"))) {
        c.error("channel_not_found");
        return;
      }
      ch = fake.conversation(sorted);
    }
    JsonObject channel = Boolean.parseBoolean(c.str("return_im")) ? channelJson(ch) : new JsonObject().put("id", ch.id);
    JsonObject body = new JsonObject().put("channel", channel);
    if (existed) body.put("no_op", true).put("already_open", true);
    c.ok(body);
  }

  // ---- views ----

  private void viewsOpen(FakeSlack.Call c) {
    if (fake.overTier(c, 4)) return;
    String triggerId = c.str("trigger_id");
    if (triggerId == null) triggerId = c.str("interactivity_pointer");
    FakeSlack.Trigger t;
    synchronized (FakeSlack.LOCK) { t = triggerId == null ? null : fake.triggers.get(triggerId); }
    if (t == null) {
      c.error("invalid_trigger_id");
      return;
    }
    Object viewArg = c.params.getValue("view") == null ? null : c.jsonArg("view");
    if (!(viewArg instanceof JsonObject view) || !"modal".equals(view.getString("type"))) {
      c.error("invalid_arguments");
      return;
    }
    String refused = viewRefusal(view);
    if (refused != null) {
      c.error(refused);
      return;
    }
    SlackView v;
    synchronized (FakeSlack.LOCK) {
      if (t.used) {
        c.error("exchanged_trigger_id"); // single use (§3 trigger_id)
        return;
      }
      if (fake.nowMs() - t.issuedAtMs > TRIGGER_TTL_MS) {
        c.error("expired_trigger_id"); // about 3 s (§3 trigger_id)
        return;
      }
      t.used = true;
      v = new SlackView("V" + fake.next(), t.userId, viewApi(view));
      fake.views.put(v.id, v);
    }
    c.ok(new JsonObject().put("view", v.view().put("id", v.id)));
  }

  /**
   * {@code views.update} of an open modal by view_id or external_id, no trigger needed; a stale {@code hash} is a
   * conflict; an unknown or closed view is {@code not_found} (a closed modal is gone for Slack).
   */
  private void viewsUpdate(FakeSlack.Call c) {
    if (fake.overTier(c, 4)) return;
    String viewId = c.str("view_id");
    String externalId = c.str("external_id");
    Object viewArg = c.params.getValue("view") == null ? null : c.jsonArg("view");
    if (!(viewArg instanceof JsonObject view) || !"modal".equals(view.getString("type"))
        || (viewId == null && externalId == null)) {
      c.error("invalid_arguments");
      return;
    }
    String refused = viewRefusal(view);
    if (refused != null) {
      c.error(refused);
      return;
    }
    SlackView v;
    synchronized (FakeSlack.LOCK) {
      v = viewId != null ? fake.views.get(viewId) : fake.views.values().stream()
          .filter(x -> externalId.equals(x.versions.get(x.versions.size() - 1).getString("external_id")))
          .findFirst().orElse(null);
      if (v == null || v.closed) {
        c.error("not_found");
        return;
      }
      String hash = c.str("hash");
      if (hash != null && !hash.equals(v.versions.get(v.versions.size() - 1).getString("hash"))) {
        c.error("hash_conflict");
        return;
      }
      v.errors = null;
      v.versions.add(viewApi(view));
    }
    c.ok(new JsonObject().put("view", v.view().put("id", v.id)));
  }

  private JsonObject viewApi(JsonObject view) {
    return view.copy().put("team_id", FakeSlack.TEAM_ID).put("app_id", fake.appId).put("bot_id", fake.botId)
        .put("state", new JsonObject().put("values", new JsonObject())).put("hash", "h" + fake.next())
        .put("callback_id", view.getString("callback_id", "")).put("private_metadata",
            view.getString("private_metadata", ""));
  }

  /** Applies a view_submission answer (HTTP body or Socket Mode ack payload) to the modal (§3 response body). */
  void applyViewResponse(String viewId, JsonObject answer) {
    synchronized (FakeSlack.LOCK) {
      SlackView v = fake.views.get(viewId);
      if (v == null) return;
      String action = answer == null ? null : answer.getString("response_action");
      if (action == null || action.equals("clear")) {
        v.closed = true;
      } else if (action.equals("errors")) {
        v.errors = answer.getJsonObject("errors", new JsonObject()).copy();
      } else if ((action.equals("update") || action.equals("push")) && answer.getJsonObject("view") != null) {
        v.errors = null;
        v.versions.add(viewApi(answer.getJsonObject("view")));
      }
    }
  }

  // ---- response_url ----

  /** A POST to a response_url: ≤ 5 uses in 30 min; replace_original / delete_original / in_channel / ephemeral. */
  void responseUrl(FakeSlack.Call c, String id) {
    FakeSlack.ResponseUrl r;
    synchronized (FakeSlack.LOCK) { r = fake.responseUrls.get(id); }
    if (r == null) {
      c.answer(404, new JsonObject().put("ok", false).put("error", "invalid_url"), null);
      return;
    }
    synchronized (FakeSlack.LOCK) {
      if (fake.nowMs() - r.issuedAtMs > RESPONSE_URL_TTL_MS) {
        c.answer(404, new JsonObject().put("ok", false).put("error", "expired_url"), null);
        return;
      }
      if (r.uses >= RESPONSE_URL_USES) {
        c.answer(404, new JsonObject().put("ok", false).put("error", "used_url"), null);
        return;
      }
      r.uses++;
    }
    applyMessageResponse(r.channel, r.userId, r.messageTs, c.params);
    c.ok(new JsonObject());
  }

  /**
   * What a response_url POST, a slash command's answer or its ack payload shows: delete or replace the original,
   * a message in the channel ({@code in_channel}) or one only the user sees (ephemeral, the default).
   */
  void applyMessageResponse(String channelId, String userId, String originalTs, JsonObject body) {
    synchronized (FakeSlack.LOCK) {
      SlackChannel ch = fake.channels.get(channelId);
      if (ch == null || body == null) return;
      SlackMessage original = originalTs == null ? null : fake.shown(channelId, originalTs);
      if (Boolean.parseBoolean(String.valueOf(body.getValue("delete_original"))) && original != null) {
        original.deleted = true;
        return;
      }
      Object blocks = body.getValue("blocks");
      if (blocks instanceof String s) blocks = new JsonArray(s);
      JsonObject content = new JsonObject().put("text", body.getString("text", ""));
      if (blocks instanceof JsonArray b) content.put("blocks", b);
      if (Boolean.parseBoolean(String.valueOf(body.getValue("replace_original"))) && original != null) {
        original.versions.add(content);
        return;
      }
      if (body.getString("text") == null && blocks == null) return; // e.g. {"response_type":"ephemeral"} alone
      if ("in_channel".equals(body.getString("response_type"))) {
        ch.messages.add(new SlackMessage(ch.id, fake.nextTs(ch.id), body.getString("thread_ts"), fake.botUserId,
            fake.botId, null, content));
      } else {
        ch.ephemerals.add(new SlackMessage(ch.id, fake.nextTs(ch.id), body.getString("thread_ts"), fake.botUserId,
            fake.botId, userId, content));
      }
    }
  }

  // ---- assistant threads and agent sessions (§10.3) ----

  private boolean required(FakeSlack.Call c, String... keys) {
    for (String k : keys) {
      if (c.str(k) == null) {
        c.error("invalid_arguments");
        return false;
      }
    }
    if (fake.channel(c.str("channel_id")) == null) {
      c.error("channel_not_found");
      return false;
    }
    return true;
  }

  private void record(FakeSlack.Call c) {
    JsonObject p = c.params.copy();
    p.remove("token");
    synchronized (FakeSlack.LOCK) { statusCalls.add(p.put("method", c.method).put("at", fake.nowMs())); }
  }

  private void setStatus(FakeSlack.Call c) {
    // Special: the Java SDK assumes 60/min per DM (§10.3)
    if (c.str("channel_id") != null && fake.over(c, "status:" + c.str("channel_id"), 60, 60_000)) return;
    if (!required(c, "channel_id", "thread_ts", "status")) return;
    Object loading = c.params.getValue("loading_messages") == null ? null : c.jsonArg("loading_messages");
    if (loading != null && (!(loading instanceof JsonArray l) || l.size() > 10)) {
      c.error("invalid_arguments");
      return;
    }
    record(c);
    synchronized (FakeSlack.LOCK) {
      threadStatus.put(c.str("channel_id") + "|" + c.str("thread_ts"),
          new JsonObject().put("status", c.str("status")).put("at", fake.nowMs()));
    }
    c.ok(new JsonObject());
  }

  /** The agent session's status in a thread (set only by agents.sessions.setStatus; §10.3), or null. */
  String sessionStatus(String channelId, String threadTs) {
    synchronized (FakeSlack.LOCK) { return sessionStatus.get(channelId + "|" + threadTs); }
  }

  /** A reply in the thread clears its assistant status (slack.md §10.3). */
  void replied(String channelId, String threadTs) {
    if (threadTs == null) return;
    synchronized (FakeSlack.LOCK) { threadStatus.remove(channelId + "|" + threadTs); }
  }

  /** The status a thread shows now: "" once a reply was posted, it was cleared, or 2 minutes passed (§10.3). */
  String threadStatus(String channelId, String threadTs) {
    synchronized (FakeSlack.LOCK) {
      JsonObject s = threadStatus.get(channelId + "|" + threadTs);
      if (s == null || fake.nowMs() - s.getLong("at") > STATUS_TIMEOUT_MS) return "";
      return s.getString("status");
    }
  }

  private void setSuggestedPrompts(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    if (!required(c, "channel_id")) return;
    Object prompts = c.params.getValue("prompts") == null ? null : c.jsonArg("prompts");
    if (!(prompts instanceof JsonArray list) || list.isEmpty() || list.stream().anyMatch(p -> !(p instanceof JsonObject o)
        || o.getString("title") == null || o.getString("message") == null)) {
      c.error("invalid_arguments");
      return;
    }
    record(c);
    c.ok(new JsonObject());
  }

  private void setTitle(FakeSlack.Call c) {
    if (fake.overTier(c, 3)) return;
    if (!required(c, "channel_id", "thread_ts", "title")) return;
    record(c);
    c.ok(new JsonObject());
  }

  private void sessionStatus(FakeSlack.Call c) {
    if (!required(c, "channel_id", "thread_ts", "status")) return;
    String title = c.str("title");
    if (!SESSION_STATUSES.contains(c.str("status")) || (title != null && title.length() > 200)) {
      c.error("invalid_arguments");
      return;
    }
    record(c);
    boolean subscribed;
    synchronized (FakeSlack.LOCK) {
      subscribed = sessionStoppedSubscribed;
      sessionStatus.put(c.str("channel_id") + "|" + c.str("thread_ts"), c.str("status"));
    }
    JsonObject body = new JsonObject();
    if (!subscribed) {
      String w = "missing_agent_session_stopped_event_subscription";
      body.put("warning", w).put("response_metadata", new JsonObject().put("warnings", new JsonArray().add(w)));
    }
    c.ok(body);
  }

  private void sessionRename(FakeSlack.Call c) {
    if (!required(c, "channel_id", "title")) return;
    String title = c.str("title");
    if (title.isEmpty() || title.length() > 200) {
      c.error("invalid_arguments");
      return;
    }
    record(c);
    c.ok(new JsonObject());
  }

  List<JsonObject> statusCalls() {
    synchronized (FakeSlack.LOCK) { return statusCalls.stream().map(JsonObject::copy).toList(); }
  }

  void agentSessionStoppedSubscribed(boolean on) {
    synchronized (FakeSlack.LOCK) { sessionStoppedSubscribed = on; }
  }

  /** What Slack says to a modal it will not show (views.open and views.update alike), or null. */
  private static String viewRefusal(JsonObject view) {
    if (view.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > VIEW_MAX_BYTES) return "view_too_large";
    if (SlackBlocks.refusal(view.getValue("blocks", new JsonArray()), SlackBlocks.MAX_MODAL_BLOCKS) != null) {
      return "invalid_blocks";
    }
    return null;
  }
}
