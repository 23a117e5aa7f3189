package dev.poco.gateway.slack;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The Slack Web API calls the gateway makes (slack.md §4), on the Vert.x WebClient: {@code POST <base>/<method>}
 * with a JSON body and {@code Authorization: Bearer <bot token>}. A rate limit (HTTP 429 with {@code Retry-After},
 * or {@code ok:false} with {@code ratelimited}/{@code rate_limited}) is waited out and the call tried again, at most
 * {@value #MAX_ATTEMPTS} attempts in all; only rate limits are retried (the call was not carried out), so a post
 * whose answer was lost is never posted twice. A rate limit also holds back every other call of the same method to the
 * same channel until its Retry-After has passed (slack.md §9: one queue per method and channel), so they do not run
 * into the same 429. Any other {@code ok:false} fails with a {@link SlackApiException} carrying Slack's error string.
 * The token never reaches a log or an error message.
 */
public final class SlackApi {
  static final int MAX_ATTEMPTS = 4;
  static final long REQUEST_TIMEOUT_MS = 10_000;
  /** Longest Retry-After waited out: further away fails the call (the orchestrator's own retry takes over). */
  static final long MAX_WAIT_MS = 30_000;

  private final Vertx vertx;
  private final SlackConfig config;
  private final WebClient client;
  private final Consumer<String> onError;
  private volatile long retries;
  private volatile long heldBack;
  /** "method channel" → epoch ms before which no call of it goes (a Retry-After seen). */
  private final Map<String, Long> backoffUntil = new ConcurrentHashMap<>();

  /** @param onError told of every failed call (a one-line reason without secrets), for health and the debug ring */
  public SlackApi(Vertx vertx, SlackConfig config, Consumer<String> onError) {
    this.vertx = vertx;
    this.config = config;
    this.onError = onError == null ? s -> { } : onError;
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("poco-slack-gateway")
        .setConnectTimeout(5_000).setKeepAlive(true));
  }

  public void close() { client.close(); }

  /** Calls waited out and tried again after a rate limit. */
  public long retries() { return retries; }

  /** Calls held back because their method and channel were rate limited a moment before. */
  public long heldBack() { return heldBack; }

  // ---- methods ----

  /** {@code auth.test}: {user_id (the bot user), team_id, team, bot_id, ...}. */
  public Future<JsonObject> authTest() { return call("auth.test", new JsonObject()); }

  /** {@code chat.postMessage}; answers the new message's {@code ts}. */
  public Future<String> postMessage(String channel, String text, JsonArray blocks, String threadTs) {
    JsonObject body = new JsonObject().put("channel", channel).put("text", text);
    if (blocks != null) body.put("blocks", blocks);
    if (threadTs != null) body.put("thread_ts", threadTs);
    return call("chat.postMessage", body).compose(j -> j.getString("ts") == null
        ? Future.failedFuture(new SlackApiException("chat.postMessage", 200, "answer without ts"))
        : Future.succeededFuture(j.getString("ts")));
  }

  /** {@code chat.update} of the message {@code ts} in {@code channel}. */
  public Future<JsonObject> update(String channel, String ts, String text, JsonArray blocks) {
    JsonObject body = new JsonObject().put("channel", channel).put("ts", ts).put("text", text);
    if (blocks != null) body.put("blocks", blocks);
    return call("chat.update", body);
  }

  /** {@code chat.update} of {@code ts} with {@code markdown_text} (≤ 12,000 characters; §10.4), e.g. a stream's message. */
  public Future<JsonObject> updateMarkdown(String channel, String ts, String markdownText) {
    return call("chat.update", new JsonObject().put("channel", channel).put("ts", ts).put("markdown_text", markdownText));
  }

  /** {@code chat.postMessage} with {@code markdown_text} (≤ 12,000 characters; §10.4); answers the new ts. */
  public Future<String> postMarkdown(String channel, String markdownText, String threadTs) {
    JsonObject body = new JsonObject().put("channel", channel).put("markdown_text", markdownText);
    if (threadTs != null) body.put("thread_ts", threadTs);
    return call("chat.postMessage", body).map(j -> j.getString("ts"));
  }

  /**
   * {@code chat.startStream} (slack.md §10.1) in the thread {@code threadTs}, starting with {@code markdownText}; the
   * recipient ids are sent when known ("required when streaming to channels"). Answers the streamed message's ts.
   */
  public Future<String> startStream(String channel, String threadTs, String markdownText, String recipientUserId,
      String recipientTeamId) {
    JsonObject body = new JsonObject().put("channel", channel).put("thread_ts", threadTs)
        .put("markdown_text", markdownText);
    if (recipientUserId != null) body.put("recipient_user_id", recipientUserId);
    if (recipientTeamId != null) body.put("recipient_team_id", recipientTeamId);
    return call("chat.startStream", body).compose(j -> j.getString("ts") == null
        ? Future.failedFuture(new SlackApiException("chat.startStream", 200, "answer without ts"))
        : Future.succeededFuture(j.getString("ts")));
  }

  /** {@code chat.appendStream}: {@code markdownText} (≤ 12,000 characters) is added to what the stream shows. */
  public Future<Void> appendStream(String channel, String ts, String markdownText) {
    return call("chat.appendStream", new JsonObject().put("channel", channel).put("ts", ts)
        .put("markdown_text", markdownText)).mapEmpty();
  }

  /** {@code chat.stopStream}, with a last chunk of text when {@code markdownText} is not empty. */
  public Future<Void> stopStream(String channel, String ts, String markdownText) {
    JsonObject body = new JsonObject().put("channel", channel).put("ts", ts);
    if (markdownText != null && !markdownText.isEmpty()) body.put("markdown_text", markdownText);
    return call("chat.stopStream", body).mapEmpty();
  }

  /**
   * {@code agents.sessions.setStatus} (slack.md §10.3): {@code active|processing|suspended|closed}, creating the
   * thread's session if needed ({@code title} and {@code initiator} are used on create). Answers the whole body: a
   * {@code warning} says e.g. that the app does not receive {@code agent_session_stopped}.
   */
  public Future<JsonObject> setSessionStatus(String channel, String threadTs, String status, String title,
      String initiator) {
    JsonObject body = new JsonObject().put("channel_id", channel).put("thread_ts", threadTs).put("status", status);
    if (title != null) body.put("title", title);
    if (initiator != null) body.put("initiator_user_id", initiator);
    return call("agents.sessions.setStatus", body);
  }

  /** {@code assistant.threads.setStatus} (slack.md §10.3): a status line under the thread; "" clears it. */
  public Future<JsonObject> setThreadStatus(String channel, String threadTs, String status) {
    return call("assistant.threads.setStatus", new JsonObject().put("channel_id", channel).put("thread_ts", threadTs)
        .put("status", status));
  }

  /** {@code chat.postEphemeral}: shown to {@code user} only; answers {@code message_ts}. */
  public Future<String> postEphemeral(String channel, String user, String text, JsonArray blocks, String threadTs) {
    JsonObject body = new JsonObject().put("channel", channel).put("user", user).put("text", text);
    if (blocks != null) body.put("blocks", blocks);
    if (threadTs != null) body.put("thread_ts", threadTs);
    return call("chat.postEphemeral", body).map(j -> j.getString("message_ts"));
  }

  /** {@code conversations.create}; answers the channel object ({id, name, ...}). */
  public Future<JsonObject> createChannel(String name, boolean isPrivate) {
    return call("conversations.create", new JsonObject().put("name", name).put("is_private", isPrivate))
        .map(j -> j.getJsonObject("channel", new JsonObject()));
  }

  /** {@code conversations.invite}; a user already in the channel (or the bot itself) is fine. */
  public Future<Void> invite(String channel, String user) {
    return call("conversations.invite", new JsonObject().put("channel", channel).put("users", user))
        .<Void>mapEmpty()
        .recover(err -> err instanceof SlackApiException e
            && ("already_in_channel".equals(e.error()) || "cant_invite_self".equals(e.error()))
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** {@code conversations.archive}; one already archived or gone is fine (a dissolve is idempotent). */
  public Future<Void> archive(String channel) {
    return call("conversations.archive", new JsonObject().put("channel", channel))
        .<Void>mapEmpty()
        .recover(err -> err instanceof SlackApiException e
            && ("already_archived".equals(e.error()) || "channel_not_found".equals(e.error()))
            ? Future.succeededFuture() : Future.failedFuture(err));
  }

  /** {@code conversations.open} of a 1:1 DM with {@code user}; answers the D… channel id. */
  public Future<String> openDm(String user) {
    return call("conversations.open", new JsonObject().put("users", user))
        .map(j -> j.getJsonObject("channel", new JsonObject()).getString("id"));
  }

  /**
   * POSTs {@code message} ({text, blocks, response_type, replace_original, ...}) to an interaction's or a slash
   * command's {@code response_url} (slack.md §3: at most 5 uses in 30 minutes). No token: the URL is the credential.
   */
  public Future<Void> respond(String responseUrl, JsonObject message) {
    return attempt("response_url", null, 1, () -> client.requestAbs(HttpMethod.POST, responseUrl)
        .timeout(REQUEST_TIMEOUT_MS).putHeader("Content-Type", "application/json; charset=utf-8")
        .sendBuffer(Buffer.buffer(message.encode())))
        .mapEmpty();
  }

  /**
   * {@code views.open} of {@code view} with a click's {@code trigger_id} (slack.md §3/§4: about 3 s, single use):
   * tried once, a rate limit is not waited out (the trigger would be gone by then); answers the opened view
   * ({id, hash, ...}).
   */
  public Future<JsonObject> openView(String triggerId, JsonObject view) {
    JsonObject body = new JsonObject().put("trigger_id", triggerId).put("view", view);
    return attempt("views.open", null, MAX_ATTEMPTS, send("views.open", body))
        .map(j -> j.getJsonObject("view", new JsonObject()));
  }

  /** {@code views.update} of the open view {@code viewId} (no trigger needed); answers the updated view. */
  public Future<JsonObject> updateView(String viewId, JsonObject view) {
    return call("views.update", new JsonObject().put("view_id", viewId).put("view", view))
        .map(j -> j.getJsonObject("view", new JsonObject()));
  }

  // ---- transport ----

  /** One Web API method, rate limits waited out; answers the whole {@code ok:true} body. */
  public Future<JsonObject> call(String method, JsonObject body) {
    String channel = body.getString("channel", body.getString("channel_id", ""));
    String key = method + " " + channel;
    return attempt(method, key, 1, send(method, body));
  }

  private Supplier<Future<HttpResponse<Buffer>>> send(String method, JsonObject body) {
    return () -> client.requestAbs(HttpMethod.POST, config.apiBaseUrl() + "/" + method)
        .timeout(REQUEST_TIMEOUT_MS)
        .putHeader("Authorization", "Bearer " + config.botToken())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .sendBuffer(Buffer.buffer(body.encode()));
  }

  private Future<JsonObject> attempt(String method, String key, int attempt,
      Supplier<Future<HttpResponse<Buffer>>> send) {
    Long until = key == null ? null : backoffUntil.get(key);
    long wait = until == null ? 0 : until - System.currentTimeMillis();
    if (wait > 0) {
      heldBack++;
      Promise<JsonObject> later = Promise.promise();
      vertx.setTimer(wait, id -> attempt(method, key, attempt, send).onComplete(later));
      return later.future();
    }
    if (until != null) backoffUntil.remove(key, until);
    return send.get().compose(resp -> {
      JsonObject j = json(resp);
      String error = j == null ? null : j.getBoolean("ok", false) ? null : j.getString("error", "unknown_error");
      boolean webApi = !"response_url".equals(method);
      boolean limited = resp.statusCode() == 429 || "ratelimited".equals(error) || "rate_limited".equals(error);
      if (limited) {
        long waitMs = retryAfterMs(resp);
        if (key != null) backoffUntil.merge(key, System.currentTimeMillis() + waitMs, Math::max);
        if (attempt < MAX_ATTEMPTS && waitMs <= MAX_WAIT_MS) {
          retries++;
          Promise<JsonObject> later = Promise.promise();
          vertx.setTimer(Math.max(1, waitMs), id -> attempt(method, key, attempt + 1, send).onComplete(later));
          return later.future();
        }
        return failed(method, resp.statusCode(), error != null ? error : "ratelimited");
      }
      if (resp.statusCode() / 100 != 2) return failed(method, resp.statusCode(), error != null ? error : "http_error");
      if (!webApi) return Future.succeededFuture(j == null ? new JsonObject() : j); // response_url answers "ok"
      if (j == null) return failed(method, resp.statusCode(), "unreadable answer");
      if (error != null) return failed(method, resp.statusCode(), error);
      return Future.succeededFuture(j);
    }, err -> {
      onError.accept("Slack " + method + ": " + err.getMessage());
      return Future.failedFuture(err);
    });
  }

  private Future<JsonObject> failed(String method, int status, String error) {
    SlackApiException e = new SlackApiException(method, status, error);
    onError.accept(e.getMessage());
    return Future.failedFuture(e);
  }

  /** Retry-After in seconds (slack.md §4); 1 s when missing or unreadable. */
  static long retryAfterMs(HttpResponse<Buffer> resp) {
    String h = resp.getHeader("Retry-After");
    try {
      return h == null ? 1_000 : Math.max(0, Long.parseLong(h.trim())) * 1_000;
    } catch (NumberFormatException e) {
      return 1_000;
    }
  }

  private static JsonObject json(HttpResponse<Buffer> resp) {
    try {
      Buffer b = resp.body();
      return b == null || b.length() == 0 ? null : new JsonObject(b);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
