package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Cluster settings come from POCO_CLUSTER_* and become a JGroups TCP stack that joins through the members")
class ClusterSettingsTest {
  @TempDir Path home;

  @Test
  @DisplayName("defaults: loopback, 7800 and up, no members (the first node), cluster poco")
  void defaults() throws Exception {
    ClusterSettings cs = ClusterSettings.from(new JsonObject());
    assertThat(cs).isEqualTo(new ClusterSettings("127.0.0.1", 7800, false, List.of(), "poco", 5, 0, 5));
    JGroupsStack stack = ClusterNode.stack(cs, ClusterAddresses.resolve(cs, ClusterAddresses.DNS, Duration.ZERO),
        new KnownMembers(home), null);
    assertThat(stack.port()).isEqualTo(7800);
    assertThat(stack.portRange()).isPositive(); // unset: the next free port when 7800 is taken
    assertThat(stack.socketFactory()).isNull(); // plain TCP until the cluster has credentials
  }

  @Test
  @DisplayName("a set port is taken exactly; members are trimmed; the JGroups stack asks them, binds the host,"
      + " and takes the heartbeat and join windows")
  void explicit() {
    ClusterSettings cs = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_HOST", "127.0.0.1")
        .put("POCO_CLUSTER_PORT", "5801").put("POCO_CLUSTER_MEMBERS", " 10.0.0.1:5701, node-b ")
        .put("POCO_CLUSTER_NAME", "team").put("POCO_CLUSTER_BUS_PORT", "5802")
        .put("POCO_CLUSTER_HEARTBEAT_SECONDS", "15"));
    assertThat(cs.exactPort()).isTrue();
    assertThat(cs.busPort()).isEqualTo(5802);
    assertThat(cs.members()).containsExactly("10.0.0.1:5701", "node-b");
    assertThat(cs.memberAddresses()).containsExactly("10.0.0.1:5701", "node-b:5801"); // bare host: our port
    JGroupsStack stack = ClusterNode.stack(cs, resolved(cs, Map.of("127.0.0.1", "127.0.0.1", "10.0.0.1",
        "10.0.0.1", "node-b", "10.0.0.2")), new KnownMembers(home), null);
    assertThat(stack.bind().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(stack.port()).isEqualTo(5801);
    assertThat(stack.portRange()).isZero();
    // exact addresses only, no port range of the peers' machines
    assertThat(stack.initialHosts()).containsExactly(new InetSocketAddress("10.0.0.1", 5701),
        new InetSocketAddress("10.0.0.2", 5801));
    assertThat(stack.heartbeatMs()).isEqualTo(15_000);
    assertThat(stack.joinMs()).isEqualTo(5_000);
  }

  @Test
  @DisplayName("a listed member is a seed and its JGroups address sorts before every other node's, so when nodes start"
      + " together a seed forms the cluster, never a runner that exits when it finds itself alone")
  void seedsSortFirst() {
    JsonObject env = new JsonObject().put("POCO_CLUSTER_HOST", "127.0.0.1").put("POCO_CLUSTER_PORT", "7800")
        .put("POCO_CLUSTER_MEMBERS", "store,orchestrator");
    Map<String, String> dns = Map.of("127.0.0.1", "127.0.0.1", "127.0.0.3", "127.0.0.3", "store", "127.0.0.1",
        "orchestrator", "10.0.0.2");
    ClusterSettings store = ClusterSettings.from(env);
    assertThat(ClusterNode.stack(store, resolved(store, dns), new KnownMembers(home), null).seed()).isTrue();
    ClusterSettings runner = ClusterSettings.from(env.copy().put("POCO_CLUSTER_HOST", "127.0.0.3"));
    assertThat(ClusterNode.stack(runner, resolved(runner, dns), new KnownMembers(home), null).seed()).isFalse();
    for (int i = 0; i < 1000; i++) {
      org.jgroups.util.UUID seed = JGroupsStack.address(true);
      org.jgroups.util.UUID other = JGroupsStack.address(false);
      assertThat(seed.compareTo(other)).isNegative();
      assertThat(seed).isNotEqualTo(JGroupsStack.address(true)); // still random: 127 bits
    }
  }

  @Test
  @DisplayName("the first node joins through the members it saw last (a restart finds the runners still up, on any"
      + " machine) and probes no port range of its own, where the event bus or the HTTP edge may listen")
  void firstNodeJoinsThroughKnownMembers() throws Exception {
    ClusterSettings first = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_PORT", "5701")
        .put("POCO_CLUSTER_BUS_PORT", "5702").put("POCO_HTTP_PORT", "5703"));
    ClusterAddresses addresses = ClusterAddresses.resolve(first, ClusterAddresses.DNS, Duration.ZERO);
    assertThat(ClusterNode.stack(first, addresses, new KnownMembers(home), null).initialHosts()).isEmpty();

    Files.writeString(home.resolve(KnownMembers.FILE),
        "# peers\n127.0.0.1:5701\n10.0.0.2:5701\n\n127.0.0.1:5710\n10.0.0.2:5701\n");
    assertThat(new KnownMembers(home).read()).containsExactly("127.0.0.1:5701", "10.0.0.2:5701", "127.0.0.1:5710");
    assertThat(ClusterNode.stack(first, addresses, new KnownMembers(home), null).initialHosts()).containsExactly(
        new InetSocketAddress("10.0.0.2", 5701), new InetSocketAddress("127.0.0.1", 5710)); // not itself
  }

  @Test
  @DisplayName("host names become addresses: JGroups and the event bus get the address this node binds,"
      + " members their addresses; a node finds itself in the member list (a seed) by address or by name")
  void namesResolve() {
    ClusterSettings cs = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_HOST", "localhost")
        .put("POCO_CLUSTER_PORT", "5801").put("POCO_CLUSTER_MEMBERS", "localhost,127.0.0.1:5802"));
    ClusterAddresses addresses = ClusterAddresses.resolve(cs, ClusterAddresses.DNS, Duration.ofSeconds(1));
    assertThat(addresses.bind()).isEqualTo("127.0.0.1");
    assertThat(addresses.listed("127.0.0.1:5801")).isTrue();
    assertThat(addresses.listed("127.0.0.1:5802")).isTrue();
    assertThat(addresses.listed("127.0.0.1:5803")).isFalse(); // same machine, not a listed port: not a seed
    JGroupsStack stack = ClusterNode.stack(cs, addresses, new KnownMembers(home), null);
    assertThat(stack.bind().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(stack.initialHosts()).containsExactly(new InetSocketAddress("127.0.0.1", 5802));
  }

  @Test
  @DisplayName("a member name that compose's DNS learns late is looked up again until it resolves")
  void lateName() {
    ClusterSettings cs = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_HOST", "127.0.0.1")
        .put("POCO_CLUSTER_MEMBERS", "store"));
    long t0 = System.nanoTime();
    ClusterAddresses.Resolver lateDns = host -> {
      if (System.nanoTime() - t0 < 600_000_000L) throw new UnknownHostException(host);
      return List.of(InetAddress.getByName("127.0.0.7"));
    };
    ClusterAddresses addresses = ClusterAddresses.resolve(cs, lateDns, Duration.ofSeconds(5));
    assertThat(addresses.members()).containsEntry("store:7800", Set.of("127.0.0.7:7800"));
    assertThat(addresses.joinAddresses("127.0.0.1:7800")).containsExactly("127.0.0.7:7800");
  }

  @Test
  @DisplayName("an advertised host that is not an address of this machine, or does not resolve, is refused clearly")
  void hostNotHere() {
    ClusterSettings elsewhere = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_HOST", "192.0.2.1"));
    assertThatThrownBy(() -> ClusterAddresses.resolve(elsewhere, ClusterAddresses.DNS, Duration.ZERO))
        .isInstanceOf(ClusterNode.JoinException.class)
        .hasMessageContaining("POCO_CLUSTER_HOST '192.0.2.1' is 192.0.2.1, which is not an address of this machine");
    ClusterSettings unknown = ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_HOST", "node.invalid"));
    assertThatThrownBy(() -> ClusterAddresses.resolve(unknown, host -> {
      throw new UnknownHostException(host);
    }, Duration.ofMillis(300))).isInstanceOf(ClusterNode.JoinException.class)
        .hasMessageContaining("POCO_CLUSTER_HOST 'node.invalid' does not resolve");
  }

  /** Resolves through a fixed table: names not in it do not resolve. */
  private static ClusterAddresses resolved(ClusterSettings cs, Map<String, String> table) {
    return ClusterAddresses.resolve(cs, host -> {
      if (!table.containsKey(host)) throw new UnknownHostException(host);
      return List.of(InetAddress.getByName(table.get(host)));
    }, Duration.ZERO);
  }

  @Test
  @DisplayName("a port range as member, or a bad port, is a configuration error naming the key")
  void bad() {
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_MEMBERS", "a:5701-5720")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("POCO_CLUSTER_MEMBERS");
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_PORT", "x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("POCO_CLUSTER_PORT");
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_PORT", "70000")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("1-65535");
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_BUS_PORT", "-1")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("POCO_CLUSTER_BUS_PORT must be 0-65535");
    assertThatThrownBy(() -> ClusterSettings.from(new JsonObject().put("POCO_CLUSTER_PORT", "5701")
        .put("POCO_CLUSTER_BUS_PORT", "5701"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("POCO_CLUSTER_BUS_PORT and POCO_CLUSTER_PORT are both 5701");
  }
}
