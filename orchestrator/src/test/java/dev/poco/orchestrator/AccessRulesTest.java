package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.poco.contract.Bus;
import dev.poco.orchestrator.PairingGate.Outcome;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Pairing limits, project names and Markdown escaping, without I/O")
class AccessRulesTest {
  private final AtomicLong now = new AtomicLong(1_000_000);
  private final PairingGate gate = new PairingGate(now::get, 3_600_000);

  @Test
  @DisplayName("a code is 12 unambiguous symbols in groups of four, typed back in any case, with or without dashes")
  void codeShape() {
    String code = PairingGate.newCode(new SecureRandom());
    assertThat(code).matches("[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}");
    gate.open(code);
    assertThat(gate.attempt("feishu:a", code.toLowerCase().replace("-", " ")).outcome()).isEqualTo(Outcome.MATCH);
    assertThat(gate.attempt("feishu:a", code.replace("-", "")).outcome()).isEqualTo(Outcome.MATCH);
  }

  @Test
  @DisplayName("five misses lock a user out for a minute, then two, while the owner's code keeps working")
  void userLockout() {
    gate.open("AAAA-BBBB-CCCC");
    for (int i = 0; i < 4; i++) assertThat(gate.attempt("demo:eve", "WRONG").outcome()).isEqualTo(Outcome.MISS);
    PairingGate.Verdict fifth = gate.attempt("demo:eve", "WRONG");
    assertThat(fifth.lockedNow()).isTrue();
    assertThat(fifth.retryAfterMs()).isEqualTo(60_000);
    // Locked: even the right code is not compared.
    assertThat(gate.attempt("demo:eve", "AAAA-BBBB-CCCC").outcome()).isEqualTo(Outcome.USER_LOCKED);
    now.addAndGet(60_000);
    for (int i = 0; i < 4; i++) gate.attempt("demo:eve", "WRONG");
    assertThat(gate.attempt("demo:eve", "WRONG").retryAfterMs()).as("doubled").isEqualTo(120_000);
    assertThat(gate.attempt("demo:owner", "aaaabbbbcccc").outcome()).isEqualTo(Outcome.MATCH);
  }

  @Test
  @DisplayName("all users together get a budget of misses that refills slowly; a code expires after its time")
  void globalBudgetAndExpiry() {
    gate.open("AAAA-BBBB-CCCC");
    int misses = 0;
    for (int u = 0; u < 100 && gate.attempt("demo:u" + u, "WRONG").outcome() == Outcome.MISS; u++) misses++;
    for (int u = 0; u < 100; u++) gate.attempt("demo:v" + u, "WRONG");
    assertThat(misses).isEqualTo(PairingGate.GLOBAL_BUDGET);
    PairingGate.Verdict busy = gate.attempt("demo:owner", "AAAA-BBBB-CCCC");
    assertThat(busy.outcome()).isEqualTo(Outcome.GLOBAL_LOCKED);
    assertThat(busy.retryAfterMs()).isBetween(1L, PairingGate.REFILL_MS);
    now.addAndGet(PairingGate.REFILL_MS);
    assertThat(gate.attempt("demo:owner", "AAAA-BBBB-CCCC").outcome()).isEqualTo(Outcome.MATCH);
    now.addAndGet(3_600_000);
    assertThat(gate.attempt("demo:owner", "AAAA-BBBB-CCCC").outcome()).isEqualTo(Outcome.EXPIRED);
    gate.close();
    assertThat(gate.attempt("demo:owner", "AAAA-BBBB-CCCC").outcome()).isEqualTo(Outcome.CLOSED);
  }

  @Test
  @DisplayName("POCO_ALLOWED_USERS entries must read platform:user_id")
  void allowList() {
    assertThat(Access.parseAllowed(" feishu:ou_1, slack:U2 ,")).containsExactlyInAnyOrder("feishu:ou_1", "slack:U2");
    assertThat(Access.parseAllowed(null)).isEmpty();
    assertThatThrownBy(() -> Access.parseAllowed("feishu:ou_1, bob")).hasMessageContaining("'bob'");
    assertThatThrownBy(() -> Access.parseAllowed("feishu:")).hasMessageContaining("platform:user_id");
  }

  @Test
  @DisplayName("names are trimmed, NFC-normalised, at most 64 code points, one line; equal ignoring case and form")
  void names() {
    assertThat(ProjectNames.check("  Caf\u0065\u0301  ")).isEqualTo("Caf\u00e9");
    assertThat(ProjectNames.key("CAF\u00c9")).isEqualTo(ProjectNames.key("cafe\u0301"));
    assertThat(ProjectNames.check("\ud83d\ude00".repeat(64))).hasSize(128);
    assertThat(code(() -> ProjectNames.check("x".repeat(65)))).isEqualTo(400);
    assertThat(code(() -> ProjectNames.check("a".repeat(1 << 20)))).isEqualTo(400);
    assertThat(code(() -> ProjectNames.check(" "))).isEqualTo(400);
    assertThat(code(() -> ProjectNames.check("two\nlines"))).isEqualTo(400);
    assertThat(code(() -> ProjectNames.check("evil\u202Egnp.exe"))).isEqualTo(400);
  }

  @Test
  @DisplayName("a name goes into Markdown as text: links, emphasis and HTML are escaped")
  void markdown() {
    assertThat(Views.plain("[x](http://evil)")).isEqualTo("\\[x\\]\\(http://evil\\)");
    assertThat(Views.plain("*a*_b_`c`<b>")).isEqualTo("\\*a\\*\\_b\\_\\`c\\`\\<b\\>");
    assertThat(Views.plain("api-server 2.0")).isEqualTo("api-server 2.0");
  }

  @Test
  @DisplayName("the same action reads the same whatever the key order; form values must be text")
  void canonicalAndText() {
    assertThat(IntentHandler.canonical(new JsonObject().put("b", 1).put("a", new JsonArray().add(new JsonObject().put("y", 2).put("x", 1)))))
        .isEqualTo(IntentHandler.canonical(new JsonObject().put("a", new JsonArray().add(new JsonObject().put("x", 1).put("y", 2))).put("b", 1)));
    JsonObject form = new JsonObject().put("name", 42).put("tags", new JsonArray()).put("o", new JsonObject()).put("ok", "x");
    assertThat(IntentHandler.text(form, "ok", null)).isEqualTo("x");
    assertThat(code(() -> IntentHandler.text(form, "name", null))).isEqualTo(400);
    assertThatThrownBy(() -> IntentHandler.text(form, "tags", null)).hasMessageContaining("'tags'").hasMessageContaining("a list");
    assertThatThrownBy(() -> IntentHandler.text(form, "o", null)).hasMessageContaining("an object");
  }

  private static int code(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      return Bus.code(e);
    }
    return 0;
  }
}
