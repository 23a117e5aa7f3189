package dev.poco.demoapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.CardIntent;
import dev.poco.contract.Platforms;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The card-action payload parser over generated bodies: it makes an intent the orchestrator can read, or
 * refuses with a 400 that names the field, and never throws anything else or hangs.
 */
class CardActionPayloadFuzzTest {

  @Provide
  Arbitrary<JsonObject> payloads() {
    return Arbitraries.oneOf(JsonBodies.cardActions(), JsonBodies.objects(3));
  }

  @Property
  void aPayloadBecomesAReadableIntentOrA400(@ForAll("payloads") JsonObject body) throws Exception {
    JsonObject before = body.copy();
    CardIntent intent;
    try {
      intent = CompletableFuture.supplyAsync(() -> CardActionPayload.toIntent(body, new EdgeGuard.Caller(DemoIds.USER, true)))
          .get(5, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(HttpError.class);
      HttpError err = (HttpError) e.getCause();
      assertThat(err.status()).isEqualTo(400);
      assertThat(err.getMessage()).startsWith("field 'event");
      return;
    }
    assertThat(intent.platform()).isEqualTo(Platforms.DEMO);
    assertThat(intent.intentKey()).isNotBlank();
    assertThat(intent.requestId()).isNotBlank().isEqualTo(intent.value().getString("request_id"));
    assertThat(intent.userId()).isNotBlank();
    assertThat(intent.chatId()).isNotBlank();
    assertThat(intent.chatType()).isIn(Platforms.CHAT_DM, Platforms.CHAT_GROUP);
    assertThat(intent.trusted()).isTrue();
    assertThat(body).as("the request body is left as it came").isEqualTo(before);
    assertThat(CardIntent.fromJson(intent.toJson())).as("what the orchestrator reads").isEqualTo(intent);
  }
}
