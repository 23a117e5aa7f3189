package dev.poco.agentrunner;

import dev.poco.contract.Settings;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;

/** The backends this runner offers, by wire name. A new CLI is one more line here. */
final class Backends {
  private Backends() {}

  static Map<String, AgentBackend> create(Vertx vertx, Settings settings, ProcessSupervisor supervisor) {
    Map<String, AgentBackend> all = new LinkedHashMap<>();
    add(all, new StubBackend(vertx, settings));
    add(all, new ClaudeBackend(vertx, settings, supervisor));
    return all;
  }

  private static void add(Map<String, AgentBackend> all, AgentBackend backend) {
    all.put(backend.name(), backend);
  }
}
