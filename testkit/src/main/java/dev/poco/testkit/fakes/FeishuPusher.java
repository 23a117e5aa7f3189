package dev.poco.testkit.fakes;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The platform side of Feishu webhooks (feishu.md §5, §6): builds event and card-callback bodies as Feishu sends them
 * (schema 2.0 envelope, header with event_id, token, create_time, app_id, tenant_key), encrypts them when an Encrypt
 * Key is set ({@code {"encrypt": base64(IV ‖ AES-CBC(json))}}), signs them (X-Lark-Request-Timestamp, -Nonce,
 * -Signature) and POSTs them to PoCo's HTTP edge. Call from a test thread: every delivery waits for the answer.
 */
public final class FeishuPusher implements AutoCloseable {
  public static final String EVENTS_PATH = "/platform/feishu/events";
  public static final String CARD_ACTIONS_PATH = "/platform/feishu/card-actions";

  private final FakeFeishu fake;
  private final WebClient client;
  private final String baseUrl;
  private final String verificationToken;
  private final String encryptKey;

  /** An envelope ready to deliver (again: a redelivery keeps the event_id). */
  public record Event(String path, JsonObject envelope, String messageId) {
    public String eventId() {
      JsonObject h = envelope.getJsonObject("header");
      return h == null ? null : h.getString("event_id");
    }
  }

  /** The HTTP answer PoCo gave; {@code json()} is null when the body is not JSON. */
  public record Delivery(int status, String body) {
    public JsonObject json() {
      try {
        return body == null || body.isBlank() ? null : new JsonObject(body);
      } catch (RuntimeException e) {
        return null;
      }
    }
  }

  /** {@code encryptKey} null: plaintext mode, no signature (§5). */
  public FeishuPusher(Vertx vertx, FakeFeishu fake, String baseUrl, String verificationToken, String encryptKey) {
    this.fake = fake;
    this.client = WebClient.create(vertx);
    this.baseUrl = baseUrl;
    this.verificationToken = verificationToken;
    this.encryptKey = encryptKey;
  }

  private JsonObject header(String type, String createTime) {
    return new JsonObject().put("event_id", UUID.randomUUID().toString().replace("-", "")).put("event_type", type)
        .put("create_time", createTime).put("token", verificationToken).put("app_id", fake.appId)
        .put("tenant_key", FakeFeishu.TENANT_KEY);
  }

  /**
   * A user posts {@code text} in {@code chat} (it lands in the fake's chat as the user's message) and Feishu pushes
   * {@code im.message.receive_v1}; in a group {@code mentionBot} prefixes {@code @_user_1} and lists the bot in
   * mentions (§5).
   */
  public Event message(FeishuChat chat, String senderOpenId, String text, boolean mentionBot) {
    String shown = mentionBot ? "@_user_1 " + text : text;
    String content = new JsonObject().put("text", shown).encode();
    FeishuMessage posted = fake.post(chat.chatId, senderOpenId, "text", content);
    String now = String.valueOf(posted.createTimeMs);
    JsonObject message = new JsonObject().put("message_id", posted.messageId).put("root_id", "").put("parent_id", "")
        .put("create_time", now).put("update_time", now).put("chat_id", chat.chatId).put("thread_id", "")
        .put("chat_type", chat.chatType).put("message_type", "text").put("content", content)
        .put("user_agent", "Mozilla/5.0 Lark/7.30.0");
    if (mentionBot) {
      message.put("mentions", new JsonArray().add(new JsonObject().put("key", "@_user_1")
          .put("id", new JsonObject().put("open_id", fake.botOpenId).put("union_id", "").put("user_id", ""))
          .put("name", "PoCo").put("tenant_key", FakeFeishu.TENANT_KEY)));
    }
    JsonObject event = new JsonObject().put("sender", new JsonObject().put("sender_id", ids(senderOpenId))
        .put("sender_type", "user").put("tenant_key", FakeFeishu.TENANT_KEY)).put("message", message);
    JsonObject env = new JsonObject().put("schema", "2.0").put("header", header("im.message.receive_v1", now))
        .put("event", event);
    return new Event(EVENTS_PATH, env, posted.messageId);
  }

  /**
   * {@code operator} clicks {@code button} on the card {@code message} shows: {@code card.action.trigger} with
   * action.value = the button's callback value, action.name, form_value when the button submits a form (§6).
   * create_time is in microseconds, as callbacks carry it (§11.8).
   */
  public Event click(String operatorOpenId, FeishuMessage message, JsonObject button, JsonObject formValue) {
    JsonObject action = new JsonObject().put("value", FeishuCards.callbackValue(button)).put("tag", "button")
        .put("option", "").put("timezone", "Asia/Shanghai").put("name", button.getString("name", ""));
    if (formValue != null) action.put("form_value", formValue);
    JsonObject event = new JsonObject()
        .put("operator", new JsonObject().put("tenant_key", FakeFeishu.TENANT_KEY).put("open_id", operatorOpenId)
            .put("user_id", "u_" + operatorOpenId.substring(3)).put("union_id", "on_" + operatorOpenId.substring(3)))
        .put("token", "c-" + UUID.randomUUID()).put("action", action).put("host", "im_message")
        .put("context", new JsonObject().put("url", "").put("preview_token", "")
            .put("open_message_id", message.messageId).put("open_chat_id", message.chatId));
    String micros = String.valueOf(fake.nowMs() * 1000);
    JsonObject env = new JsonObject().put("schema", "2.0").put("header", header("card.action.trigger", micros))
        .put("event", event);
    return new Event(CARD_ACTIONS_PATH, env, message.messageId);
  }

  /** The challenge Feishu sends when the URL is configured: no schema, no header (§5 URL verification). */
  public Event urlVerification(String challenge) {
    return new Event(EVENTS_PATH, new JsonObject().put("challenge", challenge).put("token", verificationToken)
        .put("type", "url_verification"), null);
  }

  /**
   * Delivers (or delivers again: same event_id, fresh IV, timestamp and nonce). A card callback answered with
   * {@code card.type raw} updates the clicked message as the client would (§6, §9).
   */
  public Delivery deliver(Event e) {
    Delivery d = deliverAt(e, System.currentTimeMillis() / 1000);
    if (e.path().equals(CARD_ACTIONS_PATH) && d.status() == 200 && d.json() != null) {
      JsonObject card = d.json().getJsonObject("card");
      if (card != null && "raw".equals(card.getString("type")) && card.getJsonObject("data") != null) {
        fake.applyCallbackCard(e.messageId(), card.getJsonObject("data"));
      }
    }
    return d;
  }

  /** Delivers with a chosen X-Lark-Request-Timestamp (unix seconds), e.g. a stale one. */
  public Delivery deliverAt(Event e, long timestampSeconds) {
    String body = encryptKey == null ? e.envelope().encode()
        : new JsonObject().put("encrypt", FeishuCrypto.encrypt(encryptKey, e.envelope().encode())).encode();
    return post(e.path(), body, signed(body, timestampSeconds));
  }

  /** Encrypted with the right key but signed with {@code signingKey}: what a forger without the key would send. */
  public Delivery deliverSignedWith(Event e, String signingKey) {
    String key = encryptKey == null ? signingKey : encryptKey;
    String body = new JsonObject().put("encrypt", FeishuCrypto.encrypt(key, e.envelope().encode())).encode();
    String ts = String.valueOf(System.currentTimeMillis() / 1000);
    String nonce = "forged" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> h = new LinkedHashMap<>();
    h.put("X-Lark-Request-Timestamp", ts);
    h.put("X-Lark-Request-Nonce", nonce);
    h.put("X-Lark-Signature", FeishuCrypto.signature(ts, nonce, signingKey, body.getBytes(StandardCharsets.UTF_8)));
    return post(e.path(), body, h);
  }

  /** The headers Feishu signs a body with; none in plaintext mode (§5 Signature). */
  public Map<String, String> signed(String body, long timestampSeconds) {
    Map<String, String> h = new LinkedHashMap<>();
    if (encryptKey == null) return h;
    String ts = String.valueOf(timestampSeconds);
    String nonce = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    h.put("X-Lark-Request-Timestamp", ts);
    h.put("X-Lark-Request-Nonce", nonce);
    h.put("X-Lark-Signature", FeishuCrypto.signature(ts, nonce, encryptKey, body.getBytes(StandardCharsets.UTF_8)));
    return h;
  }

  /** POSTs exactly these bytes and headers (for tampered or unsigned bodies). */
  public Delivery post(String path, String body, Map<String, String> headers) {
    var req = client.postAbs(baseUrl + path).putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("User-Agent", "Go-http-client/1.1");
    headers.forEach(req::putHeader);
    HttpResponse<Buffer> res = req.sendBuffer(Buffer.buffer(body)).await();
    return new Delivery(res.statusCode(), res.bodyAsString());
  }

  private static JsonObject ids(String openId) {
    String tail = openId.startsWith("ou_") ? openId.substring(3) : openId;
    return new JsonObject().put("union_id", "on_" + tail).put("user_id", "u_" + tail).put("open_id", openId);
  }

  @Override
  public void close() { client.close(); }
}
