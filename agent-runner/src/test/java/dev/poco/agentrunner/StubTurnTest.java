package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StubTurnTest {
  @Test
  @DisplayName("'Reply with exactly:' answers the rest of its line, trimmed; other prompts are echoed")
  void answers() {
    assertThat(StubTurn.answerFor("Reply with exactly: DEMO_OK")).isEqualTo("DEMO_OK");
    assertThat(StubTurn.answerFor("context first\nReply with exactly:  two words  \nmore")).isEqualTo("two words");
    assertThat(StubTurn.answerFor("just this")).isEqualTo("just this");
  }
}
