package dev.poco.bench;

import dev.poco.agentrunner.AgentTurn;
import dev.poco.agentrunner.Approval;
import dev.poco.agentrunner.CodexBackend;
import dev.poco.agentrunner.ProcessSupervisor;
import dev.poco.agentrunner.TurnOutcome;
import dev.poco.agentrunner.TurnRequest;
import dev.poco.agentrunner.TurnSink;
import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import dev.poco.testkit.Demo;
import dev.poco.testkit.EmbeddedPoco;
import dev.poco.testkit.fakes.FakeCodexCli;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What PoCo's codex backend adds to a turn: the fake codex CLI answering at once, driven (1) by a minimal
 * JSON-RPC client in this JVM, (2) by {@link CodexBackend} with a recording sink (turn/start sent → first
 * delta, → outcome), and (3) through the whole system (POST /demo/command → completed), one chat, in turn.
 *
 * <p>Run: {@code bench/run.sh}, or this main with the bench classpath. Figures only; nothing is asserted.
 */
public final class CodexOverheadBench {
  private static final String PROMPT = "Reply with exactly: BENCH_OK";

  public static void main(String[] args) throws Exception {
    int turns = Integer.getInteger("bench.codex.turns", 200);
    Path dir = Files.createTempDirectory("poco-codex-bench");
    Path fake = FakeCodexCli.install(dir.resolve("bin"));
    try {
      long[][] direct = direct(fake, dir.resolve("direct-home"), dir, turns);
      long[][] backend = backend(fake, dir.resolve("backend-home"), dir, turns);
      long[] system = system(fake, dir, turns);
      Stats dFirst = new Stats(direct[0]), dDone = new Stats(direct[1]);
      Stats bFirst = new Stats(backend[0]), bDone = new Stats(backend[1]);
      Stats sDone = new Stats(system);
      System.out.println();
      System.out.printf("codex (fake CLI, instant reply), %d turns in one thread each:%n", turns);
      System.out.printf("  direct JSON-RPC client:  turn/start → first delta %.3f ms, → turn/completed %.3f ms (median)%n",
          dFirst.medianMicros() / 1000, dDone.medianMicros() / 1000);
      System.out.printf("  PoCo CodexBackend:       turn/start → first delta %.3f ms, → outcome %.3f ms (median)%n",
          bFirst.medianMicros() / 1000, bDone.medianMicros() / 1000);
      System.out.printf("  ratio backend/direct:    first delta %.2f×, completed %.2f×%n",
          bFirst.medianMicros() / dFirst.medianMicros(), bDone.medianMicros() / dDone.medianMicros());
      System.out.printf("  whole PoCo (HTTP prompt → task completed): median %.3f ms, p99 %.3f ms = %.2f× direct%n",
          sDone.medianMicros() / 1000, sDone.percentileMicros(99) / 1000, sDone.medianMicros() / dDone.medianMicros());
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** The fake driven by hand: [0] turn/start → first delta, [1] → turn/completed, in nanoseconds. */
  private static long[][] direct(Path fake, Path codexHome, Path cwd, int turns) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(fake.toString(), "app-server").redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("CODEX_HOME", codexHome.toString());
    Process p = pb.start();
    BlockingQueue<Object[]> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String l = r.readLine(); l != null; l = r.readLine()) lines.add(new Object[] {l, System.nanoTime()});
      } catch (Exception e) {
        // the process ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    OutputStream in = p.getOutputStream();
    send(in, new JsonObject().put("id", 0).put("method", "initialize").put("params",
        new JsonObject().put("clientInfo", new JsonObject().put("name", "bench"))));
    await(lines, "\"id\":0");
    in.write("{\"method\":\"initialized\"}\n".getBytes(StandardCharsets.UTF_8));
    send(in, new JsonObject().put("id", 1).put("method", "thread/start").put("params",
        new JsonObject().put("cwd", cwd.toString())));
    String threadId = new JsonObject((String) await(lines, "\"id\":1")[0]).getJsonObject("result")
        .getJsonObject("thread").getString("id");
    int warm = Math.max(20, turns / 5);
    long[] first = new long[turns];
    long[] done = new long[turns];
    for (int i = -warm; i < turns; i++) {
      JsonObject start = new JsonObject().put("id", 2 + warm + i).put("method", "turn/start").put("params",
          new JsonObject().put("threadId", threadId).put("input", new JsonArray().add(new JsonObject()
              .put("type", "text").put("text", PROMPT).put("text_elements", new JsonArray()))));
      long t0 = System.nanoTime();
      send(in, start);
      long d = (long) await(lines, "item/agentMessage/delta")[1];
      long c = (long) await(lines, "turn/completed")[1];
      if (i >= 0) {
        first[i] = d - t0;
        done[i] = c - t0;
      }
    }
    in.close();
    p.waitFor(5, TimeUnit.SECONDS);
    p.destroyForcibly();
    return new long[][] {first, done};
  }

  private static void send(OutputStream in, JsonObject msg) throws Exception {
    in.write((msg.encode() + "\n").getBytes(StandardCharsets.UTF_8));
    in.flush();
  }

  private static Object[] await(BlockingQueue<Object[]> lines, String needle) throws Exception {
    while (true) {
      Object[] l = lines.poll(10, TimeUnit.SECONDS);
      if (l == null) throw new IllegalStateException("fake codex went quiet waiting for " + needle);
      if (((String) l[0]).contains(needle)) return l;
    }
  }

  /** CodexBackend on a Vert.x context with a sink that records when the first delta and the outcome arrive. */
  private static long[][] backend(Path fake, Path codexHome, Path cwd, int turns) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Context ctx = vertx.getOrCreateContext();
      Settings settings = new Settings(new JsonObject().put(ConfigKeys.backendKey("codex", "command"), fake.toString())
          .put("POCO_CODEX_HOME", codexHome.toString()));
      CompletableFuture<CodexBackend> made = new CompletableFuture<>();
      ctx.runOnContext(v -> made.complete(new CodexBackend(vertx, settings, new ProcessSupervisor(vertx, 1_000))));
      CodexBackend backend = made.get();
      int warm = Math.max(20, turns / 5);
      long[] first = new long[turns];
      long[] done = new long[turns];
      String[] session = {null};
      for (int i = -warm; i < turns; i++) {
        long[] times = new long[3];
        CompletableFuture<TurnOutcome> end = new CompletableFuture<>();
        TurnSink sink = new TurnSink() {
          public void session(String id) { session[0] = id; }
          public void delta(String text) { if (times[1] == 0) times[1] = System.nanoTime(); }
          public void activity(String text) { }
          public void approval(Approval request) { }
          public void usage(JsonObject usage) { }
        };
        TurnRequest req = new TurnRequest("bench-" + i, "bench", PROMPT, cwd, session[0], new JsonObject());
        ctx.runOnContext(v -> {
          times[0] = System.nanoTime();
          backend.start(req, sink).compose(AgentTurn::outcome).onComplete(ar -> {
            times[2] = System.nanoTime();
            if (ar.succeeded()) end.complete(ar.result());
            else end.completeExceptionally(ar.cause());
          });
        });
        TurnOutcome o = end.get(10, TimeUnit.SECONDS);
        if (o.result() == null || !o.result().equals("BENCH_OK")) throw new IllegalStateException("turn " + i + ": " + o);
        if (i >= 0) {
          first[i] = times[1] - times[0];
          done[i] = times[2] - times[0];
        }
      }
      CompletableFuture<Void> closed = new CompletableFuture<>();
      ctx.runOnContext(v -> backend.close().onComplete(x -> closed.complete(null)));
      closed.get(10, TimeUnit.SECONDS);
      return new long[][] {first, done};
    } finally {
      vertx.close().await();
    }
  }

  /** Whole PoCo: a prompt over HTTP until the task is completed, one chat, one at a time. */
  private static long[] system(Path fake, Path dir, int turns) {
    try (EmbeddedPoco poco = EmbeddedPoco.start(dir.resolve("poco-home"), Map.of(ConfigKeys.AGENT_BACKEND, "codex",
        ConfigKeys.backendKey("codex", "command"), fake.toString(),
        "POCO_CODEX_HOME", dir.resolve("system-home").toString()))) {
      Demo demo = new Demo(poco.http);
      int warm = Math.max(20, turns / 5);
      long[] done = new long[turns];
      for (int i = -warm; i < turns; i++) {
        long t0 = System.nanoTime();
        JsonObject t = demo.awaitDone(demo.run("bench-codex", PROMPT), 10);
        long t1 = System.nanoTime();
        if (!"BENCH_OK".equals(t.getString("result"))) throw new IllegalStateException("task " + i + ": " + t);
        if (i >= 0) done[i] = t1 - t0;
      }
      return done;
    }
  }
}
