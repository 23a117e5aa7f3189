package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code poco start --foreground}: the server itself, in this JVM, until SIGTERM or SIGINT. */
final class Server {
  private static final Logger log = LoggerFactory.getLogger(Server.class);
  private static final long CLOSE_TIMEOUT_SECONDS = 10;

  private Server() {}

  /**
   * One event loop by default: no role blocks a loop (JDBC runs on workers, agent pipes on their own
   * threads), so more loops only add cross-thread hand-offs to every bus message. Measured with
   * StartupBench: median task 1.47–1.49 ms and 2,820–3,020 tasks/s with one loop, 1.70–1.85 ms and
   * 2,660–2,750 tasks/s with four.
   */
  static VertxOptions vertxOptions(JsonObject config) {
    int loops = new Settings(config).integer(ConfigKeys.EVENT_LOOPS, 1);
    return new VertxOptions().setEventLoopPoolSize(Math.max(1, loops));
  }

  static int run(Cli cli, Set<String> roles) throws Exception {
    return run(cli, roles, Poco.ROLE_CLASSES, false);
  }

  static int run(Cli cli, Set<String> roles, Map<String, String> roleClasses) throws Exception {
    return run(cli, roles, roleClasses, false);
  }

  /** With other classes for the roles: tests run the real lifecycle around stand-in verticles. */
  static int run(Cli cli, Set<String> roles, Map<String, String> roleClasses, boolean cluster) throws Exception {
    JsonObject config = PocoConfig.load(cli.env());
    ClusterSettings cs = cluster ? ClusterSettings.from(config) : null;
    SecretMasking.install(config);
    Endpoint endpoint = Endpoint.of(config);
    PocoHome home = cli.home();
    // This node's checked credentials, or null for plain mode (ClusterTrust says when that is allowed). Checked
    // here, before any network activity: a node the others would refuse says why and exits (ClusterTrustException:
    // 2, or 3 when revoked).
    ClusterCredentials credentials = cluster ? ClusterTrust.forStart(home.dir(), config, roles, Instant.now()) : null;
    if (credentials != null) log.info("cluster credentials: {}", credentials); // toString leaves the key out
    else if (cluster) log.warn("cluster in plain mode (no authentication, no encryption): no credentials in {}, allowed"
        + " on a loopback {} or with {}=1", ClusterFiles.dir(home.dir()), ConfigKeys.CLUSTER_HOST,
        ConfigKeys.CLUSTER_INSECURE);
    OwnerOnly.directory(home.dir());
    PidFile pidFile = new PidFile(home.pidFile());
    long self = ProcessHandle.current().pid();
    Optional<ProcessHandle> other = pidFile.live().filter(p -> p.pid() != self);
    if (other.isPresent()) {
      cli.err().println("PoCo is already running (pid " + other.get().pid() + ")");
      return 1;
    }
    pidFile.write(ProcessHandle.current());
    if (cluster) {
      OwnerOnly.write(home.nodeFile(), String.join(",", roles) + "\n");
    } else {
      Files.deleteIfExists(home.nodeFile());
    }

    ClusterGuards guards = credentials == null ? null
        : new ClusterGuards(credentials, ClusterFiles.dir(home.dir()).resolve(ClusterFiles.CRL_PEM));
    if (credentials != null) config = RunnerIds.inTrustedCluster(config, credentials, roles, cli.env());
    long t0 = System.nanoTime();
    Vertx vertx;
    String where = null;
    if (cs == null) {
      vertx = Metrics.local(vertxOptions(config));
    } else {
      try {
        KnownMembers known = new KnownMembers(home.dir());
        ClusterNode.Joined joined = guards == null
            ? ClusterNode.join(cs, known, vertxOptions(config), roles.contains(Poco.DEMO_API), (ClusterCredentials) null)
            : ClusterNode.join(cs, known, vertxOptions(config), roles.contains(Poco.DEMO_API), guards);
        vertx = joined.vertx();
        where = joined.where();
      } catch (ClusterNode.JoinException e) {
        cli.err().println(SecretMasking.mask(e.getMessage()));
        pidFile.deleteIfOwnedBy(self);
        return 1;
      }
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      close(vertx);
      pidFile.deleteIfOwnedBy(self);
      stopped.countDown();
    }, "poco-shutdown"));
    try {
      if (guards != null) guards.start(vertx, System::exit).await();
      Poco.deploy(vertx, config, roles, roleClasses).await();
      NodeInfoService.register(vertx, roles).await();
      ConfigWatch.start(vertx, cli.env(), config).await();
    } catch (Exception e) {
      cli.err().println(SecretMasking.mask("PoCo failed to start: " + e.getMessage()));
      return 1; // exiting runs the hook, which closes Vert.x and removes the pid file
    }
    log.info("PoCo deployed {} in {} ms", roles, (System.nanoTime() - t0) / 1_000_000);
    if (where != null) cli.out().println(Daemon.NODE_UP + " " + roles + " in " + where);
    if (roles.contains(Poco.DEMO_API)) cli.out().println(endpoint.anyPort()
        ? "PoCo is up; the HTTP edge picked a free port on " + endpoint.host()
            + " (see its \"HTTP edge listening on\" line)"
        : "PoCo listening on " + endpoint.url());
    Pairing.hint(config).ifPresent(cli.out()::println);
    stopped.await();
    return 0;
  }

  private static void close(Vertx vertx) {
    log.info("PoCo stopping");
    try {
      vertx.close().await(CLOSE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("PoCo stopped");
    } catch (Exception e) {
      log.warn("PoCo did not stop cleanly: {}", e.toString());
    }
  }
}
