package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What is new in a live tail: the new characters, a gap marked, a restart said, nothing for a status line. */
class LiveOutputTest {
  static String tail(String out) { return out.length() > 2800 ? "…" + out.substring(out.length() - 2800) : out; }

  @Test
  void addsTheNewCharactersOfEachTail() {
    LiveOutput live = new LiveOutput();
    assertThat(live.next("Working…", 0)).isNull();
    String out = "hello ";
    assertThat(live.next(tail(out), out.length())).isEqualTo(new LiveOutput.Change("hello ", false));
    assertThat(live.next(tail(out), out.length())).isNull();
    StringBuilder all = new StringBuilder(out);
    StringBuilder rebuilt = new StringBuilder(out);
    for (int i = 0; i < 50; i++) {
      all.append(("line " + i + " ").repeat(40));
      rebuilt.append(live.next(tail(all.toString()), all.length()).text());
    }
    assertThat(rebuilt.toString()).isEqualTo(all.toString());
    assertThat(live.gaps()).isZero();
  }

  @Test
  void marksAGapAndARestart() {
    LiveOutput live = new LiveOutput();
    String out = "x".repeat(5000);
    assertThat(live.next(tail(out), out.length()).text()).isEqualTo("…" + "x".repeat(2800));
    String more = out + "y".repeat(3000);
    assertThat(live.next(tail(more), more.length()).text()).isEqualTo(LiveOutput.GAP + more.substring(more.length() - 2800));
    assertThat(live.gaps()).isEqualTo(1);
    LiveOutput.Change again = live.next("new turn", 8);
    assertThat(again).isEqualTo(new LiveOutput.Change("new turn", true));
  }
}
