package dev.poco.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A view's inputs keep their type, typed value and field error across the bus. */
class ViewJsonTest {
  @Test
  void inputsRoundTripWithTypeValueAndError() {
    View v = new View(ViewKinds.PROJECT_NEW, "New", null, "body", null,
        List.of(View.Input.text("name", "Name", "e.g. api", "taken").withError("A project named 'taken' already exists."),
            View.Input.multiline("prompt", "Prompt", "What should the agent do?", null),
            View.Input.select("backend", "Agent", "stub", List.of(new View.Option("stub", "stub")))),
        null, 1, 1, null);
    View back = View.fromJson(new JsonObject(v.toJson().encode()));
    assertThat(back).isEqualTo(v);
    assertThat(back.inputs().get(0).error()).isEqualTo("A project named 'taken' already exists.");
    assertThat(back.inputs().get(0).value()).isEqualTo("taken");
    assertThat(back.inputs().get(1).type()).isEqualTo(View.Input.TEXTAREA);
    assertThat(back.inputs().get(2).error()).isNull();
  }

  @Test
  void anInputWithoutErrorHasNoErrorKey() {
    JsonObject j = View.Input.multiline("prompt", "Prompt", null, null).toJson();
    assertThat(j.containsKey("error")).isFalse();
    assertThat(j.getString("type")).isEqualTo("textarea");
  }
}
