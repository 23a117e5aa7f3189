package dev.poco.agentrunner;

import dev.poco.runtime.Settings;
import io.vertx.core.Vertx;
import java.util.LinkedHashMap;
import java.util.Map;

/** The backends this runner offers, by wire name. A new CLI is one more line here. */
final class Backends {
  private Backends() {}

  static Map<String, AgentBackend> create(Vertx vertx, Settings settings, ProcessSupervisor supervisor) {
    Map<String, AgentBackend> all = new LinkedHashMap<>();
    add(all, new StubBackend(vertx, settings));
    add(all, new CodexBackend(vertx, settings, supervisor));
    add(all, new ClaudeBackend(vertx, settings, supervisor));
    add(all, new CursorBackend(settings, supervisor));
    add(all, new AcpBackend(vertx, settings, supervisor, AcpAgentSpec.coco()));
    add(all, new CapoBackend(settings, supervisor));
    add(all, new AcpBackend(vertx, settings, supervisor, AcpAgentSpec.gemini()));
    add(all, new AcpBackend(vertx, settings, supervisor, AcpAgentSpec.codexAcp()));
    AcpAgentSpec.extra(settings).forEach(s -> add(all, new AcpBackend(vertx, settings, supervisor, s)));
    return all;
  }

  private static void add(Map<String, AgentBackend> all, AgentBackend backend) {
    all.put(backend.name(), backend);
  }
}
