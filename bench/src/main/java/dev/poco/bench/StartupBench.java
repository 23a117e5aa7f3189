package dev.poco.bench;

import dev.poco.testkit.Ports;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `poco start` as a user runs it (fat jar, the server's own JVM flags, SQLite, stub agent), five
 * times: time from spawn to a healthy /health (as `poco start` reports it), idle RSS of the server
 * 3 s later, and RSS after 2,000 tasks. Prints medians.
 */
public final class StartupBench {
  private static final Pattern READY = Pattern.compile("in (\\d+) ms");

  public static void main(String[] args) throws Exception {
    Path jar = Path.of(args.length > 0 ? args[0] : "launcher/target/poco.jar").toAbsolutePath();
    if (!Files.exists(jar)) {
      System.out.println("start-up: skipped, " + jar + " is missing (run ./poco once to build it)");
      return;
    }
    int runs = Integer.getInteger("bench.startup.runs", 5);
    double[] ready = new double[runs];
    double[] idle = new double[runs];
    for (int i = 0; i < runs; i++) {
      Path home = Files.createTempDirectory("poco-startup");
      int port = Ports.free();
      String out = poco(jar, home, port, "start");
      Matcher m = READY.matcher(out);
      if (!m.find()) throw new IllegalStateException("poco start said: " + out);
      ready[i] = Double.parseDouble(m.group(1));
      long pid = Long.parseLong(Files.readAllLines(home.resolve("poco.pid")).get(0).strip()); // pid, then identity
      Thread.sleep(3_000);
      idle[i] = rssMb(pid);
      if (i == runs - 1) load(port, pid);
      poco(jar, home, port, "shutdown");
    }
    System.out.printf("poco start → /health ready: median %.0f ms (runs: %s)%n", Stats.median(ready), list(ready));
    System.out.printf("idle RSS of the server: median %.0f MB (runs: %s)%n", Stats.median(idle), list(idle));
  }

  /** The task figures again, against the real server process with its own JVM flags. */
  private static void load(int port, long pid) throws IOException {
    Vertx vertx = Vertx.vertx();
    try {
      WebClient web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)
          .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(100));
      Bench.latency(web, 1_000);
      Bench.throughput(web, 100, 4_000);
      Stats lat = Bench.latency(web, 2_000);
      double tps = Bench.throughput(web, 100, 20_000);
      System.out.printf("`poco start` server (its own JVM and flags): one task median %.3f ms, p99 %.3f ms; "
          + "%.0f tasks/s with 100 chats; RSS after load %.0f MB%n", lat.medianMicros() / 1000,
          lat.percentileMicros(99) / 1000, tps, rssMb(pid));
    } finally {
      vertx.close().await();
    }
  }

  private static String poco(Path jar, Path home, int port, String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", jar.toString(), command);
    pb.environment().keySet().removeIf(k -> k.startsWith("POCO_"));
    pb.environment().put("POCO_HOME", home.toString());
    pb.environment().put("POCO_HTTP_PORT", String.valueOf(port));
    pb.environment().put("POCO_AGENT_BACKEND", "stub");
    // Knobs under test (POCO_JAVA_OPTS, POCO_EVENT_LOOPS, ...) pass through from the bench's own env.
    System.getenv().forEach((k, v) -> {
      if (k.startsWith("POCO_") && !k.equals("POCO_HOME") && !k.equals("POCO_HTTP_PORT")) pb.environment().put(k, v);
    });
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    p.waitFor();
    return out;
  }

  static double rssMb(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
    }
    return Double.NaN;
  }

  private static String list(double[] xs) {
    List<String> out = new ArrayList<>();
    for (double x : xs) out.add(String.format("%.0f", x));
    return String.join(", ", out);
  }
}
