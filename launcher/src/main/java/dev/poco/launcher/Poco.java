package dev.poco.launcher;

import dev.poco.contract.Roles;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Deploys PoCo's roles into one Vertx: the whole system (embedded) or the roles of one cluster node. */
public final class Poco {
  private static final Logger log = LoggerFactory.getLogger(Poco.class);

  public static final String STORE = Roles.STORE;
  public static final String AGENT_RUNNER = Roles.AGENT_RUNNER;
  public static final String ORCHESTRATOR = Roles.ORCHESTRATOR;
  public static final String DEMO_API = Roles.DEMO_API;
  public static final String GATEWAY_FEISHU = Roles.GATEWAY_FEISHU;
  public static final String GATEWAY_SLACK = Roles.GATEWAY_SLACK;

  /**
   * Every role PoCo knows, in deployment order: the store before anyone asks it, runners before the
   * orchestrator discovers them, gateways before the edge forwards webhooks to them, the edge last.
   */
  private static final Map<String, String> KNOWN_CLASSES = roleClasses();
  public static final Set<String> KNOWN_ROLES = Collections.unmodifiableSet(KNOWN_CLASSES.keySet());
  /** The roles whose module is in this build (the chat gateways come in a later release). */
  static final Map<String, String> ROLE_CLASSES = built(KNOWN_CLASSES);
  public static final Set<String> ALL_ROLES = Collections.unmodifiableSet(ROLE_CLASSES.keySet());

  private Poco() {}

  private static Map<String, String> roleClasses() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(STORE, "dev.poco.store.StoreVerticle");
    m.put(AGENT_RUNNER, "dev.poco.agentrunner.RunnerVerticle");
    m.put(ORCHESTRATOR, "dev.poco.orchestrator.OrchestratorVerticle");
    m.put(GATEWAY_FEISHU, "dev.poco.gateway.feishu.FeishuGatewayVerticle");
    m.put(GATEWAY_SLACK, "dev.poco.gateway.slack.SlackGatewayVerticle");
    m.put(DEMO_API, "dev.poco.demoapi.DemoApiVerticle");
    return Collections.unmodifiableMap(m);
  }

  private static Map<String, String> built(Map<String, String> known) {
    Map<String, String> m = new LinkedHashMap<>();
    known.forEach((role, cls) -> { if (onClasspath(cls)) m.put(role, cls); });
    return Collections.unmodifiableMap(m);
  }

  private static boolean onClasspath(String className) {
    // Only looks the class up: loading a verticle's dependencies here would slow every start.
    return Poco.class.getClassLoader().getResource(className.replace('.', '/') + ".class") != null;
  }

  /** Deploys every role. */
  public static Future<List<String>> deploy(Vertx vertx, JsonObject config) {
    return deploy(vertx, config, ALL_ROLES);
  }

  /**
   * Deploys {@code roles} in PoCo's order and completes with the deployment ids. On a failure it undeploys what it
   * deployed and fails with the reason.
   */
  public static Future<List<String>> deploy(Vertx vertx, JsonObject config, Set<String> roles) {
    return deploy(vertx, config, roles, ROLE_CLASSES);
  }

  static Future<List<String>> deploy(Vertx vertx, JsonObject config, Set<String> roles, Map<String, String> classes) {
    Set<String> unknown = new LinkedHashSet<>(roles);
    unknown.removeAll(classes.keySet());
    if (!unknown.isEmpty()) {
      return Future.failedFuture(unknownRoles(unknown, classes.keySet()));
    }
    List<String> ids = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Map.Entry<String, String> role : classes.entrySet()) {
      if (!roles.contains(role.getKey())) continue;
      chain = chain.compose(v -> deployOne(vertx, config, role.getKey(), role.getValue()).map(id -> {
        ids.add(id);
        return null;
      }));
    }
    return chain.map(v -> List.copyOf(ids)).recover(err -> rollback(vertx, ids).transform(x -> Future.failedFuture(err)));
  }

  private static Future<String> deployOne(Vertx vertx, JsonObject config, String role, String className) {
    long t0 = System.nanoTime();
    return vertx.deployVerticle(className, new DeploymentOptions().setConfig(config))
        .onSuccess(id -> log.debug("{} deployed in {} ms", role, (System.nanoTime() - t0) / 1_000_000))
        .recover(err -> Future.failedFuture(new DeployException(role, err)));
  }

  private static Future<Void> rollback(Vertx vertx, List<String> ids) {
    List<String> reversed = new ArrayList<>(ids);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id).otherwiseEmpty());
    }
    return chain;
  }

  /** Parses "store,orchestrator" (commas or spaces) into a set of roles this build can run. */
  public static Set<String> parseRoles(String list) {
    Set<String> roles = new LinkedHashSet<>();
    Arrays.stream(list.split("[,\\s]+")).filter(s -> !s.isBlank()).forEach(roles::add);
    Set<String> unknown = new LinkedHashSet<>(roles);
    unknown.removeAll(KNOWN_ROLES);
    if (!unknown.isEmpty()) throw unknownRoles(unknown, KNOWN_ROLES);
    Set<String> missing = new LinkedHashSet<>(roles);
    missing.removeAll(ALL_ROLES);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("role(s) " + missing + " are not in this build (the chat gateways come in a"
          + " later release); this build runs " + ALL_ROLES);
    }
    return roles;
  }

  private static IllegalArgumentException unknownRoles(Set<String> unknown, Set<String> known) {
    return new IllegalArgumentException("unknown role(s) " + unknown + ", expected some of " + known);
  }

  /** A role that failed to deploy; the message names it and the cause. */
  public static final class DeployException extends RuntimeException {
    private final String role;

    DeployException(String role, Throwable cause) {
      super(role + " failed to start: " + describe(cause), cause);
      this.role = role;
    }

    public String role() { return role; }

    private static String describe(Throwable t) {
      if (t instanceof ClassNotFoundException) return "class " + t.getMessage() + " is not on the classpath";
      return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
  }
}
