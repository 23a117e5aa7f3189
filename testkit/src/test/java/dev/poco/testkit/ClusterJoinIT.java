package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("A node that cannot join the cluster says why and exits non-zero instead of running alone")
class ClusterJoinIT {
  @TempDir Path dir;
  final String cluster = "join-" + UUID.randomUUID();

  @Test
  @DisplayName("listed members that do not answer: a clear message, exit 1")
  void noMemberAnswers() {
    String nobody = "127.0.0.1:" + Ports.free();
    Map<String, String> env = Map.of("POCO_CLUSTER_NAME", cluster, "POCO_CLUSTER_PORT", String.valueOf(Ports.free()),
        "POCO_CLUSTER_MEMBERS", nobody, "POCO_AGENT_BACKEND", "stub");
    ClusterCredentialsKit trust = ClusterCredentialsKit.init(dir.resolve("ca"), "ca", env);
    long t0 = System.nanoTime();
    ClusterNode node = ClusterNode.launch(dir.resolve("r"), "agent-runner", env,
        trust.joinArgs(dir.resolve("r"), "r", "agent-runner"));
    assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    System.out.printf("gave up after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    assertThat(node.output()).contains("no member answered within 5 s", nobody, "Not starting alone")
        .doesNotContain(ClusterNode.UP_LINE);
  }

  @Test
  @DisplayName("every node carries the same member list (as in docker-compose.yml): a listed node may start first,"
      + " in either order, and the others join it; a node not listed still refuses to start alone. First order with"
      + " credentials, second order plain (no credentials, loopback): the one plain-mode cluster test")
  void seedMayStartFirst() {
    int a = Ports.free();
    int b = Ports.free();
    String members = "localhost:" + a + ",127.0.0.1:" + b; // a name and an address, as a user may write them
    ClusterCredentialsKit trust = null;
    for (boolean aFirst : new boolean[] {true, false}) {
      boolean trusted = aFirst; // the second round runs plain: plain mode on loopback stays covered
      String name = cluster + (aFirst ? "-a" : "-b");
      Map<String, String> nodeA = seedEnv(name, a, members);
      Map<String, String> nodeB = seedEnv(name, b, members);
      Path firstHome = dir.resolve(name + "-1");
      Path secondHome = dir.resolve(name + "-2");
      String[] join = {};
      if (trusted) {
        trust = ClusterCredentialsKit.init(firstHome, "first", nodeA);
        join = trust.joinArgs(secondHome, "second", "agent-runner");
      }
      ClusterNode first = ClusterNode.start(firstHome, aFirst ? "store,orchestrator" : "agent-runner",
          aFirst ? nodeA : nodeB);
      assertThat(first.output()).contains("alone so far (a listed member, so it may start first)");
      ClusterNode second = ClusterNode.start(secondHome, aFirst ? "agent-runner" : "store,orchestrator",
          aFirst ? nodeB : nodeA, join);
      assertThat(second.output()).contains(", 2 nodes");
      second.kill();
      first.kill();
    }
    ClusterNode stranger = ClusterNode.launch(dir.resolve("stranger"), "agent-runner",
        seedEnv(cluster + "-c", Ports.free(), members), trust.joinArgs(dir.resolve("stranger"), "stranger",
        "agent-runner"));
    assertThat(stranger.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
    assertThat(stranger.output()).contains("no member answered", "is not one of them", "Not starting alone");
  }

  private static Map<String, String> seedEnv(String cluster, int port, String members) {
    return Map.of("POCO_CLUSTER_NAME", cluster, "POCO_CLUSTER_PORT", String.valueOf(port),
        "POCO_CLUSTER_MEMBERS", members, "POCO_AGENT_BACKEND", "stub", "POCO_CLUSTER_JOIN_SECONDS", "2");
  }

  @Test
  @DisplayName("the cluster port already taken: a clear message, exit 1")
  void portTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Map<String, String> env = Map.of("POCO_CLUSTER_NAME", cluster, "POCO_CLUSTER_PORT",
          String.valueOf(taken.getLocalPort()));
      ClusterCredentialsKit.init(dir.resolve("a"), "a", env);
      ClusterNode node = ClusterNode.launch(dir.resolve("a"), "store,orchestrator", env);
      assertThat(node.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(node.output()).contains("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use",
          "POCO_CLUSTER_PORT").doesNotContain(ClusterNode.UP_LINE);
    }
  }

  @Test
  @DisplayName("a member written as a port range, or an unknown role: a usage error, exit 2")
  void badSettings() {
    ClusterNode range = ClusterNode.launch(dir.resolve("b"), "agent-runner", Map.of("POCO_CLUSTER_NAME", cluster,
        "POCO_CLUSTER_MEMBERS", "127.0.0.1:5701-5720"));
    assertThat(range.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(range.output()).contains("POCO_CLUSTER_MEMBERS: '127.0.0.1:5701-5720' is not host or host:port");

    ClusterNode role = ClusterNode.launch(dir.resolve("c"), "agent-runner,gatewayz", Map.of("POCO_CLUSTER_NAME",
        cluster));
    assertThat(role.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(role.output()).contains("--only: unknown role(s) [gatewayz]");
  }
}
