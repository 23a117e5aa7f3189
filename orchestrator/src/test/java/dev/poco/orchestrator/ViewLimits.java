package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.View;
import java.nio.charset.StandardCharsets;

/**
 * The platform limits every view must keep, asserted on any {@link View}: Slack (25 elements per actions block, 75
 * characters of button text, 2,000 of button value, 3,000 per text block) and Feishu (200 elements, 30 KB a card;
 * the view's own JSON stands in for the card, which a gateway builds about as large).
 */
final class ViewLimits {
  static final int MAX_ACTIONS = 25;
  static final int MAX_BODY_CHARS = 3_000;
  static final int MAX_LABEL_CHARS = 75;
  static final int MAX_VALUE_CHARS = 2_000;
  static final int FEISHU_MAX_ELEMENTS = 200;
  static final int FEISHU_MAX_BYTES = 30 * 1024;

  private ViewLimits() {}

  static View check(View v) {
    String what = v.kind() + " '" + v.title() + "' page " + v.page();
    assertThat(v.actions()).as("actions of %s", what).hasSizeLessThanOrEqualTo(MAX_ACTIONS);
    if (v.body() != null) assertThat(v.body().length()).as("body of %s", what).isLessThanOrEqualTo(MAX_BODY_CHARS);
    for (View.Action a : v.actions()) {
      assertThat(a.label().length()).as("label '%s' of %s", a.label(), what).isLessThanOrEqualTo(MAX_LABEL_CHARS);
      assertThat(a.value().encode().length()).as("value of '%s' on %s", a.label(), what)
          .isLessThanOrEqualTo(MAX_VALUE_CHARS);
    }
    int elements = 1 + (v.body() == null ? 0 : 1) + v.fields().size() + 2 * v.inputs().size() + v.actions().size();
    assertThat(elements).as("Feishu elements of %s", what).isLessThanOrEqualTo(FEISHU_MAX_ELEMENTS);
    assertThat(v.toJson().encode().getBytes(StandardCharsets.UTF_8).length).as("bytes of %s", what)
        .isLessThanOrEqualTo(FEISHU_MAX_BYTES);
    assertThat(v.page()).isBetween(1, v.pages());
    return v;
  }
}
