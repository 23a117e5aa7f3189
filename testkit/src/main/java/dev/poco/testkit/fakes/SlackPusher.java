package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The platform side of HTTP mode (slack.md §1–§3, §8 "HTTP push to the bot"): posts events as a signed JSON
 * {@code event_callback}, interactivity as form {@code payload=<json>}, slash commands as form fields, each signed
 * with v0 HMAC over the exact bytes. An event without a 2xx within 3 s (or with a non-2xx and no
 * {@code X-Slack-No-Retry: 1}) is retried up to 3 times with {@code X-Slack-Retry-Num} / {@code -Reason} and the same
 * event_id, on a compressed schedule; interactivity and commands are not retried, their failure is recorded as what the
 * user saw. A view_submission's or slash command's answer is applied to the fake as Slack would.
 *
 * <p>Call from a test thread (not an event loop): every delivery waits for its answers.
 */
public final class SlackPusher implements AutoCloseable {
  public static final String EVENTS_PATH = "/platform/slack/events";
  public static final String INTERACTIVE_PATH = "/platform/slack/interactive";
  public static final String COMMANDS_PATH = "/platform/slack/commands";

  private final FakeSlack fake;
  private final WebClient client;
  private final String baseUrl;
  private final String signingSecret;
  private final List<String> userErrors = new ArrayList<>();
  private long deadlineMs = 3_000;
  /** Slack's retries come almost at once, after ~1 min, after ~5 min (§2); compressed for tests. */
  private long[] retryDelaysMs = {0, 200, 500};
  /** Slack counts every answer as late (as when it came after 3 s): an event is retried all three times. */
  private boolean answersLate;

  /** One HTTP answer (status -1: no answer within the deadline, or no connection). */
  public record Attempt(int status, String body, Map<String, String> headers, int retryNum, String retryReason) {
    public boolean ok() { return status >= 200 && status < 300; }

    public JsonObject json() {
      try {
        return body == null || body.isBlank() ? null : new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** Every attempt of one delivery, the first one first. */
  public record Delivery(List<Attempt> attempts) {
    public Attempt last() { return attempts.get(attempts.size() - 1); }

    public Attempt first() { return attempts.get(0); }
  }

  public SlackPusher(Vertx vertx, FakeSlack fake, String baseUrl, String signingSecret) {
    this.fake = fake;
    this.client = WebClient.create(vertx);
    this.baseUrl = baseUrl;
    this.signingSecret = signingSecret;
  }

  /** How long Slack waits for the 2xx (3 s, slack.md §2, §3). */
  public synchronized void deadlineMs(long ms) { deadlineMs = ms; }

  /**
   * Every answer counts as late, whatever it was: the event goes out again three times, as Slack does when the bot's
   * 2xx takes over 3 s. Deterministic, unlike a tiny deadline (a fast 200 can beat a 1 ms timer).
   */
  public synchronized void answersLate(boolean late) { answersLate = late; }

  /** The waits before retries 1, 2, 3. */
  public synchronized void retryDelaysMs(long... delays) { retryDelaysMs = delays.clone(); }

  /** What users saw go wrong: an interaction or command not answered with a 2xx in time. */
  public synchronized List<String> userErrors() { return List.copyOf(userErrors); }

  /** {@code "v0=" + hex(HMAC_SHA256(secret, "v0:" + ts + ":" + body))} (slack.md §1). */
  public static String signature(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update(("v0:" + timestampSeconds + ":").getBytes(StandardCharsets.UTF_8));
      return "v0=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Delivers as Slack would, now; events retried, answers applied. */
  public Delivery deliver(SlackInbound in) {
    String path = switch (in.kind()) {
      case EVENT -> EVENTS_PATH;
      case INTERACTIVE -> INTERACTIVE_PATH;
      case SLASH_COMMAND -> COMMANDS_PATH;
    };
    String type = in.kind() == SlackInbound.Kind.EVENT ? "application/json" : "application/x-www-form-urlencoded";
    String body = body(in);
    List<Attempt> attempts = new ArrayList<>();
    Attempt a = post(path, body, type, System.currentTimeMillis() / 1000, 0, null);
    attempts.add(a);
    if (in.kind() != SlackInbound.Kind.EVENT) {
      if (!a.ok()) {
        synchronized (this) { userErrors.add(in.kind().envelopeType + ": " + (a.status() < 0 ? "operation_timeout"
            : "http_error " + a.status())); }
      } else {
        apply(in, a);
      }
      return new Delivery(attempts);
    }
    long[] delays;
    boolean late;
    synchronized (this) {
      delays = retryDelaysMs.clone();
      late = answersLate;
    }
    for (int n = 1; n <= 3 && (late || !a.ok()) && !"1".equals(a.headers().get("x-slack-no-retry")); n++) {
      sleep(delays[Math.min(n - 1, delays.length - 1)]);
      String reason = late || a.status() < 0 ? "http_timeout" : "http_error";
      a = post(path, body, type, System.currentTimeMillis() / 1000, n, reason);
      attempts.add(a);
    }
    return new Delivery(attempts);
  }

  /** Delivers once with a chosen X-Slack-Request-Timestamp (unix seconds), e.g. a stale one; no retries. */
  public Attempt deliverAt(SlackInbound in, long timestampSeconds) {
    String path = in.kind() == SlackInbound.Kind.EVENT ? EVENTS_PATH
        : in.kind() == SlackInbound.Kind.INTERACTIVE ? INTERACTIVE_PATH : COMMANDS_PATH;
    String type = in.kind() == SlackInbound.Kind.EVENT ? "application/json" : "application/x-www-form-urlencoded";
    return post(path, body(in), type, timestampSeconds, 0, null);
  }

  /** The challenge Slack sends when the Request URL is set (slack.md §2 URL verification). */
  public Attempt urlVerification(String challenge) {
    String body = new JsonObject().put("token", SlackInbound.VERIFICATION_TOKEN).put("challenge", challenge)
        .put("type", "url_verification").encode();
    return post(EVENTS_PATH, body, "application/json", System.currentTimeMillis() / 1000, 0, null);
  }

  /** The exact body Slack posts: JSON, {@code payload=<url-encoded json>}, or the command's form fields. */
  public static String body(SlackInbound in) {
    return switch (in.kind()) {
      case EVENT -> in.payload().encode();
      case INTERACTIVE -> "payload=" + enc(in.payload().encode());
      case SLASH_COMMAND -> in.payload().stream()
          .map(e -> enc(e.getKey()) + "=" + enc(String.valueOf(e.getValue()))).collect(Collectors.joining("&"));
    };
  }

  private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

  /** POSTs these bytes signed with the pusher's secret (or unsigned when {@code timestampSeconds} < 0). */
  public Attempt post(String path, String body, String contentType, long timestampSeconds, int retryNum,
      String retryReason) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    long deadline;
    synchronized (this) { deadline = deadlineMs; }
    var req = client.postAbs(baseUrl + path).putHeader("Content-Type", contentType)
        .putHeader("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)").timeout(deadline);
    if (timestampSeconds >= 0) {
      req.putHeader("X-Slack-Request-Timestamp", String.valueOf(timestampSeconds))
          .putHeader("X-Slack-Signature", signature(signingSecret, timestampSeconds, bytes));
    }
    if (retryNum > 0) {
      req.putHeader("X-Slack-Retry-Num", String.valueOf(retryNum)).putHeader("X-Slack-Retry-Reason", retryReason);
    }
    try {
      HttpResponse<Buffer> res = req.sendBuffer(Buffer.buffer(bytes)).await();
      Map<String, String> headers = new LinkedHashMap<>();
      res.headers().forEach(e -> headers.put(e.getKey().toLowerCase(), e.getValue()));
      return new Attempt(res.statusCode(), res.bodyAsString(), headers, retryNum, retryReason);
    } catch (Exception e) { // await() rethrows the timeout as it is (a checked TimeoutException)
      return new Attempt(-1, null, Map.of(), retryNum, retryReason);
    }
  }

  /** A 2xx answer shows: a view_submission's response_action; a slash command's message (slack.md §3). */
  private void apply(SlackInbound in, Attempt a) {
    if (in.viewId() != null) {
      fake.web().applyViewResponse(in.viewId(), a.json());
    } else if (in.kind() == SlackInbound.Kind.SLASH_COMMAND && a.body() != null && !a.body().isBlank()) {
      JsonObject reply = a.json() != null ? a.json() : new JsonObject().put("text", a.body());
      fake.web().applyMessageResponse(in.channel(), in.userId(), null, reply);
    }
  }

  private static void sleep(long ms) {
    if (ms <= 0) return;
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() { client.close(); }
}
