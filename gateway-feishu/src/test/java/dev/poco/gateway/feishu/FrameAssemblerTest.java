package dev.poco.gateway.feishu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest {
  static byte[] b(String s) { return s.getBytes(StandardCharsets.UTF_8); }

  @Test
  void singleFrameIsWholeAtOnce() {
    assertThat(new FrameAssembler(1000).add("m", 1, 0, b("abc"), 0)).isEqualTo(b("abc"));
  }

  @Test
  void outOfOrderFragmentsJoinInSeqOrderAndDuplicatesAreIgnored() {
    FrameAssembler a = new FrameAssembler(1000);
    assertThat(a.add("m", 3, 2, b("ghi"), 0)).isNull();
    assertThat(a.add("other", 2, 1, b("y"), 0)).isNull();
    assertThat(a.add("m", 3, 0, b("abc"), 1)).isNull();
    assertThat(a.add("m", 3, 0, b("XXX"), 2)).as("a repeated part").isNull();
    assertThat(a.add("m", 3, 1, b("def"), 3)).isEqualTo(b("abcdefghi"));
    assertThat(a.pendingCount()).isEqualTo(1);
    assertThat(a.add("other", 2, 0, b("x"), 4)).isEqualTo(b("xy"));
    assertThat(a.pendingCount()).isZero();
  }

  @Test
  void incompleteMessagesExpireAndBadIndexesAreRefused() {
    FrameAssembler a = new FrameAssembler(1000);
    a.add("m", 2, 0, b("a"), 0);
    assertThat(a.add("n", 2, 0, b("z"), 5_000)).isNull();
    assertThat(a.pendingCount()).as("m expired").isEqualTo(1);
    assertThat(a.add("m", 2, 1, b("b"), 5_001)).as("its first half is gone").isNull();
    assertThatThrownBy(() -> a.add("q", 2, 2, b("a"), 5_002)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> a.add("m", 3, 0, b("a"), 5_003)).isInstanceOf(IllegalArgumentException.class);
  }
}
