package dev.poco.demoapi;

import dev.poco.contract.Intents;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated request bodies as a hostile client sends them: JSON objects keyed mostly by the demo routes' real
 * field names with values of any type, JSON that is not an object, JSON nested past the decoder's limit,
 * broken JSON, and random bytes. (contract's JsonTrees does the same for the records; test code is not shared
 * between modules.)
 */
final class JsonBodies {
  private JsonBodies() {}

  /** Every field name the demo routes read, at any level of the card-action payload. */
  static final List<String> KEYS = List.of("text", "chat_id", "user_id", "event", "operator", "open_id", "context",
      "open_message_id", "open_chat_id", "action", "value", "form_value", "intent_key", "surface", "request_id",
      "task_id", "project_id", "name", "backend", "path", "page");

  /** Bodies for {@code path}: mostly its own shape, with any field of any type, and everything else. */
  static Arbitrary<byte[]> bodies(String path) {
    Arbitrary<JsonObject> shaped = path.equals("/demo/command") ? commands()
        : path.equals("/demo/card-actions") ? cardActions() : objects(2);
    return Arbitraries.frequencyOf(
        Tuple.of(8, shaped.map(o -> bytes(o.encode()))),
        Tuple.of(3, objects(3).map(o -> bytes(Json.encode(o)))),
        Tuple.of(2, stringFields().map(o -> bytes(o.encode()))),
        Tuple.of(1, values(1).map(v -> bytes(Json.encode(v)))),
        Tuple.of(1, deep().map(JsonBodies::bytes)),
        Tuple.of(2, broken()),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(2_000)));
  }

  /** A card-action payload with its real nesting, mostly naming an intent the fake orchestrator knows. */
  static Arbitrary<JsonObject> cardActions() {
    Arbitrary<Object> any = Arbitraries.frequencyOf(Tuple.of(4, stringFields().map(o -> (Object) o)),
        Tuple.of(1, objects(1).map(o -> (Object) o)), Tuple.of(1, values(1)));
    Arbitrary<JsonObject> fields = Arbitraries.frequencyOf(Tuple.of(3, stringFields()), Tuple.of(1, objects(1)));
    Arbitrary<Object> intentValue = Combinators.combine(fields,
        Arbitraries.of(Intents.HOME, Intents.PROJECT_CREATE, Intents.TASK_APPROVE, Intents.TASK_REJECT, "admin.only",
            "no.such"),
        Arbitraries.of("dm", "group", "")).as((o, key, surface) -> (Object) o.copy().put("intent_key", key)
            .put("surface", surface));
    Arbitrary<Object> value = Arbitraries.frequencyOf(Tuple.of(2, intentValue), Tuple.of(1, any));
    Arbitrary<JsonObject> action = Combinators.combine(value, any).as((v, f) ->
        new JsonObject().put("value", v).put("form_value", f));
    Arbitrary<JsonObject> event = Combinators.combine(any, any, action).as((op, ctx, a) ->
        new JsonObject().put("operator", op).put("context", ctx).put("action", a));
    return event.map(e -> new JsonObject().put("event", e));
  }

  /** A command body: text, and a chat and a user now and then, each a string or any other value. */
  static Arbitrary<JsonObject> commands() {
    Arbitrary<Object> field = Arbitraries.frequencyOf(Tuple.of(4, strings().map(s -> (Object) s)),
        Tuple.of(3, Arbitraries.strings().alpha().numeric().withChars(' ', '/').ofMinLength(1).ofMaxLength(30)
            .map(s -> (Object) s)),
        Tuple.of(1, values(1)));
    Arbitrary<Object> maybe = Arbitraries.frequencyOf(Tuple.of(2, Arbitraries.just(null)), Tuple.of(1, field));
    return Combinators.combine(field, maybe, maybe).as((text, chat, user) ->
        new JsonObject().put("text", text).put("chat_id", chat).put("user_id", user));
  }

  /** Real field names with string values: well typed, so parsing gets past the type checks. */
  static Arbitrary<JsonObject> stringFields() {
    return Arbitraries.maps(Arbitraries.of(KEYS), strings()).ofMaxSize(4)
        .map(m -> new JsonObject(new java.util.LinkedHashMap<String, Object>(m)));
  }

  static Arbitrary<String> strings() {
    return Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.of("", " ", "\u0000", "/run hi", "/run confirm: Reply with exactly: X", "/status",
            "/approve t1", "home", "project.create", "task.approve", "dm", "group", "null", "İ", "\uD800", "ß")),
        Tuple.of(3, Arbitraries.strings().alpha().numeric().ofMaxLength(12)),
        Tuple.of(3, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(1, Combinators.combine(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8),
            Arbitraries.integers().between(1_000, 100_000)).as((s, n) -> s.repeat(n / s.length()))));
  }

  static Arbitrary<Object> values(int depth) {
    Arbitrary<Object> scalars = Arbitraries.oneOf(
        Arbitraries.just(null),
        Arbitraries.of(true, false).map(b -> (Object) b),
        Arbitraries.integers().map(i -> (Object) i),
        Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.doubles().map(d -> (Object) d),
        strings().map(s -> (Object) s));
    if (depth <= 0) return scalars;
    return Arbitraries.frequencyOf(
        Tuple.of(6, scalars),
        Tuple.of(1, Arbitraries.lazy(() -> values(depth - 1)).list().ofMaxSize(4).map(l -> (Object) new JsonArray(l))),
        Tuple.of(1, Arbitraries.lazy(() -> objects(depth - 1)).map(o -> (Object) o)));
  }

  static Arbitrary<JsonObject> objects(int depth) {
    Arbitrary<String> key = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(KEYS)),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(8)));
    return Arbitraries.maps(key, values(depth)).ofMaxSize(6).map(map -> {
      JsonObject o = new JsonObject();
      map.forEach(o::put);
      return o;
    });
  }

  /**
   * Objects and arrays nested around the decoder's limit of 1000 levels, as text (encoding stops at 1000), at the
   * top or inside a card action's form, which the edge copies and sends on.
   */
  static Arbitrary<String> deep() {
    return Combinators.combine(Arbitraries.integers().between(10, 1_200), Arbitraries.of("{\"text\":", "["),
        Arbitraries.of("", "{\"event\":{\"action\":{\"value\":{\"intent_key\":\"" + Intents.HOME
            + "\"},\"form_value\":{\"a\":"))
        .as((n, open, at) -> at + open.repeat(n) + "\"x\"" + (open.equals("[") ? "]" : "}").repeat(n)
            + (at.isEmpty() ? "" : "}}}}"));
  }

  /** Valid JSON cut short or with a byte changed. */
  static Arbitrary<byte[]> broken() {
    return Combinators.combine(objects(2).map(o -> bytes(o.encode())), Arbitraries.integers().between(0, 1_000),
        Arbitraries.bytes()).as((json, at, b) -> {
          byte[] out = json.clone();
          if (out.length == 0) return out;
          int i = at % out.length;
          if (b % 2 == 0) return java.util.Arrays.copyOf(out, i);
          out[i] = b;
          return out;
        });
  }

  static byte[] bytes(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  /** A body for a report, cut to a readable length. */
  static String preview(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 1_000), StandardCharsets.UTF_8);
    return body.length > 1_000 ? s + "… (" + body.length + " bytes)" : s;
  }
}
