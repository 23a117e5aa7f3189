package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.CallBudget;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The few Feishu open API calls the gateway makes (feishu.md §1–§3), on the Vert.x WebClient: the tenant access
 * token (cached, refreshed 5 min before expiry, single-flight, dropped and fetched again on an invalid-token code),
 * sending, replying, patching a card, creating and dissolving a group chat. Rate limits (HTTP 429 with
 * {@code x-ogw-ratelimit-reset}, codes 99991400, 230020, 11232) are waited out and retried; sends carry a
 * {@code uuid} so a retry after a lost answer does not post twice. Tokens and the app secret never reach a log or an
 * error message.
 */
public final class FeishuApi {
  static final String TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal";
  /** Attempts of one call that meets rate limits, 5xx or a dropped connection. */
  static final int MAX_ATTEMPTS = 4;
  static final long REQUEST_TIMEOUT_MS = 10_000;
  /** Longest wait for a rate limit: a reset further away fails the call (the caller's own retry takes over). */
  static final long MAX_WAIT_MS = 10_000;
  /** Calls started in any second, app-wide: under Feishu's 50/s (feishu.md §2) so its window never trips. */
  static final int APP_CALLS_PER_SECOND = 45;

  private final Vertx vertx;
  private final FeishuConfig config;
  private final WebClient client;
  private final Consumer<String> onError;
  /** Every call shares the app's budget (50/s, feishu.md §2, §11.5), with a margin for the platform's own window. */
  private final CallBudget budget;
  /**
   * ...and the per-minute one (1000/min, feishu.md §2), with the same margin: a sustained load paced to 45/s alone
   * meets 429s after 22 s, and a render refused four times in a row is late by the orchestrator's backoff.
   */
  private final CallBudget minuteBudget;
  static final int APP_CALLS_PER_MINUTE = 950;

  private String token;
  private long tokenRefreshAt;
  private Future<String> tokenInFlight;
  private volatile long tokenFetchedAt;
  private long tokenFetches;
  private long retries;

  /** @param onError told of every failed call (a redacted one-line reason), for health and the debug ring */
  public FeishuApi(Vertx vertx, FeishuConfig config, Consumer<String> onError) {
    this.vertx = vertx;
    this.config = config;
    this.onError = onError == null ? s -> { } : onError;
    this.budget = new CallBudget(vertx, APP_CALLS_PER_SECOND, 1_000);
    this.minuteBudget = new CallBudget(vertx, APP_CALLS_PER_MINUTE, 60_000);
    this.client = WebClient.create(vertx, new WebClientOptions().setUserAgent("poco-feishu-gateway")
        .setConnectTimeout(5_000).setKeepAlive(true));
  }

  public void close() { client.close(); }

  /** When a token was last fetched (epoch ms), 0 before the first. */
  public long tokenFetchedAt() { return tokenFetchedAt; }

  public long tokenFetches() { return tokenFetches; }

  public long retries() { return retries; }

  // ---- token ----

  /** The tenant access token: the cached one while fresh, else one fetch shared by every caller waiting. */
  public Future<String> token() {
    if (token != null && System.currentTimeMillis() < tokenRefreshAt) return Future.succeededFuture(token);
    if (tokenInFlight != null) return tokenInFlight;
    JsonObject body = new JsonObject().put("app_id", config.appId()).put("app_secret", config.appSecret());
    Future<String> f = client.requestAbs(HttpMethod.POST, config.apiBaseUrl() + TOKEN_PATH)
        .timeout(REQUEST_TIMEOUT_MS)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .sendJsonObject(body)
        .compose(resp -> {
          JsonObject j = json(resp);
          int code = j == null ? -1 : j.getInteger("code", -1);
          String t = j == null ? null : j.getString("tenant_access_token");
          if (code != 0 || t == null) {
            return Future.<String>failedFuture(new FeishuApiException("tenant_access_token", resp.statusCode(), code,
                j == null ? "unreadable answer" : j.getString("msg")));
          }
          long expireS = j.getLong("expire", 7200L);
          // refresh 5 min before expiry (feishu.md §1); a short-lived token (a fake's) at half its life
          long lifeMs = expireS > 600 ? (expireS - 300) * 1000 : expireS * 500;
          token = t;
          tokenRefreshAt = System.currentTimeMillis() + lifeMs;
          tokenFetchedAt = System.currentTimeMillis();
          tokenFetches++;
          return Future.succeededFuture(t);
        });
    tokenInFlight = f;
    f.onComplete(ar -> {
      tokenInFlight = null;
      if (ar.failed()) onError.accept(ar.cause().getMessage());
    });
    return f;
  }

  /** Forgets the cached token (an invalid-token code): the next call fetches a new one. */
  void invalidate(String rejected) {
    if (rejected != null && rejected.equals(token)) {
      token = null;
      tokenRefreshAt = 0;
    }
  }

  // ---- messages ----

  /** Sends a message to a chat (receive_id_type chat_id) or a user (open_id). Answers the Message ({@code data}). */
  public Future<JsonObject> send(String receiveIdType, String receiveId, String msgType, String content) {
    JsonObject body = new JsonObject().put("receive_id", receiveId).put("msg_type", msgType).put("content", content)
        .put("uuid", UUID.randomUUID().toString());
    return call("send message", HttpMethod.POST, "/open-apis/im/v1/messages",
        Map.of("receive_id_type", receiveIdType), body);
  }

  public Future<JsonObject> sendCard(String chatId, String cardContent) {
    return send("chat_id", chatId, "interactive", cardContent);
  }

  /** Replies to a message (in its thread when {@code inThread}). Answers the Message. */
  public Future<JsonObject> reply(String messageId, String msgType, String content, boolean inThread) {
    JsonObject body = new JsonObject().put("msg_type", msgType).put("content", content)
        .put("reply_in_thread", inThread).put("uuid", UUID.randomUUID().toString());
    return call("reply", HttpMethod.POST, "/open-apis/im/v1/messages/" + enc(messageId) + "/reply", Map.of(), body);
  }

  /** Replaces a card message's card (feishu.md §3): fails with {@link FeishuApiException#cardGone()} when it can't. */
  public Future<Void> patchCard(String messageId, String cardContent) {
    return call("patch card", HttpMethod.PATCH, "/open-apis/im/v1/messages/" + enc(messageId), Map.of(),
        new JsonObject().put("content", cardContent)).mapEmpty();
  }

  /** {"text": ...} content of a text message. */
  public static String textContent(String text) { return new JsonObject().put("text", text).encode(); }

  // ---- chats ----

  /**
   * Creates a private group with the bot as owner and {@code memberOpenId} as member (feishu.md §3). {@code uuid} is
   * Feishu's idempotency key of the create. Answers {@code data} (chat_id, name, ...).
   */
  public Future<JsonObject> createChat(String name, String memberOpenId, String uuid) {
    JsonObject body = new JsonObject().put("name", name).put("chat_mode", "group").put("chat_type", "private")
        .put("user_id_list", new io.vertx.core.json.JsonArray().add(memberOpenId));
    return call("create chat", HttpMethod.POST, "/open-apis/im/v1/chats",
        Map.of("user_id_type", "open_id", "set_bot_manager", "true", "uuid", uuid), body);
  }

  public Future<Void> dissolveChat(String chatId) {
    return call("dissolve chat", HttpMethod.DELETE, "/open-apis/im/v1/chats/" + enc(chatId), Map.of(), null)
        .mapEmpty();
  }

  // ---- the call, with token, rate limits and retries ----

  Future<JsonObject> call(String what, HttpMethod method, String path, Map<String, String> query, JsonObject body) {
    Promise<JsonObject> done = Promise.promise();
    attempt(what, method, path, query, body, 1, false, done);
    return done.future().onFailure(err -> onError.accept(err.getMessage()));
  }

  private void attempt(String what, HttpMethod method, String path, Map<String, String> query, JsonObject body,
      int n, boolean tokenRetried, Promise<JsonObject> done) {
    minuteBudget.acquire().compose(v -> budget.acquire()).compose(v -> token()).onFailure(done::fail).onSuccess(t -> {
      HttpRequest<Buffer> req = client.requestAbs(method, config.apiBaseUrl() + path).timeout(REQUEST_TIMEOUT_MS)
          .putHeader("Authorization", "Bearer " + t);
      query.forEach(req::addQueryParam);
      Future<HttpResponse<Buffer>> sent = body == null ? req.send()
          : req.putHeader("Content-Type", "application/json; charset=utf-8").sendJsonObject(body);
      sent.onComplete(ar -> {
        if (ar.failed()) {
          retryOrFail(what + " failed: " + ar.cause().getMessage(), backoff(n), method, path, query, body, n,
              tokenRetried, done, what, null);
          return;
        }
        HttpResponse<Buffer> resp = ar.result();
        JsonObject j = json(resp);
        int code = j == null ? -1 : j.getInteger("code", -1);
        if (code == 0 && resp.statusCode() < 300) {
          done.complete(j.getJsonObject("data", new JsonObject()));
          return;
        }
        String msg = j == null ? "unreadable answer" : j.getString("msg");
        FeishuApiException err = new FeishuApiException(what, resp.statusCode(), code, msg);
        if (FeishuApiException.TOKEN_INVALID.contains(code) && !tokenRetried) {
          invalidate(t);
          retries++;
          attempt(what, method, path, query, body, n, true, done);
        } else if (resp.statusCode() == 429 || FeishuApiException.RATE_LIMITED.contains(code)) {
          retryOrFail(err.getMessage(), rateLimitWait(resp, n), method, path, query, body, n, tokenRetried, done, what,
              err);
        } else if (resp.statusCode() >= 500) {
          retryOrFail(err.getMessage(), backoff(n), method, path, query, body, n, tokenRetried, done, what, err);
        } else {
          done.fail(err);
        }
      });
    });
  }

  private void retryOrFail(String reason, long waitMs, HttpMethod method, String path, Map<String, String> query,
      JsonObject body, int n, boolean tokenRetried, Promise<JsonObject> done, String what, Throwable err) {
    if (n >= MAX_ATTEMPTS || waitMs > MAX_WAIT_MS) {
      done.fail(err != null ? err : new IllegalStateException(reason));
      return;
    }
    retries++;
    vertx.setTimer(Math.max(1, waitMs), id -> attempt(what, method, path, query, body, n + 1, tokenRetried, done));
  }

  /** x-ogw-ratelimit-reset seconds (feishu.md §2), else a growing backoff; with jitter so callers spread out. */
  static long rateLimitWait(HttpResponse<Buffer> resp, int n) {
    String reset = resp.getHeader("x-ogw-ratelimit-reset");
    if (reset != null) {
      try {
        return Math.max(0, (long) (Double.parseDouble(reset.trim()) * 1000)) + jitter();
      } catch (NumberFormatException ignored) {
        // fall through to the backoff
      }
    }
    return backoff(n);
  }

  static long backoff(int n) { return Math.min(8_000, 250L << Math.min(5, n)) + jitter(); }

  private static long jitter() { return ThreadLocalRandom.current().nextLong(50, 150); }

  private static JsonObject json(HttpResponse<Buffer> resp) {
    try {
      Buffer b = resp.body();
      return b == null || b.length() == 0 ? null : b.toJsonObject();
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
