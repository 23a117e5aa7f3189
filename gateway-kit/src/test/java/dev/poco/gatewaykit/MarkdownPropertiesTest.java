package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Sizes, truncation and pagination over generated text: ASCII, CJK, emoji, newlines and ``` fences mixed. */
class MarkdownPropertiesTest {

  @Provide
  Arbitrary<String> texts() {
    Arbitrary<String> pieces = Arbitraries.oneOf(
        Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(30),
        Arbitraries.strings().withCharRange('\u4e00', '\u4e2f').ofMaxLength(10),
        Arbitraries.of("🙂", "🚀", "é", "\n", "\n\n", " ", "**", "`"),
        Arbitraries.of("\n```\n", "\n```java\n", "```\n", "\n  ```", "\n    ```", "\n```" + "x".repeat(90)),
        Arbitraries.strings().ofMaxLength(200));
    return pieces.list().ofMaxSize(40).map(l -> String.join("", l));
  }

  @Property
  void utf8BytesAgreesWithTheEncoder(@ForAll("texts") String s) {
    assertThat(Markdown.utf8Bytes(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
  }

  @Property
  void truncateBytesGivesTheLongestPrefixThatFits(@ForAll("texts") String s, @ForAll @IntRange(max = 400) int max) {
    String t = Markdown.truncateBytes(s, max);
    assertThat(s).startsWith(t);
    assertThat(Markdown.utf8Bytes(t)).isLessThanOrEqualTo(max);
    if (!t.isEmpty()) assertThat(Character.isHighSurrogate(t.charAt(t.length() - 1))).isFalse();
    if (t.length() < s.length()) {
      String next = s.substring(0, t.length() + Character.charCount(s.codePointAt(t.length())));
      assertThat(Markdown.utf8Bytes(next)).isGreaterThan(max);
    }
  }

  @Property
  void pagesFitAndNeverSplitACodePoint(@ForAll("texts") String s, @ForAll @IntRange(min = 2, max = 300) int max) {
    List<String> pages = Markdown.pages(s, max);
    assertThat(pages).isNotEmpty();
    for (String p : pages) {
      assertThat(p.length()).isLessThanOrEqualTo(max);
      if (!p.isEmpty()) {
        assertThat(Character.isHighSurrogate(p.charAt(p.length() - 1))).isFalse();
        assertThat(Character.isLowSurrogate(p.charAt(0))).isFalse();
      }
    }
    if (!s.contains("```") || max < Markdown.FENCE_AWARE_MIN_CHARS) {
      assertThat(String.join("", pages)).isEqualTo(s);
    }
  }

  @Property
  void everyPageClosesTheFencesItOpens(@ForAll("texts") String s, @ForAll @IntRange(min = 64, max = 300) int max) {
    List<String> pages = Markdown.pages(s, max);
    boolean textBalanced = fenceLines(s) % 2 == 0;
    for (int i = 0; i < pages.size(); i++) {
      boolean lastPage = i == pages.size() - 1;
      // only the last page may leave a fence open, and only when the text itself does
      if (!lastPage || textBalanced) assertThat(fenceLines(pages.get(i)) % 2).as(pages.get(i)).isZero();
    }
  }

  private static long fenceLines(String s) {
    return Arrays.stream(s.split("\n", -1)).filter(Markdown::isFenceLine).count();
  }
}
