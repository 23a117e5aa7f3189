package dev.poco.launcher;

import java.util.LinkedHashMap;
import java.util.Map;

/** A child-JVM server for the process-management tests: the real foreground lifecycle around stand-in roles. */
public final class FakeServerMain {
  private FakeServerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> roles = new LinkedHashMap<>();
    roles.put(Poco.STORE, IdleVerticle.class.getName());
    roles.put(Poco.AGENT_RUNNER, IdleVerticle.class.getName());
    roles.put(Poco.ORCHESTRATOR, IdleVerticle.class.getName());
    roles.put(Poco.DEMO_API, FakeEdgeVerticle.class.getName());
    // Every role this build has: the gateways too, idle here.
    for (String r : Poco.ALL_ROLES) roles.putIfAbsent(r, IdleVerticle.class.getName());
    System.exit(Server.run(Cli.system(), Poco.ALL_ROLES, roles));
  }
}
