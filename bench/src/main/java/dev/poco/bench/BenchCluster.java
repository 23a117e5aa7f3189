package dev.poco.bench;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import dev.poco.launcher.BenchTls;
import dev.poco.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Path;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * A clustered Vertx on loopback that joins PoCo's cluster through one seed member, with the launcher's
 * settings (VERTX.md §3): the bench's own JVM and its echo node are members, not PoCo nodes. With
 * {@code credentials} (a directory from {@link BenchTls#issue}) its event bus runs over mutual TLS as a PoCo node's does.
 */
final class BenchCluster {
  private BenchCluster() {}

  static Vertx join(String clusterName, String seed, Path credentials) throws IOException {
    Config hz = ConfigUtil.loadConfig(); // keeps the __vertx.* maps of default-cluster.xml
    hz.setClusterName(clusterName);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.shutdownhook.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    hz.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
    NetworkConfig net = hz.getNetworkConfig();
    net.setPort(Ports.free()).setPortAutoIncrement(true).setPortCount(20);
    net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1).addMember(seed);
    VertxOptions options = new VertxOptions().setEventLoopPoolSize(1); // as PoCo's nodes run
    options.getEventBusOptions().setHost("127.0.0.1").setPort(0);
    VertxBuilder builder = Vertx.builder().with(options);
    if (credentials != null) builder = BenchTls.apply(options.getEventBusOptions(), builder, credentials);
    return builder.withClusterManager(new HazelcastClusterManager(hz)).buildClustered().await();
  }
}
