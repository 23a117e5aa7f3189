package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.Heartbeat;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The runner registry")
class RunnerRegistryTest {
  private static Heartbeat beat(String runner, String node) {
    return new Heartbeat(runner, node, List.of(new BackendInfo("stub", true, "1", null, false, List.of())), 4, 4,
        List.of(), List.of("/w"), 0);
  }

  @Test
  @DisplayName("a node leaving the cluster kills its runners at once; a later beat brings one back as new")
  void nodeLeft() {
    RunnerRegistry reg = new RunnerRegistry();
    long now = 1_000_000;
    reg.beat(beat("r1", "n1"), now);
    reg.beat(beat("r2", "n2"), now);
    assertThat(reg.nodeLeft("n1")).containsExactly("r1");
    assertThat(reg.nodeLeft("n1")).isEmpty();
    assertThat(reg.alive("r1", now)).isNull();
    assertThat(reg.alive("r2", now)).isNotNull();
    assertThat(reg.pick("stub", "r1", RunnerRegistry.emptyLoad(), now).runnerId()).isEqualTo("r2");
    assertThat(reg.beat(beat("r1", "n3"), now + 10)).isTrue();
    assertThat(reg.alive("r1", now + 10)).isNotNull();
  }
}
