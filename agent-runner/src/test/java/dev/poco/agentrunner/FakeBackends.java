package dev.poco.agentrunner;

import dev.poco.contract.BackendInfo;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Backends that misbehave on purpose, and one that drives a real child process, plugged into a runner. */
final class FakeBackends extends RunnerVerticle {
  /** Pids of the processes the "shell" backend started, so tests can check they are gone. */
  static final List<Long> PIDS = new java.util.concurrent.CopyOnWriteArrayList<>();

  @Override
  protected Map<String, AgentBackend> createBackends(Settings settings, ProcessSupervisor supervisor) {
    Map<String, AgentBackend> all = new LinkedHashMap<>();
    all.put("ghost", new Simple("ghost", Future.succeededFuture(new BackendInfo("ghost", false, null,
        "ghost not found: set POCO_GHOST_COMMAND", false, List.of())), null));
    all.put("broken", new Simple("broken", Future.failedFuture("segfault"), null));
    all.put("nostart", new Simple("nostart", ready("nostart"), Future.failedFuture("cannot start: no auth")));
    all.put("stubborn", new Simple("stubborn", ready("stubborn"), Future.succeededFuture(new AgentTurn() {
      private final Promise<TurnOutcome> never = Promise.promise();

      @Override public Future<TurnOutcome> outcome() { return never.future(); }

      @Override public void cancel() {}
    })));
    all.put("shell", new Shell(supervisor));
    return all;
  }

  private static Future<BackendInfo> ready(String name) {
    return Future.succeededFuture(new BackendInfo(name, true, "0.0.1", null, false, List.of()));
  }

  private record Simple(String name, Future<BackendInfo> info, Future<AgentTurn> turn) implements AgentBackend {
    @Override public Future<BackendInfo> probe() { return info; }

    @Override public Future<AgentTurn> start(TurnRequest request, TurnSink sink) { return turn; }
  }

  /** Runs the prompt as a shell script; stdout lines {"delta": "..."} are answer text, anything else is skipped. */
  private record Shell(ProcessSupervisor supervisor) implements AgentBackend {
    @Override public String name() { return "shell"; }

    @Override public Future<BackendInfo> probe() { return ready("shell"); }

    @Override public Future<AgentTurn> start(TurnRequest request, TurnSink sink) {
      ProcessSpec spec = ProcessSpec.of("sh", "-c", request.prompt()).in(request.workdir());
      return supervisor.spawn(spec, line -> {
        try {
          sink.delta(new JsonObject(line).getString("delta"));
        } catch (RuntimeException notJson) {
          // agents print banners and warnings between JSON lines
        }
      }).map(child -> {
        PIDS.add(child.pid());
        sink.session("shell-" + child.pid());
        return new AgentTurn() {
          @Override public Future<TurnOutcome> outcome() {
            return child.exit().map(exit -> exit.killed() ? TurnOutcome.interrupted(exit.describe())
                : exit.ok() ? TurnOutcome.completed(null) : TurnOutcome.failed(exit.describe()));
          }

          @Override public void cancel() { child.kill(); }
        };
      });
    }
  }
}
