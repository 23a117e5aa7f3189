package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedWritesTest {
  final OrderedWrites writes = new OrderedWrites();
  final List<String> started = new ArrayList<>();
  final List<Promise<Void>> running = new ArrayList<>();

  private Future<Void> write(String key, boolean collapse, String name) {
    return writes.write(key, collapse, () -> {
      started.add(name);
      Promise<Void> p = Promise.promise();
      running.add(p);
      return p.future();
    });
  }

  @Test
  void oneAtATimePerKeyInOrderAndKeysIndependent() {
    Future<Void> a1 = write("a", false, "a1");
    Future<Void> a2 = write("a", false, "a2");
    Future<Void> b1 = write("b", false, "b1");
    assertThat(started).containsExactly("a1", "b1");
    running.get(0).complete();
    assertThat(a1.succeeded()).isTrue();
    assertThat(started).containsExactly("a1", "b1", "a2");
    running.get(2).fail("x"); // a failure does not stop the key's next write
    assertThat(a2.failed()).isTrue();
    assertThat(b1.isComplete()).isFalse();
    running.get(1).complete();
    assertThat(writes.busyKeys()).isZero();
  }

  @Test
  void queuedWholeRowWritesCollapseIntoTheNewest() {
    Future<Void> s1 = write("t", true, "running");
    Future<Void> s2 = write("t", true, "output");
    Future<Void> s3 = write("t", true, "completed");
    assertThat(started).containsExactly("running");
    running.get(0).fail("store away");
    assertThat(s1.failed()).isTrue();
    assertThat(started).containsExactly("running", "completed"); // "output" was superseded, never sent
    assertThat(s2.isComplete()).isFalse();
    running.get(1).complete();
    assertThat(s2.succeeded()).isTrue();
    assertThat(s3.succeeded()).isTrue();
  }

  @Test
  void aNonCollapsingWriteIsNeverReplaced() {
    write("p", false, "pin");
    write("p", false, "workspace");
    write("p", false, "session");
    running.get(0).complete();
    running.get(1).complete();
    assertThat(started).containsExactly("pin", "workspace", "session");
  }
}
