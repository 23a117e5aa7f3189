package dev.poco.bench;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The far end of the cross-JVM round trip: a JVM that starts a cluster as its seed member and echoes on one
 * address. Spawned by {@link ClusterBench}; it leaves when its standard input closes, so it never outlives the bench.
 *
 * <p>Args: cluster name, seed member (host:port), address, and optionally a credentials directory (bus over TLS).
 */
public final class EchoNode {
  static final String READY = "ECHO READY";

  private EchoNode() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[1].substring(args[1].lastIndexOf(':') + 1)); // the seed: it joins first
    Vertx vertx = BenchCluster.join(args[0], args[1], port, args.length > 3 ? Path.of(args[3]) : null);
    vertx.eventBus().consumer(args[2], m -> m.reply(m.body())).completion().await();
    System.out.println(READY);
    System.out.flush();
    while (System.in.read() != -1) {
      // wait for the bench to close our stdin (or die)
    }
    vertx.close().await();
    System.exit(0);
  }
}
