package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("A full runner shares its slots fairly between chats")
class RunnerSlotsIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    // One slot, and stub tasks of ~150 ms (deltas 40 ms apart): chats must take turns.
    poco = EmbeddedPoco.start(home, Map.of("POCO_RUNNER_MAX_TASKS", "1", ConfigKeys.STUB_DELTA_MS, "40"));
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  @Test
  @DisplayName("a freed slot goes at once to the chat that waited longest, not to the finishing chat's next prompt")
  void fairAndPrompt() {
    String a1 = demo.run("slots-a", "Reply with exactly: A1");
    String b1 = demo.run("slots-b", "Reply with exactly: B1");
    String c1 = demo.run("slots-c", "Reply with exactly: C1");
    String a2 = demo.run("slots-a", "Reply with exactly: A2");
    List<JsonObject> done = List.of(demo.awaitDone(a1, 10), demo.awaitDone(b1, 10), demo.awaitDone(c1, 10),
        demo.awaitDone(a2, 10));
    done.forEach(t -> assertThat(t.getString("status")).as(t.encode()).isEqualTo("completed"));
    List<String> order = done.stream().sorted(Comparator.comparing(t -> time(t, "started_at")))
        .map(t -> t.getString("result")).toList();
    assertThat(order).containsExactly("A1", "B1", "C1", "A2");
    // No idle slot between tasks: each starts right after the one before it ends, not at the next heartbeat (1 s).
    for (int i = 1; i < order.size(); i++) {
      JsonObject prev = byResult(done, order.get(i - 1));
      JsonObject next = byResult(done, order.get(i));
      long gap = time(next, "started_at").toEpochMilli() - time(prev, "finished_at").toEpochMilli();
      assertThat(gap).as("%s started %d ms after %s finished", order.get(i), gap, order.get(i - 1)).isLessThan(500);
    }
  }

  private static JsonObject byResult(List<JsonObject> tasks, String result) {
    return tasks.stream().filter(t -> t.getString("result").equals(result)).findFirst().orElseThrow();
  }

  private static Instant time(JsonObject t, String key) { return Instant.parse(t.getString(key)); }
}
