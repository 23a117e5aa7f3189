package dev.poco.gateway.feishu;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CardKit card-entity calls (feishu.md §11.1), on {@link FeishuApi}'s token, app budget and retries: create an
 * entity from Card JSON 2.0, stream a markdown element's full text, settings (open or close streaming, summary), full
 * replace. Every write carries the caller's {@code sequence} (strictly increasing per card, §11.3) and a {@code uuid}
 * (performed once, so a retried write after a lost answer is not applied twice).
 */
final class CardKitApi {
  static final String CARDS = "/open-apis/cardkit/v1/cards";

  private final FeishuApi api;

  CardKitApi(FeishuApi api) { this.api = api; }

  /** Creates a card entity; answers its {@code card_id}. */
  Future<String> create(JsonObject card) {
    JsonObject body = new JsonObject().put("type", "card_json").put("data", card.encode());
    return api.call("cardkit create", HttpMethod.POST, CARDS, Map.of(), body).compose(d -> {
      String id = d.getString("card_id");
      return id == null ? Future.failedFuture("CardKit answered a create without card_id") : Future.succeededFuture(id);
    });
  }

  /** The typewriter write: the element's FULL text so far (never a delta, §11.1). */
  Future<Void> streamText(String cardId, String elementId, String fullText, long sequence, String uuid) {
    JsonObject body = new JsonObject().put("content", fullText).put("sequence", sequence).put("uuid", uuid);
    return api.call("cardkit content", HttpMethod.PUT,
        CARDS + "/" + enc(cardId) + "/elements/" + enc(elementId) + "/content", Map.of(), body).mapEmpty();
  }

  /** Settings: {@code config} (streaming_mode, summary, streaming_config) as the JSON string CardKit wants. */
  Future<Void> settings(String cardId, JsonObject config, long sequence, String uuid) {
    JsonObject body = new JsonObject().put("settings", new JsonObject().put("config", config).encode())
        .put("sequence", sequence).put("uuid", uuid);
    return api.call("cardkit settings", HttpMethod.PATCH, CARDS + "/" + enc(cardId) + "/settings", Map.of(), body)
        .mapEmpty();
  }

  /** Replaces the whole card (state changes: title, status, buttons, approval, the final result). */
  Future<Void> update(String cardId, JsonObject card, long sequence, String uuid) {
    JsonObject body = new JsonObject().put("card", new JsonObject().put("type", "card_json").put("data", card.encode()))
        .put("sequence", sequence).put("uuid", uuid);
    return api.call("cardkit update", HttpMethod.PUT, CARDS + "/" + enc(cardId), Map.of(), body).mapEmpty();
  }

  /** The content of an IM message that shows an entity (§11.1 "Send it"). */
  static String sendContent(String cardId) {
    return new JsonObject().put("type", "card").put("data", new JsonObject().put("card_id", cardId)).encode();
  }

  private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
}
