package dev.poco.orchestrator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.Heartbeat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The runner registry")
class RunnerRegistryTest {
  static final long NOW = 1_000_000;
  /** When the runners beat: long enough ago that every runner has been heard, recent enough to be alive. */
  static final long SEEN = NOW - RunnerRegistry.STARTUP_GRACE_MS;

  private static Heartbeat beat(String runner, String node) {
    return beat(runner, node, 4, List.of("/w"), "stub");
  }

  private static Heartbeat beat(String runner, String node, int max, List<String> roots, String backend) {
    return new Heartbeat(runner, node, List.of(new BackendInfo(backend, true, "1", null, false, List.of())), max, max,
        List.of(), roots, 0, 0);
  }

  private static RunnerRegistry.Placement place(RunnerRegistry reg, String dir, String pinned,
      Map<String, Integer> load) {
    return reg.place("stub", dir, pinned, load, NOW);
  }

  private static String runnerOf(RunnerRegistry.Placement p) {
    assertThat(p.refusal()).isNull();
    return p.runner() == null ? null : p.runner().runnerId();
  }

  @Test
  @DisplayName("a node leaving the cluster kills its runners at once; a later beat brings one back as new")
  void nodeLeft() {
    RunnerRegistry reg = new RunnerRegistry();
    long now = NOW;
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

  @Test
  @DisplayName("idle runners and instant tasks: six new projects spread 3/3 over two runners and 2/2/2 over"
      + " three (ties go to the runner with fewer pinned projects, not to the first)")
  void spreadsProjects() {
    for (int runners : new int[] {2, 3}) {
      RunnerRegistry reg = new RunnerRegistry();
      for (int r = 1; r <= runners; r++) reg.beat(beat("r" + r, "n" + r), SEEN);
      Map<String, Integer> pinned = new java.util.HashMap<>();
      for (int project = 0; project < 6; project++) {
        // each task ends before the next project's first one: no load, only the pins tell the runners apart
        String runner = runnerOf(reg.place("stub", null, null, RunnerRegistry.emptyLoad(), pinned, NOW));
        pinned.merge(runner, 1, Integer::sum);
      }
      assertThat(pinned).as("%d runners", runners).hasSize(runners).allSatisfy((r, n) -> assertThat(n)
          .isEqualTo(6 / runners));
    }
  }

  @Test
  @DisplayName("fewer pinned projects wins over more free slots only among runners with a slot free")
  void pinnedThenFree() {
    RunnerRegistry reg = new RunnerRegistry();
    reg.beat(beat("r1", "n1"), SEEN);
    reg.beat(beat("r2", "n2"), SEEN);
    Map<String, Integer> load = new java.util.HashMap<>(Map.of("r1", 4));
    // r1 has fewer projects but no free slot: r2 takes it
    assertThat(runnerOf(reg.place("stub", null, null, load, Map.of("r1", 1, "r2", 5), NOW))).isEqualTo("r2");
    load.put("r1", 3);
    assertThat(runnerOf(reg.place("stub", null, null, load, Map.of("r1", 1, "r2", 5), NOW))).isEqualTo("r1");
    // same number of projects: the freer runner
    assertThat(runnerOf(reg.place("stub", null, null, load, Map.of("r1", 2, "r2", 2), NOW))).isEqualTo("r2");
  }

  @Test
  @DisplayName("a working dir goes only to a runner whose roots hold it, even when another one is freer")
  void placesByWorkdir() {
    RunnerRegistry reg = new RunnerRegistry();
    reg.beat(beat("r1", "n1", 8, List.of("/srv/a"), "stub"), SEEN);
    reg.beat(beat("r2", "n2", 2, List.of("/srv/b", "/home/u/"), "stub"), SEEN);
    Map<String, Integer> load = RunnerRegistry.emptyLoad();
    assertThat(runnerOf(place(reg, "/srv/b/api", null, load))).isEqualTo("r2");
    assertThat(runnerOf(place(reg, "/srv/b", null, load))).as("the root itself").isEqualTo("r2");
    assertThat(runnerOf(place(reg, "/home/u/x", null, load))).as("a root written with a slash").isEqualTo("r2");
    assertThat(runnerOf(place(reg, "/srv/a/x", null, load))).isEqualTo("r1");
    // no dir, or one only a runner can resolve (~): the freest runner
    assertThat(runnerOf(place(reg, null, null, load))).isEqualTo("r1");
    assertThat(runnerOf(place(reg, "~/code", null, load))).isEqualTo("r1");
    // a prefix of a name is not a parent folder
    RunnerRegistry.Placement sibling = place(reg, "/srv/bb/x", null, load);
    assertThat(sibling.runner()).isNull();
    assertThat(sibling.refusal())
        .isEqualTo("No live runner serves /srv/bb/x (runners: r1: /srv/a; r2: /srv/b, /home/u/).");
    // the only runner serving it is full: wait, do not go elsewhere
    load.put("r2", 2);
    assertThat(place(reg, "/srv/b/api", null, load)).isEqualTo(RunnerRegistry.Placement.WAIT);
  }

  @Test
  @DisplayName("a project stays on its pinned runner while it serves the dir; a dir only another has moves it")
  void pinAndWorkdir() {
    RunnerRegistry reg = new RunnerRegistry();
    reg.beat(beat("r1", "n1", 8, List.of("/srv/a", "/shared"), "stub"), SEEN);
    reg.beat(beat("r2", "n2", 2, List.of("/srv/b", "/shared"), "stub"), SEEN);
    Map<String, Integer> load = RunnerRegistry.emptyLoad();
    assertThat(runnerOf(place(reg, "/shared/p", "r2", load))).as("pinned beats freer").isEqualTo("r2");
    assertThat(runnerOf(place(reg, "/srv/a/p", "r2", load))).as("pinned does not serve the dir").isEqualTo("r1");
    load.put("r2", 2);
    assertThat(place(reg, "/shared/p", "r2", load)).as("pinned but full: wait for it")
        .isEqualTo(RunnerRegistry.Placement.WAIT);
    assertThat(runnerOf(place(reg, "/srv/a/p", "r2", load))).isEqualTo("r1");
    // pinned runner gone: the survivor that serves the dir
    reg.nodeLeft("n2");
    assertThat(runnerOf(place(reg, "/shared/p", "r2", load))).isEqualTo("r1");
    assertThat(place(reg, "/srv/b/p", "r2", load).refusal())
        .isEqualTo("No live runner serves /srv/b/p (runners: r1: /srv/a, /shared).");
  }

  @Test
  @DisplayName("no live runner: wait; runners without the backend: refuse with that, before judging the dir")
  void refusals() {
    RunnerRegistry reg = new RunnerRegistry();
    assertThat(place(reg, "/srv/a", null, RunnerRegistry.emptyLoad())).isEqualTo(RunnerRegistry.Placement.WAIT);
    reg.beat(beat("r1", "n1", 4, List.of("/srv/a"), "codex"), SEEN);
    assertThat(place(reg, "/srv/a", null, RunnerRegistry.emptyLoad()).refusal())
        .isEqualTo("No runner offers the 'stub' agent backend.");
    reg.beat(beat("r2", "n2", 4, List.of("/srv/b"), "stub"), SEEN);
    assertThat(place(reg, "/srv/a/x", null, RunnerRegistry.emptyLoad()).refusal())
        .isEqualTo("No live runner with the 'stub' agent backend serves /srv/a/x (runners: r1: /srv/a; r2: /srv/b).");
    // a runner that stopped beating no longer counts
    assertThat(reg.place("stub", "/srv/b/x", null, RunnerRegistry.emptyLoad(), SEEN + RunnerRegistry.DEAD_AFTER_MS + 1))
        .isEqualTo(RunnerRegistry.Placement.WAIT);
  }

  @Test
  @DisplayName("just after start, a dir no runner serves waits: its runner may not have beaten yet")
  void startupGrace() {
    RunnerRegistry reg = new RunnerRegistry();
    reg.beat(beat("r1", "n1", 4, List.of("/srv/a"), "stub"), NOW);
    assertThat(place(reg, "/srv/b/x", null, RunnerRegistry.emptyLoad())).isEqualTo(RunnerRegistry.Placement.WAIT);
    reg.beat(beat("r2", "n2", 4, List.of("/srv/b"), "stub"), NOW + 1_000);
    assertThat(reg.place("stub", "/srv/b/x", null, RunnerRegistry.emptyLoad(), NOW + 1_000).runner().runnerId())
        .isEqualTo("r2");
    assertThat(reg.place("stub", "/srv/c", null, RunnerRegistry.emptyLoad(), NOW + RunnerRegistry.STARTUP_GRACE_MS)
        .refusal()).startsWith("No live runner serves /srv/c");
  }

  @Test
  @DisplayName("browsing asks runners serving the dir, those with the backend first")
  void serving() {
    RunnerRegistry reg = new RunnerRegistry();
    reg.beat(beat("r1", "n1", 4, List.of("/srv"), "codex"), SEEN);
    reg.beat(beat("r2", "n2", 4, List.of("/srv"), "stub"), SEEN);
    reg.beat(beat("r3", "n3", 4, List.of("/other"), "stub"), SEEN);
    assertThat(reg.serving("/srv/x", "stub", NOW)).extracting(Heartbeat::runnerId).containsExactly("r2", "r1");
    assertThat(reg.serving(null, "stub", NOW)).extracting(Heartbeat::runnerId).containsExactly("r2", "r3", "r1");
    assertThat(reg.serving("/nowhere", "stub", NOW)).isEmpty();
  }

  @Test
  @DisplayName("a request in flight to a runner fails with 503 the moment its node leaves, and the runner is dead by"
      + " then so a retry goes elsewhere")
  void requestFailsWhenItsNodeLeaves() {
    Vertx vertx = Vertx.vertx();
    try {
      vertx.eventBus().consumer("poco.runner.r1.fs", msg -> { }).completion().await(); // a node that never answers
      RunnerRegistry reg = new RunnerRegistry();
      long now = System.currentTimeMillis();
      reg.beat(beat("r1", "n1"), now);
      long t0 = System.nanoTime();
      Future<JsonObject> f = reg.request(vertx.eventBus(), "r1", "poco.runner.r1.fs", new JsonObject());
      List<Heartbeat> aliveWhenFailed = new java.util.ArrayList<>();
      f.onFailure(err -> aliveWhenFailed.addAll(reg.alive(System.currentTimeMillis())));
      reg.nodeLeft("n1");
      assertThat(f.failed()).isTrue();
      assertThat(Bus.code(f.cause())).isEqualTo(503);
      assertThat(f.cause()).hasMessage("node n1 left the cluster");
      assertThat(aliveWhenFailed).isEmpty();
      assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(Bus.RUNNER_TIMEOUT_MS);
    } finally {
      vertx.close().await();
    }
  }
}
