package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("A node's credentials are checked before it joins, and each problem is named with its exit code")
class ClusterFilesTest {
  static final Instant NOW = Instant.parse("2026-12-07T06:00:00Z");
  static final Duration YEAR = Duration.ofDays(365);
  static final Set<String> RUNNER = Set.of(Poco.AGENT_RUNNER);

  @TempDir Path home;

  private ClusterAuthority.Init init(Instant at, Duration validity) throws Exception {
    return new ClusterAuthority(home).init("core", Set.copyOf(Poco.KNOWN_ROLES), validity, false, at);
  }

  private ClusterTrustException refused(Instant at, Set<String> roles) {
    ClusterTrustException e = catchThrowableOfType(() -> ClusterFiles.load(home, "poco", roles, at),
        ClusterTrustException.class);
    assertThat(e).as("load must refuse").isNotNull();
    assertNoKey(e.getMessage());
    return e;
  }

  private void assertNoKey(String message) {
    assertThat(message).doesNotContain("PRIVATE KEY");
    try {
      for (String f : List.of(ClusterFiles.NODE_KEY, ClusterFiles.CA_KEY)) {
        Path key = ClusterFiles.dir(home).resolve(f);
        if (!Files.exists(key)) continue;
        for (String line : Files.readAllLines(key)) if (!line.startsWith("-----")) assertThat(message).doesNotContain(line);
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private String serial() throws Exception {
    return ClusterFiles.serial(ClusterCa.readCert(Files.readString(ClusterFiles.dir(home).resolve("node.pem"))));
  }

  @Test
  @DisplayName("missing: the exact message, exit 2")
  void missing() {
    ClusterTrustException e = refused(NOW, Set.of());
    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).isEqualTo("Cannot join cluster 'poco': no credentials in " + ClusterFiles.dir(home)
        + " (node.pem). On the first node run 'poco cluster init'; on another machine run 'poco cluster add-node"
        + " <name>' there and start this one with --join <bundle>.");
  }

  @Test
  @DisplayName("valid credentials load; expired and not yet valid are refused with node, serial, date and fix")
  void validity() throws Exception {
    init(NOW.minus(Duration.ofDays(400)), YEAR);
    ClusterTrustException expired = refused(NOW, RUNNER);
    assertThat(expired.exitCode()).isEqualTo(2);
    assertThat(expired.getMessage()).isEqualTo("Cannot join cluster 'poco': this node's certificate (core, serial "
        + serial() + ") expired on 2026-11-02 06:00 UTC. Ask for a new bundle: on the CA machine run 'poco cluster"
        + " add-node core', then start this one with --join <bundle>.");

    assertThat(ClusterFiles.load(home, "poco", RUNNER, NOW.minus(Duration.ofDays(300))).node()).isEqualTo("core");
    ClusterTrustException early = refused(NOW.minus(Duration.ofDays(500)), RUNNER);
    assertThat(early.getMessage()).contains("the cluster's CA certificate (ca.pem, ", "this machine's clock says",
        "Check the clock");
  }

  @Test
  @DisplayName("a certificate from another CA is refused naming this machine's CA fingerprint")
  void foreignCa() throws Exception {
    init(NOW, YEAR);
    ClusterCa.KeyAndCert other = ClusterCa.newCa("x", NOW, YEAR);
    ClusterCa.KeyAndCert stranger = ClusterCa.issue(other, "x", "core", RUNNER, NOW, YEAR);
    Path dir = ClusterFiles.dir(home);
    OwnerOnly.write(dir.resolve("node.pem"), ClusterCa.pem(stranger.cert()));
    OwnerOnly.write(dir.resolve("node.key"), ClusterCa.pem(stranger.key()));
    ClusterTrustException e = refused(NOW, RUNNER);
    assertThat(e.exitCode()).isEqualTo(2);
    String ours = ClusterCa.fingerprint(ClusterCa.readCert(Files.readString(dir.resolve("ca.pem"))));
    assertThat(e.getMessage()).isEqualTo("Cannot join cluster 'poco': this node's certificate (node.pem) is for"
        + " another cluster: this machine's cluster CA (ca.pem, fingerprint " + ours + ") did not sign it. Install"
        + " this node's bundle again: poco start --cluster --join <bundle>.");
  }

  @Test
  @DisplayName("revoked by the CRL it holds: exit 3")
  void revoked() throws Exception {
    init(NOW, YEAR);
    new ClusterAuthority(home).removeNode("core", NOW.plusSeconds(60));
    ClusterTrustException e = refused(NOW.plusSeconds(120), RUNNER);
    assertThat(e.exitCode()).isEqualTo(3);
    assertThat(e.getMessage()).isEqualTo("Cannot join cluster 'poco': this node's certificate (core, serial "
        + serial() + ") was revoked on 2026-12-07 06:01 UTC (crl.pem). Ask for a new bundle: on the CA machine run"
        + " 'poco cluster add-node core', then start this one with --join <bundle>.");
  }

  @Test
  @DisplayName("damaged files are named, never quoted; a key of another certificate is refused")
  void corruptAndMismatched() throws Exception {
    init(NOW, YEAR);
    Path dir = ClusterFiles.dir(home);
    String key = Files.readString(dir.resolve("node.key"));
    String cert = Files.readString(dir.resolve("node.pem"));

    OwnerOnly.write(dir.resolve("node.pem"), cert.substring(0, cert.length() / 2));
    assertThat(refused(NOW, RUNNER).getMessage()).isEqualTo("Cannot join cluster 'poco': " + dir.resolve("node.pem")
        + " (this node's certificate) is damaged: not a PEM certificate. Install this node's bundle again: poco start"
        + " --cluster --join <bundle>.");
    OwnerOnly.write(dir.resolve("node.pem"), cert);

    OwnerOnly.write(dir.resolve("node.key"), key.replace(key.substring(40, 60), "AAAAAAAAAAAAAAAAAAAA"));
    ClusterTrustException badKey = refused(NOW, RUNNER);
    assertThat(badKey.exitCode()).isEqualTo(2);
    assertThat(badKey.getMessage()).contains(dir.resolve("node.key") + " (this node's private key) is damaged");

    OwnerOnly.write(dir.resolve("crl.pem"), "garbage\n");
    OwnerOnly.write(dir.resolve("node.key"), key);
    assertThat(refused(NOW, RUNNER).getMessage()).contains(dir.resolve("crl.pem") + " (the revocation list) is damaged");
    Files.delete(dir.resolve("crl.pem")); // none: nothing revoked yet
    assertThat(ClusterFiles.load(home, "poco", RUNNER, NOW).crl()).isNull();

    ClusterCa.KeyAndCert ca = new ClusterCa.KeyAndCert(ClusterCa.readKey(Files.readString(dir.resolve("ca.key"))),
        ClusterCa.readCert(Files.readString(dir.resolve("ca.pem"))));
    ClusterCa.KeyAndCert another = ClusterCa.issue(ca, ClusterIdentity.of(ca.cert()).cluster(), "core", RUNNER, NOW, YEAR);
    OwnerOnly.write(dir.resolve("node.key"), ClusterCa.pem(another.key()));
    ClusterTrustException mismatch = refused(NOW, RUNNER);
    assertThat(mismatch.getMessage()).isEqualTo("Cannot join cluster 'poco': the private key (node.key) does not belong"
        + " to this node's certificate (node.pem, node core). Install this node's bundle again: poco start --cluster"
        + " --join <bundle>.");
  }

  @Test
  @DisplayName("roles beyond the certificate's are refused, naming both")
  void roles() throws Exception {
    new ClusterAuthority(home).init("runner-a", RUNNER, YEAR, false, NOW);
    ClusterTrustException e = refused(NOW, Set.of(Poco.STORE, Poco.AGENT_RUNNER));
    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).startsWith("Cannot join cluster 'poco': this node's certificate allows roles"
        + " [agent-runner]; it was asked to run [").contains("Start it with --only agent-runner");
  }

  @Test
  @DisplayName("plain mode: allowed without credentials on loopback or with POCO_CLUSTER_INSECURE=1, else refused;"
      + " credentials, when present, are always used")
  void plainModeRule() throws Exception {
    JsonObject loop = new JsonObject();
    JsonObject lan = new JsonObject().put(ConfigKeys.CLUSTER_HOST, "10.0.0.5");
    assertThat(ClusterTrust.forStart(home, loop, RUNNER, NOW)).isNull();
    assertThat(ClusterTrust.forStart(home, lan.copy().put(ConfigKeys.CLUSTER_INSECURE, "1"), RUNNER, NOW)).isNull();
    ClusterTrustException e = catchThrowableOfType(() -> ClusterTrust.forStart(home, lan, RUNNER, NOW),
        ClusterTrustException.class);
    assertThat(e.exitCode()).isEqualTo(2);
    assertThat(e.getMessage()).contains("no credentials in", "poco cluster init",
        "Plain (unauthenticated, unencrypted) clustering on 10.0.0.5 is refused", "POCO_CLUSTER_INSECURE=1");
    assertThat(catchThrowableOfType(() -> ClusterTrust.forStart(home, lan.copy().put(ConfigKeys.CLUSTER_INSECURE,
        "maybe"), RUNNER, NOW), ConfigException.class)).hasMessageContaining("POCO_CLUSTER_INSECURE must be 1 or 0");

    for (String h : List.of("127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]")) {
      assertThat(ClusterTrust.loopback(h)).as(h).isTrue();
    }
    for (String h : List.of("10.0.0.5", "@hostname", "store", "0.0.0.0", "fe80::1")) {
      assertThat(ClusterTrust.loopback(h)).as(h).isFalse();
    }

    init(NOW, YEAR);
    assertThat(ClusterTrust.forStart(home, loop, RUNNER, NOW).node()).isEqualTo("core");
    new ClusterAuthority(home).removeNode("core", NOW);
    assertThat(catchThrowableOfType(() -> ClusterTrust.forStart(home, loop, RUNNER, NOW.plusSeconds(1)),
        ClusterTrustException.class).exitCode()).isEqualTo(3);
  }
}
