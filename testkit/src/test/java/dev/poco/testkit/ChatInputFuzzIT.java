package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Intents;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Generated chat text and card actions through the whole system (real store, orchestrator, stub runner and edge):
 * the orchestrator's text-command and card-intent parsing answer every input with a view or a 4xx, never a
 * 500 or silence, and the server stays healthy.
 */
class ChatInputFuzzIT {
  private static Path home;
  private static EmbeddedPoco poco;
  private static WebClient client;

  @BeforeContainer
  static void up() throws Exception {
    home = Files.createTempDirectory("poco-fuzz");
    poco = EmbeddedPoco.start(home, Map.of());
    client = WebClient.create(poco.vertx);
  }

  @AfterContainer
  static void down() throws Exception {
    try {
      JsonObject health = post("GET", "/health", null).bodyAsJsonObject();
      assertThat(health).as("the server still answers /health").isNotNull();
      assertThat(post("GET", "/tasks?limit=5", null).statusCode()).isEqualTo(200);
    } finally {
      poco.close();
      try (var files = Files.walk(home)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static Arbitrary<String> texts() {
    Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(60);
    Arbitrary<String> prefix = Arbitraries.of("", "/run ", "/status ", "/status", "/approve ", "/reject ", "/pair ",
        "/stop", "/steer ", "/help", "/HELP ", "/İ", "/İİ ", "/ß ", "/nope ", "/srv/api ", "/", "/run confirm: ");
    Arbitrary<String> huge = Combinators.combine(Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8),
        Arbitraries.integers().between(1_000, 300_000)).as((s, n) -> s.repeat(n / s.length()));
    return Arbitraries.frequencyOf(
        Tuple.of(8, Combinators.combine(prefix, any).as(String::concat)),
        Tuple.of(1, Combinators.combine(prefix, huge).as(String::concat)));
  }

  static Arbitrary<String> chats() {
    return Arbitraries.frequencyOf(Tuple.of(6, Arbitraries.of("fz-a", "fz-b")),
        Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(30)));
  }

  @Provide
  Arbitrary<JsonObject> commands() {
    return Combinators.combine(texts(), chats()).as((text, chat) ->
        new JsonObject().put("text", text).put("chat_id", chat));
  }

  @Property
  void anyChatTextGetsAViewOrA4xx(@ForAll("commands") JsonObject body) throws Exception {
    HttpResponse<Buffer> resp = post("POST", "/demo/command", body);
    Statistics.collect(resp.statusCode());
    assertAnswer(resp);
  }

  static List<String> intentKeys() {
    List<String> keys = new ArrayList<>();
    for (Field f : Intents.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
        try {
          keys.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return keys;
  }

  /** What a form or button may carry: strings mostly, and values of every other JSON type. */
  static Arbitrary<Object> paramValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, texts().map(s -> (Object) s)),
        Tuple.of(2, Arbitraries.of("t_missing", "p_missing", "1", "0", "-1", "999999999999", "abc", "~", "/", "..",
            "~/../..", "/etc", "stub", "codex", "danger-full-access", "never").map(s -> (Object) s)),
        Tuple.of(1, Arbitraries.oneOf(Arbitraries.integers().map(i -> (Object) i),
            Arbitraries.doubles().map(d -> (Object) d), Arbitraries.of(true, false).map(b -> (Object) b),
            Arbitraries.just((Object) new JsonArray().add(1).add("x")),
            Arbitraries.just((Object) new JsonObject().put("a", 1)))));
  }

  @Provide
  Arbitrary<JsonObject> cardActions() {
    Arbitrary<String> key = Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.of(intentKeys())),
        Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(20)));
    Arbitrary<String> paramName = Arbitraries.of("task_id", "project_id", "path", "page", "name", "backend", "label",
        "model", "sandbox", "approval_policy", "timeout_seconds", "prompt", "text");
    Arbitrary<Map<String, Object>> params = Arbitraries.maps(paramName, paramValues()).ofMaxSize(4);
    return Combinators.combine(key, Arbitraries.of("dm", "group"), chats(), params, params)
        .as((intent, surface, chat, value, form) -> {
          JsonObject v = new JsonObject(new java.util.LinkedHashMap<>(value)).put("intent_key", intent)
              .put("surface", surface);
          JsonObject event = new JsonObject()
              .put("operator", new JsonObject().put("open_id", "ou_fuzz"))
              .put("context", new JsonObject().put("open_chat_id", chat).put("open_message_id", "om_fuzz"))
              .put("action", new JsonObject().put("value", v)
                  .put("form_value", new JsonObject(new java.util.LinkedHashMap<>(form))));
          return new JsonObject().put("event", event);
        });
  }

  @Property
  void anyCardActionGetsAViewOrA4xx(@ForAll("cardActions") JsonObject body) throws Exception {
    HttpResponse<Buffer> resp = post("POST", "/demo/card-actions", body);
    Statistics.collect(resp.statusCode());
    assertAnswer(resp);
  }

  private static HttpResponse<Buffer> post(String method, String path, JsonObject body) throws Exception {
    var req = client.request(io.vertx.core.http.HttpMethod.valueOf(method), poco.http.port(), "127.0.0.1", path)
        .putHeader("Content-Type", "application/json").timeout(30_000);
    var sent = body == null ? req.send() : req.sendBuffer(body.toBuffer());
    return sent.toCompletionStage().toCompletableFuture().get(40, TimeUnit.SECONDS);
  }

  private static void assertAnswer(HttpResponse<Buffer> resp) {
    assertThat(resp.statusCode()).as("status of %s", resp.bodyAsString()).isBetween(200, 499);
    JsonObject json = resp.bodyAsJsonObject();
    if (resp.statusCode() == 200) {
      assertThat(json.getBoolean("ok")).isTrue();
      assertThat(json.getJsonObject("view")).isNotNull();
    } else {
      assertThat(json.getBoolean("ok")).isFalse();
      assertThat(json.getString("error")).isNotBlank();
      assertThat(json.getInteger("code")).isEqualTo(resp.statusCode());
    }
  }
}
