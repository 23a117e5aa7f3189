package dev.poco.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("In a trusted cluster each contract address is served only by the role its certificate names")
class ServingRulesTest {
  static final Set<String> ALL = Set.of(Roles.STORE, Roles.AGENT_RUNNER, Roles.ORCHESTRATOR, Roles.DEMO_API,
      Roles.GATEWAY_FEISHU, Roles.GATEWAY_SLACK);

  static boolean serves(String address, String role) {
    return ServingRules.mayServe(address, Set.of(role), "runner-a", "node-1");
  }

  @Test
  @DisplayName("every constant address of the contract is served by some role, and a runner-only node serves none of "
      + "the store's, orchestrator's or gateways'")
  void everyAddressHasItsRole() throws Exception {
    List<String> constants = new ArrayList<>();
    for (Field f : Addresses.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !f.getName().endsWith("PREFIX")) {
        constants.add((String) f.get(null));
      }
    }
    for (StoreOp op : StoreOp.values()) constants.add(op.address());
    assertThat(constants).hasSizeGreaterThan(15);
    for (String a : constants) {
      assertThat(ALL.stream().anyMatch(r -> serves(a, r))).as(a).isTrue();
      if (!a.equals(Addresses.RUNNER_DISCOVER) && !a.equals(Addresses.CONFIG_CHANGED)
          && !a.equals(Addresses.CLUSTER_CRL)) {
        assertThat(serves(a, Roles.AGENT_RUNNER)).as(a).isFalse();
      }
    }
    assertThat(serves(StoreOp.values()[0].address(), Roles.STORE)).isTrue();
    assertThat(serves(Addresses.ORCHESTRATOR_INBOUND, Roles.ORCHESTRATOR)).isTrue();
    assertThat(serves(Addresses.ORCHESTRATOR_INBOUND, Roles.DEMO_API)).isFalse();
    assertThat(serves(Addresses.RUNNER_HEARTBEAT, Roles.ORCHESTRATOR)).isTrue();
  }

  @Test
  @DisplayName("a runner serves only its own runner id; gateways only their platform; a node only its own node info")
  void namesAndPlatforms() {
    assertThat(serves(Addresses.runnerStart("runner-a"), Roles.AGENT_RUNNER)).isTrue();
    assertThat(serves(Addresses.runnerControl("runner-a"), Roles.AGENT_RUNNER)).isTrue();
    assertThat(serves(Addresses.runnerFs("runner-a"), Roles.AGENT_RUNNER)).isTrue();
    assertThat(serves(Addresses.runnerStart("runner-b"), Roles.AGENT_RUNNER)).isFalse();
    assertThat(serves(Addresses.runnerStart("runner-a.c0ffee"), Roles.AGENT_RUNNER)).isTrue();
    assertThat(serves(Addresses.runnerStart("runner-ab"), Roles.AGENT_RUNNER)).isFalse();
    assertThat(serves(Addresses.runnerStart("runner-a"), Roles.ORCHESTRATOR)).isFalse();
    assertThat(serves(Addresses.gatewayRender(Platforms.SLACK), Roles.GATEWAY_SLACK)).isTrue();
    assertThat(serves(Addresses.gatewayInstanceRender(Platforms.SLACK, "g1"), Roles.GATEWAY_SLACK)).isTrue();
    assertThat(serves(Addresses.gatewayWebhook(Platforms.SLACK), Roles.GATEWAY_FEISHU)).isFalse();
    assertThat(serves(Addresses.gatewayChat(Platforms.FEISHU), Roles.GATEWAY_FEISHU)).isTrue();
    assertThat(serves(Addresses.nodeInfo("node-1"), Roles.AGENT_RUNNER)).isTrue();
    assertThat(serves(Addresses.nodeInfo("node-2"), Roles.STORE)).isFalse();
    assertThat(serves("poco.something.new", Roles.ORCHESTRATOR)).isFalse();
    assertThat(serves("bench.ping", Roles.AGENT_RUNNER)).isTrue();
  }
}
