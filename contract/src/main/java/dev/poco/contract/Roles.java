package dev.poco.contract;

/** The roles a node can run; a trusted cluster's certificates name them (see {@link ServingRules}). */
public final class Roles {
  public static final String STORE = "store";
  public static final String AGENT_RUNNER = "agent-runner";
  public static final String ORCHESTRATOR = "orchestrator";
  public static final String DEMO_API = "demo-api";
  public static final String GATEWAY_FEISHU = "gateway-feishu";
  public static final String GATEWAY_SLACK = "gateway-slack";

  private Roles() {}

  /** The role that serves a platform's gateway addresses. */
  public static String gateway(String platform) { return "gateway-" + platform; }
}
