package dev.poco.testkit.fakes;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CardKit card entities (feishu.md §11): create, send once by card_id, stream a markdown element's full text, settings
 * (open or close streaming), full replace, element patch and add; sequence strictly increasing per card (300317),
 * uuid performed once, 10 writes/s per card, 14-day life (200750), streaming closed 10 minutes after it was last
 * opened (§11.4: the first write past it answers 200850, later ones 300309), and the §11.6 codes. Assumed (not in the
 * notes): a write to an entity whose message was recalled answers 230011, as a PATCH of that message does. Every accepted write of an
 * entity that was sent appends the whole card to that message's history, so a test reads CardKit and PATCH alike.
 */
final class FeishuCardKit {
  static final int INVALID = 10002, BAD_JSON = 200220, NOT_FOUND = 200740, EXPIRED = 200750, TOO_BIG = 200860,
      DUP_ELEMENT = 300301, UPDATE_MULTI = 300302, ONLY_V2 = 300303, TOO_MANY = 300305, STREAMING_CLOSED = 300309,
      NOT_TEXT = 300310, TAG_CHANGE = 300312, SEQUENCE = 300317, STREAMING_TIMEOUT = 200850;
  /** Streaming closes by itself this long after it was last opened (§11.4). */
  static final long STREAMING_LIMIT_MS = 10 * 60_000;
  /** The fake's endpoint names (for FakeFeishu.failNext / calls). */
  static final String CREATE = "cardkit.create", CONTENT = "cardkit.content", SETTINGS = "cardkit.settings",
      UPDATE = "cardkit.update", ELEMENT = "cardkit.element", ADD = "cardkit.add";
  private static final Pattern CARD = Pattern.compile("/open-apis/cardkit/v1/cards/([^/]+)");
  private static final Pattern ELEMENT_PATH = Pattern.compile("/open-apis/cardkit/v1/cards/([^/]+)/elements/([^/]+)");
  private static final Pattern CONTENT_PATH =
      Pattern.compile("/open-apis/cardkit/v1/cards/([^/]+)/elements/([^/]+)/content");

  private final FakeFeishu fake;
  private final Map<String, Entity> entities = new HashMap<>(); // guarded by FakeFeishu.LOCK

  private static final class Entity {
    JsonObject card;
    final long createdMs;
    long openedMs;
    long sequence;
    FeishuMessage message;
    boolean sent;
    final Set<String> uuids = new HashSet<>();

    Entity(JsonObject card, long createdMs) {
      this.card = card;
      this.createdMs = createdMs;
      this.openedMs = createdMs;
    }
  }

  record Sendable(String card, FeishuCards.Refusal refusal) {}

  FeishuCardKit(FakeFeishu fake) { this.fake = fake; }

  Runnable route(FakeFeishu.Call c, String path, HttpMethod m) {
    Matcher content = CONTENT_PATH.matcher(path);
    Matcher element = ELEMENT_PATH.matcher(path);
    Matcher card = CARD.matcher(path);
    if (path.equals("/open-apis/cardkit/v1/cards") && m == HttpMethod.POST) return FakeFeishu.named(c, CREATE, () -> create(c));
    if (content.matches() && m == HttpMethod.PUT) {
      return FakeFeishu.named(c, CONTENT, () -> write(c, content.group(1), e -> streamText(c, e, content.group(2))));
    }
    if (path.endsWith("/settings") && m == HttpMethod.PATCH) {
      String id = path.substring("/open-apis/cardkit/v1/cards/".length(), path.length() - "/settings".length());
      return FakeFeishu.named(c, SETTINGS, () -> write(c, id, e -> settings(c, e)));
    }
    if (path.endsWith("/elements") && m == HttpMethod.POST) {
      String id = path.substring("/open-apis/cardkit/v1/cards/".length(), path.length() - "/elements".length());
      return FakeFeishu.named(c, ADD, () -> write(c, id, e -> add(c, e)));
    }
    if (element.matches() && m == HttpMethod.PATCH) {
      return FakeFeishu.named(c, ELEMENT, () -> write(c, element.group(1), e -> patchElement(c, e, element.group(2))));
    }
    if (card.matches() && m == HttpMethod.PUT) {
      return FakeFeishu.named(c, UPDATE, () -> write(c, card.group(1), e -> replace(c, e)));
    }
    return null;
  }

  /** The card an IM send with {@code {"type":"card","data":{"card_id"}}} shows; an entity is sent only once. */
  Sendable takeForSending(String cardId) {
    synchronized (FakeFeishu.LOCK) {
      Entity e = entities.get(cardId);
      if (e == null) return new Sendable(null, new FeishuCards.Refusal(NOT_FOUND, "card entity does not exist"));
      if (e.sent) return new Sendable(null, new FeishuCards.Refusal(FakeFeishu.INVALID_PARAM, "an entity is sent once"));
      e.sent = true;
      return new Sendable(e.card.encode(), null);
    }
  }

  void bind(String cardId, FeishuMessage m) {
    synchronized (FakeFeishu.LOCK) { entities.get(cardId).message = m; }
  }

  private void create(FakeFeishu.Call c) {
    JsonObject b = c.body();
    if (!"card_json".equals(b.getString("type")) || !(b.getValue("data") instanceof String data)) {
      c.error(400, INVALID, "type card_json and data (a JSON string) are required");
      return;
    }
    FeishuCards.Refusal r = check(data);
    if (r != null) {
      c.error(400, r.code(), r.msg());
      return;
    }
    String id = "7" + fake.next() + "000";
    synchronized (FakeFeishu.LOCK) { entities.put(id, new Entity(new JsonObject(data), fake.nowMs())); }
    c.ok(new JsonObject().put("card_id", id));
  }

  /** The §11.6 codes of a card: 200220 bad JSON, 200860 > 30 KB, 300303 not 2.0, 300302, 300305, 300301. */
  private static FeishuCards.Refusal check(String data) {
    if (data.getBytes(StandardCharsets.UTF_8).length > FeishuCards.MAX_CARD_BYTES) {
      return new FeishuCards.Refusal(TOO_BIG, "card content over the limit (30 KB)");
    }
    JsonObject card;
    try {
      card = new JsonObject(data);
    } catch (RuntimeException e) {
      return new FeishuCards.Refusal(BAD_JSON, "failed to generate card content");
    }
    if (!"2.0".equals(card.getString("schema"))) return new FeishuCards.Refusal(ONLY_V2, "only schema 2.0");
    if (!FeishuCards.updateMulti(card)) return new FeishuCards.Refusal(UPDATE_MULTI, "update_multi is false");
    JsonObject body = card.getJsonObject("body");
    if (FeishuCards.count(body == null ? null : body.getJsonArray("elements")) > FeishuCards.MAX_ELEMENTS) {
      return new FeishuCards.Refusal(TOO_MANY, "more than 200 components");
    }
    Set<String> ids = new HashSet<>();
    for (JsonObject e : FeishuCards.components(card)) {
      String id = e.getString("element_id");
      if (id != null && !ids.add(id)) return new FeishuCards.Refusal(DUP_ELEMENT, "duplicate element_id " + id);
    }
    return null;
  }

  private interface Write { FeishuCards.Refusal apply(Entity e); }

  /** The checks every write shares: entity, 14 days, sequence, uuid, 10/s; then the write and the snapshot. */
  private void write(FakeFeishu.Call c, String cardId, Write w) {
    JsonObject b = c.body();
    synchronized (FakeFeishu.LOCK) {
      Entity e = entities.get(cardId);
      if (e == null) {
        c.error(400, NOT_FOUND, "card entity does not exist");
        return;
      }
      if (fake.nowMs() - e.createdMs > FakeFeishu.UPDATE_WINDOW_MS) {
        c.error(400, EXPIRED, "card entity expired");
        return;
      }
      if (e.message != null && e.message.recalled()) {
        c.error(400, FakeFeishu.RECALLED, "message recalled");
        return;
      }
      String uuid = b.getString("uuid");
      if (uuid != null && e.uuids.contains(uuid)) {
        c.ok(new JsonObject()); // performed once (§11.3)
        return;
      }
      Object seq = b.getValue("sequence");
      if (!(seq instanceof Number n) || n.longValue() < 1 || n.longValue() > Integer.MAX_VALUE) {
        c.error(400, INVALID, "sequence (1..2147483647) is required");
        return;
      }
      if (n.longValue() <= e.sequence) {
        c.error(400, SEQUENCE, "The sequence number for operating on the card did not increment consecutively");
        return;
      }
      if (fake.over("card:" + cardId, 10, 1000)) {
        // 10 operations/s per card (§11.5); the notes name no code for it, so the gateway's 429 answers it
        c.answer(429, new JsonObject().put("code", FakeFeishu.RATE_LIMITED).put("msg", "request trigger frequency limit"),
            Map.of("x-ogw-ratelimit-reset", "1"));
        return;
      }
      FeishuCards.Refusal r = w.apply(e);
      if (r != null) {
        c.error(400, r.code(), r.msg());
        return;
      }
      e.sequence = n.longValue();
      if (uuid != null) e.uuids.add(uuid);
      if (e.message != null) e.message.contents.add(e.card.encode());
      c.ok(new JsonObject());
    }
  }

  private static JsonObject element(Entity e, String elementId) {
    return FeishuCards.components(e.card).stream().filter(x -> elementId.equals(x.getString("element_id"))).findFirst()
        .orElse(null);
  }

  private static boolean streaming(Entity e) {
    JsonObject config = e.card.getJsonObject("config");
    return config != null && Boolean.TRUE.equals(config.getValue("streaming_mode"));
  }

  private FeishuCards.Refusal streamText(FakeFeishu.Call c, Entity e, String elementId) {
    if (!(c.body().getValue("content") instanceof String text) || text.isEmpty() || text.length() > 100_000) {
      return new FeishuCards.Refusal(INVALID, "content is 1 to 100,000 characters");
    }
    if (streaming(e) && fake.nowMs() - e.openedMs > STREAMING_LIMIT_MS) {
      e.card.getJsonObject("config").put("streaming_mode", false); // closed by itself (§11.4)
      return new FeishuCards.Refusal(STREAMING_TIMEOUT, "Card streaming timeout");
    }
    if (!streaming(e)) return new FeishuCards.Refusal(STREAMING_CLOSED, "Card streaming closed");
    JsonObject el = element(e, elementId);
    if (el == null) return new FeishuCards.Refusal(INVALID, "no element " + elementId);
    String tag = el.getString("tag");
    if (!"markdown".equals(tag) && !"plain_text".equals(tag)) {
      return new FeishuCards.Refusal(NOT_TEXT, "content API only supports plain_text/markdown");
    }
    Object before = el.getValue("content");
    el.put("content", text);
    if (e.card.encode().getBytes(StandardCharsets.UTF_8).length > FeishuCards.MAX_CARD_BYTES) {
      el.put("content", before); // the card stays ≤ 30 KB whatever writes it (§11.1, §11.6 200860)
      return new FeishuCards.Refusal(TOO_BIG, "card content over the limit (30 KB)");
    }
    return null;
  }

  private FeishuCards.Refusal settings(FakeFeishu.Call c, Entity e) {
    if (!(c.body().getValue("settings") instanceof String s)) {
      return new FeishuCards.Refusal(INVALID, "settings must be a JSON string");
    }
    JsonObject settings;
    try {
      settings = new JsonObject(s);
    } catch (RuntimeException x) {
      return new FeishuCards.Refusal(INVALID, "settings is not JSON");
    }
    JsonObject config = e.card.getJsonObject("config");
    if (config == null) e.card.put("config", config = new JsonObject());
    if (settings.getJsonObject("config") != null) config.mergeIn(settings.getJsonObject("config"), true);
    if (Boolean.TRUE.equals(config.getValue("streaming_mode")) && settings.getJsonObject("config") != null
        && settings.getJsonObject("config").containsKey("streaming_mode")) {
      e.openedMs = fake.nowMs(); // opened (again): the 10 minutes count from here
    }
    if (settings.getValue("card_link") != null) e.card.put("card_link", settings.getValue("card_link"));
    return FeishuCards.updateMulti(e.card) ? null : new FeishuCards.Refusal(UPDATE_MULTI, "update_multi is false");
  }

  private FeishuCards.Refusal replace(FakeFeishu.Call c, Entity e) {
    JsonObject card = c.body().getJsonObject("card");
    if (card == null || !"card_json".equals(card.getString("type")) || !(card.getValue("data") instanceof String data)) {
      return new FeishuCards.Refusal(INVALID, "card {type: card_json, data: <JSON string>} is required");
    }
    FeishuCards.Refusal r = check(data);
    if (r == null) {
      boolean was = streaming(e);
      e.card = new JsonObject(data);
      if (!was && streaming(e)) e.openedMs = fake.nowMs();
    }
    return r;
  }

  private FeishuCards.Refusal patchElement(FakeFeishu.Call c, Entity e, String elementId) {
    if (!(c.body().getValue("partial_element") instanceof String s)) {
      return new FeishuCards.Refusal(INVALID, "partial_element must be a JSON string");
    }
    JsonObject el = element(e, elementId);
    if (el == null) return new FeishuCards.Refusal(INVALID, "no element " + elementId);
    JsonObject partial = new JsonObject(s);
    if (partial.getString("tag") != null && !partial.getString("tag").equals(el.getString("tag"))) {
      return new FeishuCards.Refusal(TAG_CHANGE, "cannot change an element's tag");
    }
    el.mergeIn(partial, true);
    return null;
  }

  private FeishuCards.Refusal add(FakeFeishu.Call c, Entity e) {
    if (!(c.body().getValue("elements") instanceof String s)) {
      return new FeishuCards.Refusal(INVALID, "elements must be a JSON string");
    }
    JsonArray added = new JsonArray(s);
    JsonObject body = e.card.getJsonObject("body");
    if (body == null) e.card.put("body", body = new JsonObject().put("elements", new JsonArray()));
    JsonArray elements = body.getJsonArray("elements");
    String target = c.body().getString("target_element_id");
    String type = c.body().getString("type", "append");
    int at = elements.size();
    for (int i = 0; target != null && i < elements.size(); i++) {
      if (target.equals(elements.getJsonObject(i).getString("element_id"))) at = type.equals("insert_before") ? i : i + 1;
    }
    for (Object o : added) elements.getList().add(at++, o instanceof JsonObject j ? j.getMap() : o);
    return check(e.card.encode());
  }
}
