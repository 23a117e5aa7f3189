package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.gatewaykit.Markdown;
import org.junit.jupiter.api.Test;

/** The full text rebuilt from live tails and totals: appended, a gap marked, the byte budget kept and said. */
class TranscriptTest {
  static String tail(String out) { return out.length() > 2800 ? "…" + out.substring(out.length() - 2800) : out; }

  @Test
  void newOutputIsTheTailsLastCharacters() {
    Transcript t = new Transcript();
    assertThat(t.apply("Working…", 0)).isNull();
    String out = "a".repeat(100);
    assertThat(t.apply(tail(out), 100)).isEqualTo(out);
    out += "b".repeat(3000) + "c".repeat(500);
    assertThat(t.apply(tail(out), out.length())).isEqualTo(out.substring(0, 100) + "\n\n…\n\n" + out.substring(out.length() - 2800));
    assertThat(t.gaps()).isEqualTo(1);
    String more = out + "d".repeat(10);
    assertThat(t.apply(tail(more), more.length())).endsWith("c" + "d".repeat(10));
  }

  @Test
  void aTextOverTheBudgetKeepsItsEndAndSaysSo() {
    Transcript t = new Transcript();
    StringBuilder out = new StringBuilder();
    String text = null;
    while (out.length() < 40_000) {
      out.append("行".repeat(500));
      text = t.apply(tail(out.toString()), out.length());
    }
    assertThat(t.cuts()).isPositive();
    assertThat(Markdown.utf8Bytes(text)).isLessThanOrEqualTo(Transcript.MAX_BYTES);
    assertThat(text).startsWith(Transcript.CUT_NOTE).endsWith("行".repeat(500));
  }
}
