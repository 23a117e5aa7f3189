package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("poco cluster init / add-node / remove-node / list, and start --cluster --join")
class ClusterCommandTest {
  @TempDir Path tmp;
  /** Every line the CLI printed in a test: none may hold key material. */
  private final List<String> printed = new ArrayList<>();

  private Path home(String name) { return tmp.resolve(name); }

  private Map<String, String> env(String home, String... more) {
    Map<String, String> env = new HashMap<>(Map.of(ConfigKeys.HOME, home(home).toString()));
    for (int i = 0; i < more.length; i += 2) env.put(more[i], more[i + 1]);
    return env;
  }

  private Clis.Result poco(String home, String stdin, String... args) {
    Clis.Result r = Clis.poco(env(home), stdin, args);
    printed.add(r.all());
    return r;
  }

  private Clis.Result pocoEnv(Map<String, String> env, String... args) {
    Clis.Result r = Clis.poco(env, "", args);
    printed.add(r.all());
    return r;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private Path cluster(String home) { return ClusterFiles.dir(home(home)); }

  private Path init(String home, String name) {
    Clis.Result r = poco(home, "", "cluster", "init", "--name", name);
    assertThat(r.code()).as(r.all()).isZero();
    return cluster(home);
  }

  /** No private key, nor any of its base64 lines, ever reaches the terminal: every key file and bundle made. */
  @AfterEach
  void noKeyPrinted() throws Exception {
    String all = String.join("\n", printed);
    assertThat(all).doesNotContain("PRIVATE KEY");
    List<String> keys = new ArrayList<>();
    try (var files = Files.walk(tmp)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".key")) keys.add(Files.readString(f));
        if (name.endsWith(".join")) keys.add(new JsonObject(Files.readString(f)).getString("key"));
      }
    }
    for (String key : keys) {
      for (String line : key.split("\n")) {
        if (!line.startsWith("-----")) {
          for (int i = 0; i + 16 <= line.length(); i += 8) assertThat(all).doesNotContain(line.substring(i, i + 16));
        }
      }
    }
  }

  @Test
  @DisplayName("init makes the CA and this node's credentials owner-only, for every role; a second init refuses")
  void initOwnerOnly() throws Exception {
    Clis.Result r = poco("a", "", "cluster", "init", "--name", "core");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).contains("Made cluster ", "This node: core", "poco start --cluster",
        "poco cluster add-node <name>");
    Path dir = cluster("a");
    assertThat(mode(dir)).isEqualTo("rwx------");
    for (String f : List.of("ca.pem", "ca.key", "node.pem", "node.key", "crl.pem", "nodes.json")) {
      assertThat(mode(dir.resolve(f))).as(f).isEqualTo("rw-------");
    }
    ClusterCredentials c = ClusterFiles.load(home("a"), Instant.now());
    assertThat(c.node()).isEqualTo("core");
    assertThat(c.roles()).containsExactlyInAnyOrderElementsOf(Poco.KNOWN_ROLES);
    assertThat(ClusterCa.crlNumber(c.crl())).isEqualTo(1);
    assertThat(c.crl().getRevokedCertificates()).isNull();

    String caBefore = Files.readString(dir.resolve("ca.pem"));
    Clis.Result again = poco("a", "", "cluster", "init", "--name", "core");
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err()).contains("already holds a cluster CA", "--force");
    assertThat(Files.readString(dir.resolve("ca.pem"))).isEqualTo(caBefore);

    Clis.Result forced = poco("a", "", "cluster", "init", "--name", "core", "--force");
    assertThat(forced.code()).as(forced.all()).isZero();
    assertThat(Files.readString(dir.resolve("ca.pem"))).isNotEqualTo(caBefore);
  }

  @Test
  @DisplayName("init names the node after the host, sanitized; refuses a bad name and an unknown role")
  void initDefaultsAndRefusals() {
    assertThat(ClusterCommand.sanitize("Build_Box.lan")).isEqualTo("build-box");
    assertThat(ClusterCommand.sanitize("--x")).isEqualTo("x");
    Clis.Result r = pocoEnv(env("a", "HOSTNAME", "My_Laptop.local"), "cluster", "init", "--roles", "store");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(ClusterFiles.load(home("a"), Instant.now()).identity())
        .isEqualTo(new ClusterIdentity("my-laptop", ClusterFiles.load(home("a"), Instant.now()).cluster(),
            Set.of("store")));

    assertThat(poco("b", "", "cluster", "init", "--name", "Bad/Name").err()).contains("cannot name a node");
    Clis.Result role = poco("b", "", "cluster", "init", "--name", "ok", "--roles", "store,wizard");
    assertThat(role.code()).isEqualTo(2);
    assertThat(role.err()).contains("unknown role(s) [wizard]");
    assertThat(Files.exists(cluster("b"))).isFalse();
  }

  @Test
  @DisplayName("add-node writes one owner-only bundle; its token round trips to the same credentials")
  void addNodeBundleAndToken() throws Exception {
    init("a", "core");
    Clis.Result r = pocoEnv(env("a", ConfigKeys.CLUSTER_MEMBERS, "10.0.0.1:5701"), "cluster", "add-node", "runner-b");

    assertThat(r.code()).as(r.all()).isZero();
    Path bundle = cluster("a").resolve("bundles/runner-b.join");
    assertThat(r.out()).contains("Issued node runner-b, roles [agent-runner]", "Wrote " + bundle,
        "poco start --cluster --join runner-b.join");
    assertThat(mode(bundle)).isEqualTo("rw-------");
    assertThat(mode(bundle.getParent())).isEqualTo("rwx------");
    JsonObject json = new JsonObject(Files.readString(bundle));
    assertThat(json.fieldNames()).contains("v", "cluster", "name", "roles", "ca", "cert", "key", "crl", "seeds");
    assertThat(json.getJsonArray("seeds").getList()).containsExactly("10.0.0.1:5701");

    JoinBundle fromFile = JoinBundle.parse(Files.readString(bundle));
    String token = fromFile.token();
    assertThat(token).startsWith("pocojoin1.").doesNotContain("\n");
    assertThat(token.length()).isLessThan(2600);
    JoinBundle back = JoinBundle.parse(token.substring(0, 100) + "\n  " + token.substring(100) + "\n");
    ClusterCredentials a = fromFile.credentials();
    ClusterCredentials b = back.credentials();
    assertThat(b.ca()).isEqualTo(a.ca());
    assertThat(b.cert()).isEqualTo(a.cert());
    assertThat(b.key().getEncoded()).isEqualTo(a.key().getEncoded());
    assertThat(b.crl()).isEqualTo(a.crl());
    assertThat(back.seeds()).isEqualTo(fromFile.seeds());
    assertThat(a.toString()).doesNotContain(a.keyPem());

    Clis.Result t = poco("a", "", "cluster", "add-node", "runner-c", "--roles", "agent-runner,gateway-slack",
        "--token");
    assertThat(t.code()).as(t.all()).isZero();
    assertThat(t.out().strip()).startsWith("pocojoin1.").doesNotContain("\n");
    assertThat(t.err()).contains("Issued node runner-c", "--join -");
    assertThat(JoinBundle.parse(t.out()).credentials().roles()).containsExactlyInAnyOrder("agent-runner",
        "gateway-slack");
    System.out.println("join token: " + t.out().strip().length() + " chars; bundle file: " + Files.size(bundle)
        + " bytes");
  }

  @Test
  @DisplayName("add-node refuses a name issued and live, a bad name, an unknown role, and a machine without the CA")
  void addNodeRefusals() {
    init("a", "core");
    assertThat(poco("a", "", "cluster", "add-node", "runner-b").code()).isZero();

    Clis.Result twice = poco("a", "", "cluster", "add-node", "runner-b");
    assertThat(twice.code()).isEqualTo(2);
    assertThat(twice.err()).contains("Node runner-b already has a certificate", "remove-node runner-b", "--force");
    assertThat(poco("a", "", "cluster", "add-node", "runner-b", "--force").code()).isZero();
    assertThat(poco("a", "", "cluster", "add-node", "Runner B").err()).contains("cannot name a node");
    assertThat(poco("a", "", "cluster", "add-node", "x", "--roles", "root").err())
        .contains("unknown role(s) [root]");
    Clis.Result noCa = poco("elsewhere", "", "cluster", "add-node", "x");
    assertThat(noCa.code()).isEqualTo(2);
    assertThat(noCa.err()).contains("holds no cluster CA", "poco cluster init");
  }

  @Test
  @DisplayName("remove-node revokes in a new, higher-numbered CRL; list shows it; the name may be issued again")
  void removeNodeAndList() throws Exception {
    Path dir = init("a", "core");
    poco("a", "", "cluster", "add-node", "runner-b");
    ClusterCredentials b = JoinBundle.parse(Files.readString(dir.resolve("bundles/runner-b.join"))).credentials();

    Clis.Result r = poco("a", "", "cluster", "remove-node", "runner-b");
    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out().strip()).isEqualTo("Revoked runner-b (serial " + ClusterFiles.serial(b.cert()) + ")");
    var crl = ClusterCa.readCrl(Files.readString(dir.resolve("crl.pem")));
    crl.verify(b.ca().getPublicKey());
    assertThat(ClusterCa.crlNumber(crl)).isEqualTo(2);
    assertThat(crl.isRevoked(b.cert())).isTrue();
    assertThat(mode(dir.resolve("crl.pem"))).isEqualTo("rw-------");

    assertThat(poco("a", "", "cluster", "remove-node", "runner-b").out()).contains("already revoked");
    assertThat(poco("a", "", "cluster", "remove-node", "nobody").err()).contains("No node named nobody");

    Clis.Result list = poco("a", "", "cluster", "list");
    assertThat(list.code()).isZero();
    assertThat(list.out()).contains("2 certificates").containsPattern("core +[a-z,-]+  serial [0-9a-f]+  valid until")
        .containsPattern("runner-b  agent-runner  serial [0-9a-f]+  revoked ");
    assertThat(poco("a", "", "cluster", "add-node", "runner-b").code()).isZero();
  }

  @Test
  @DisplayName("--join installs a bundle from a file, stdin or a token (with a warning), owner-only; the start then"
      + " checks the roles it was asked for")
  void joinInstalls() throws Exception {
    Path ca = init("a", "core");
    poco("a", "", "cluster", "add-node", "runner-b");
    String token = poco("a", "", "cluster", "add-node", "runner-c", "--token").out().strip();
    String json = Files.readString(ca.resolve("bundles/runner-b.join"));

    for (String how : List.of("file", "stdin", "token")) {
      String home = "join-" + how;
      String arg = how.equals("file") ? ca.resolve("bundles/runner-b.join").toString()
          : how.equals("stdin") ? "-" : token;
      Clis.Result r = poco(home, how.equals("stdin") ? json : "", "start", "--cluster", "--only", "store",
          "--join", arg);
      assertThat(r.out()).as(how).contains("Installed the credentials of node runner-");
      assertThat(r.code()).as(how + ": " + r.all()).isEqualTo(2);
      assertThat(r.err()).as(how).contains("this node's certificate allows roles [agent-runner]; it was asked to run"
          + " [store]");
      if (how.equals("token")) assertThat(r.err()).contains("Warning: a token given on the command line");
      else assertThat(r.err()).doesNotContain("Warning");
      Path dir = cluster(home);
      assertThat(mode(dir)).isEqualTo("rwx------");
      for (String f : List.of("ca.pem", "node.pem", "node.key", "crl.pem")) {
        assertThat(mode(dir.resolve(f))).as(how + " " + f).isEqualTo("rw-------");
      }
      assertThat(Files.exists(dir.resolve("ca.key"))).isFalse();
      assertThat(ClusterFiles.load(home(home), Instant.now()).node())
          .isEqualTo(how.equals("token") ? "runner-c" : "runner-b");
    }
  }

  @Test
  @DisplayName("--join refuses a bundle of another cluster, and one that is not a bundle")
  void joinRefusesForeign() throws Exception {
    init("a", "core");
    init("other", "core2");
    String foreign = poco("other", "", "cluster", "add-node", "runner-x", "--token").out().strip();

    Clis.Result r = poco("a", "", "start", "--cluster", "--join", "-", "--only", "agent-runner");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("not a usable join bundle");

    Clis.Result f = poco("a", foreign, "start", "--cluster", "--join", "-");
    assertThat(f.code()).isEqualTo(2);
    String theirs = ClusterCa.fingerprint(ClusterFiles.load(home("other"), Instant.now()).ca());
    String ours = ClusterCa.fingerprint(ClusterFiles.load(home("a"), Instant.now()).ca());
    assertThat(f.err()).contains("Cannot join cluster 'poco': the bundle is for another cluster (CA fingerprint "
        + theirs, "this machine has " + ours, "holds its cluster's CA");
    assertThat(ClusterFiles.load(home("a"), Instant.now()).node()).isEqualTo("core");
    Clis.Result cut = poco("b", "", "start", "--cluster", "--join", foreign.substring(0, foreign.length() - 40));
    assertThat(cut.err()).contains("cut or altered");
    Clis.Result none = poco("b", "", "start", "--cluster", "--join", tmp.resolve("nope.join").toString());
    assertThat(none.code()).isEqualTo(2);
    assertThat(none.err()).contains("--join: cannot read the bundle " + tmp.resolve("nope.join") + " (no such file)");
    assertThat(poco("b", "", "start", "--join", "-").err()).contains("--join needs --cluster");
  }

  @Test
  @DisplayName("a revoked node's start exits 3, naming node, serial and date")
  void revokedExits3() throws Exception {
    Path ca = init("a", "core");
    poco("a", "", "cluster", "add-node", "runner-b");
    poco("b", "", "start", "--cluster", "--only", "store", "--join", ca.resolve("bundles/runner-b.join").toString());
    poco("a", "", "cluster", "remove-node", "runner-b");
    Files.copy(ca.resolve("crl.pem"), cluster("b").resolve("crl.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    Clis.Result r = poco("b", "", "start", "--cluster");
    assertThat(r.code()).as(r.all()).isEqualTo(3);
    String serial = ClusterFiles.serial(ClusterCa.readCert(Files.readString(cluster("b").resolve("node.pem"))));
    assertThat(r.err()).contains("Cannot join cluster 'poco': this node's certificate (runner-b, serial " + serial
        + ") was revoked on ", "poco cluster add-node runner-b");
  }

  @Test
  @DisplayName("bundles makes a CA that runs no node and one owner-only bundle per node, each in its own directory;"
      + " each installs with --join and allows only its roles")
  void bundlesFirstRun() throws Exception {
    Path out = tmp.resolve("bundles");
    Clis.Result r = pocoEnv(env("ca", ConfigKeys.CLUSTER_MEMBERS, "store,orchestrator"), "cluster", "bundles",
        out.toString(), "store:store", "runners:agent-runner", "edge:demo-api,gateway-slack");

    assertThat(r.code()).as(r.all()).isZero();
    assertThat(r.out()).startsWith("Made cluster ").contains("issued " + out.resolve("store/store.join"),
        "issued " + out.resolve("runners/runners.join") + ": runners, roles [agent-runner]");
    Path ca = cluster("ca");
    assertThat(Files.exists(ca.resolve("ca.key"))).isTrue();
    assertThat(Files.exists(ca.resolve("node.pem"))).as("the CA's machine runs no node").isFalse();
    assertThat(mode(ca.resolve("ca.key"))).isEqualTo("rw-------");
    for (String name : List.of("store", "runners", "edge")) {
      Path file = out.resolve(name).resolve(name + ".join");
      assertThat(mode(file)).as(name).isEqualTo("rw-------");
      assertThat(mode(file.getParent())).as(name).isEqualTo("rwx------");
      assertThat(Files.list(file.getParent()).toList()).as("a node's directory holds its bundle only")
          .containsExactly(file);
      JoinBundle b = JoinBundle.parse(Files.readString(file));
      assertThat(b.credentials().node()).isEqualTo(name);
      assertThat(b.seeds()).containsExactly("store", "orchestrator");
    }
    Path runners = out.resolve("runners/runners.join");
    Clis.Result join = poco("runner-home", "", "start", "--cluster", "--only", "store", "--join", runners.toString());
    assertThat(join.out()).contains("Installed the credentials of node runners");
    assertThat(join.err()).contains("this node's certificate allows roles [agent-runner]; it was asked to run [store]");
    assertThat(Files.exists(cluster("runner-home").resolve("ca.key"))).isFalse();
    assertThat(poco("ca", "", "cluster", "list").out()).contains("3 certificates");
  }

  @Test
  @DisplayName("bundles run again keeps the CA and every usable bundle byte for byte; a missing, damaged or"
      + " re-roled one is issued anew and the name's old certificate revoked")
  void bundlesIdempotent() throws Exception {
    Path out = tmp.resolve("bundles");
    String[] args = {"cluster", "bundles", out.toString(), "store:store", "orchestrator:orchestrator",
        "runners:agent-runner"};
    assertThat(poco("ca", "", args).code()).isZero();
    String caPem = Files.readString(cluster("ca").resolve("ca.pem"));
    Map<String, String> before = new HashMap<>();
    for (String n : List.of("store", "orchestrator", "runners")) {
      before.put(n, Files.readString(out.resolve(n).resolve(n + ".join")));
    }

    Clis.Result again = poco("ca", "", args);
    assertThat(again.code()).as(again.all()).isZero();
    assertThat(again.out()).startsWith("Cluster ").doesNotContain("issued").contains("kept   " + out.resolve(
        "store/store.join"));
    assertThat(Files.readString(cluster("ca").resolve("ca.pem"))).isEqualTo(caPem);
    for (String n : before.keySet()) {
      assertThat(Files.readString(out.resolve(n).resolve(n + ".join"))).as(n).isEqualTo(before.get(n));
    }

    Files.delete(out.resolve("store/store.join"));
    Files.writeString(out.resolve("orchestrator/orchestrator.join"), "{\"v\": 1}");
    Clis.Result mended = poco("ca", "", "cluster", "bundles", out.toString(), "store:store",
        "orchestrator:orchestrator", "runners:agent-runner,gateway-feishu");
    assertThat(mended.code()).as(mended.all()).isZero();
    assertThat(mended.out()).contains("issued " + out.resolve("store/store.join"),
        "issued " + out.resolve("orchestrator/orchestrator.join"),
        "issued " + out.resolve("runners/runners.join") + ": runners, roles [agent-runner, gateway-feishu]");
    assertThat(Files.readString(cluster("ca").resolve("ca.pem"))).isEqualTo(caPem);
    ClusterCredentials oldRunners = JoinBundle.parse(before.get("runners")).credentials();
    var crl = ClusterCa.readCrl(Files.readString(cluster("ca").resolve("crl.pem")));
    assertThat(crl.isRevoked(oldRunners.cert())).as("the replaced bundle no longer joins").isTrue();
    JoinBundle newRunners = JoinBundle.parse(Files.readString(out.resolve("runners/runners.join")));
    assertThat(newRunners.credentials().crl().isRevoked(oldRunners.cert())).isTrue();
    assertThat(newRunners.credentials().crl().isRevoked(newRunners.credentials().cert())).isFalse();
    assertThat(poco("ca", "", "cluster", "list").out()).containsPattern("runners +agent-runner  serial [0-9a-f]+  revoked ");
  }

  @Test
  @DisplayName("bundles refuses a malformed or repeated node and an unknown role before writing anything, and a"
      + " machine that holds another cluster's node credentials")
  void bundlesRefusals() {
    Path out = tmp.resolve("bundles");
    for (String[] bad : List.of(new String[] {"store"}, new String[] {"store:store", "store:store"},
        new String[] {"store:wizard"}, new String[] {"Bad/Name:store"})) {
      List<String> args = new ArrayList<>(List.of("cluster", "bundles", out.toString()));
      args.addAll(List.of(bad));
      Clis.Result r = poco("ca", "", args.toArray(String[]::new));
      assertThat(r.code()).as(String.join(" ", bad)).isEqualTo(2);
      assertThat(r.err()).as(String.join(" ", bad)).containsAnyOf("expected <name>:<roles>", "named twice",
          "unknown role(s) [wizard]", "cannot name a node");
    }
    assertThat(Files.exists(cluster("ca"))).isFalse();
    assertThat(Files.exists(out)).isFalse();

    Path other = init("other", "core");
    poco("other", "", "cluster", "add-node", "runner-b");
    poco("joined", "", "start", "--cluster", "--only", "store", "--join", other.resolve("bundles/runner-b.join")
        .toString());
    Clis.Result joined = poco("joined", "", "cluster", "bundles", out.toString(), "store:store");
    assertThat(joined.code()).isEqualTo(2);
    assertThat(joined.err()).contains("already holds this node's credentials");
  }

  @Test
  @DisplayName("--join again with the bundle already installed (a container's restart) reinstalls it and keeps a"
      + " newer revocation list the node already holds")
  void joinAgainSameBundle() throws Exception {
    Path ca = init("a", "core");
    poco("a", "", "cluster", "add-node", "runner-b");
    Path bundle = ca.resolve("bundles/runner-b.join");
    for (int i = 0; i < 2; i++) {
      Clis.Result r = poco("b", "", "start", "--cluster", "--only", "store", "--join", bundle.toString());
      assertThat(r.out()).as("start " + i).contains("Installed the credentials of node runner-b");
      assertThat(r.err()).as("start " + i).contains("it was asked to run [store]").doesNotContain("another cluster");
    }
    poco("a", "", "cluster", "add-node", "runner-c");
    poco("a", "", "cluster", "remove-node", "runner-c");
    Files.copy(ca.resolve("crl.pem"), cluster("b").resolve("crl.pem"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    poco("b", "", "start", "--cluster", "--only", "store", "--join", bundle.toString());
    assertThat(ClusterCa.crlNumber(ClusterFiles.load(home("b"), Instant.now()).crl())).isEqualTo(2);
  }

  @Test
  @DisplayName("without credentials, --cluster on a non-loopback host exits 2 naming init and POCO_CLUSTER_INSECURE")
  void plainRefusedOffLoopback() {
    Clis.Result r = pocoEnv(env("a", ConfigKeys.CLUSTER_HOST, "10.0.0.5"), "start", "--cluster");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("Cannot join cluster 'poco': no credentials in " + cluster("a") + " (node.pem).",
        "poco cluster init", "POCO_CLUSTER_INSECURE=1", "10.0.0.5");
  }
}
