package dev.poco.agentrunner;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and watches the runner's child processes. Blocking work (spawn, pipe reads and writes,
 * signals) runs on its own daemon threads, never on an event loop: a pipe reader blocks for the
 * child's whole life, which would starve the shared worker pool. Everything it reports arrives on the
 * context that created it.
 */
public final class ProcessSupervisor {
  private static final Logger log = LoggerFactory.getLogger(ProcessSupervisor.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Vertx vertx;
  private final Context context;
  private final long killGraceMs;
  private final ExecutorService io = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "poco-process-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  });
  private final Set<ChildProcess> live = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  /** Call on the context that should receive output (the verticle's). */
  public ProcessSupervisor(Vertx vertx, long killGraceMs) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.killGraceMs = killGraceMs;
  }

  Vertx vertx() { return vertx; }

  /**
   * Starts a process; {@code onLine} gets each stdout line as written (JSON or not: the backend decides).
   * Fails with a readable message when the command or the working dir does not exist.
   */
  public Future<ChildProcess> spawn(ProcessSpec spec, Handler<String> onLine) {
    Promise<ChildProcess> started = Promise.promise();
    String name = spec.command().get(0);
    if (closed) return Future.failedFuture("the process supervisor is closed");
    io.execute(() -> {
      try {
        if (spec.cwd() != null && !Files.isDirectory(spec.cwd())) {
          throw new IOException("working directory does not exist: " + spec.cwd());
        }
        ProcessBuilder pb = new ProcessBuilder(spec.command());
        if (spec.cwd() != null) pb.directory(spec.cwd().toFile());
        AgentEnvironment.clean(pb.environment()); // before the spec's own entries, which are deliberate
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
          if (e.getValue() == null) pb.environment().remove(e.getKey());
          else pb.environment().put(e.getKey(), e.getValue());
        }
        Process p = pb.start();
        if (closed) {
          // close() ran while we were spawning: this child would outlive the runner.
          killTree(p.toHandle());
          throw new IOException("the process supervisor closed while " + name + " was starting");
        }
        ChildProcess child = new ChildProcess(this, p, name, context, io);
        live.add(child);
        context.runOnContext(v -> {
          started.complete(child);
          child.begin(onLine, spec.timeoutMs());
        });
      } catch (IOException | RuntimeException e) {
        String why = explain(name, e);
        context.runOnContext(v -> started.fail(new IOException(why, e)));
      }
    });
    return started.future();
  }

  /** Runs a short command to its end (a version probe): its stdout lines, or a failure naming why. */
  public Future<List<String>> run(ProcessSpec spec) {
    List<String> lines = new ArrayList<>();
    return spawn(spec, lines::add).compose(ChildProcess::exit).compose(exit -> exit.ok()
        ? Future.succeededFuture(lines)
        : Future.failedFuture(spec.command().get(0) + " failed: " + exit.describe()));
  }

  /** Kills every live child's tree; completes when they have exited. */
  public Future<Void> close() {
    closed = true;
    List<Future<ProcessExit>> exits = new ArrayList<>();
    for (ChildProcess child : List.copyOf(live)) exits.add(child.kill());
    return Future.join(exits).<Void>mapEmpty().onComplete(v -> io.shutdown());
  }

  void forget(ChildProcess child) { live.remove(child); }

  /** TERM to the descendants, then to the root; KILL to whatever still lives after the grace. */
  void killTree(ProcessHandle root) {
    offload(() -> {
      Set<ProcessHandle> tree = root.descendants().collect(Collectors.toCollection(LinkedHashSet::new));
      tree.forEach(ProcessHandle::destroy);
      root.destroy();
      tree.add(root);
      vertx.setTimer(Math.max(1, killGraceMs), id -> offload(() -> {
        // A child may have forked during the grace; collect again before the KILL.
        if (root.isAlive()) root.descendants().forEach(tree::add);
        for (ProcessHandle h : tree) {
          if (h.isAlive()) {
            log.debug("pid {} still there after TERM, sending KILL", h.pid());
            h.destroyForcibly();
          }
        }
      }));
    });
  }

  private void offload(Runnable work) {
    try {
      io.execute(work);
    } catch (RejectedExecutionException e) {
      work.run(); // closed: only stragglers' KILLs land here
    }
  }

  private static String explain(String command, Exception e) {
    String msg = String.valueOf(e.getMessage());
    if (msg.startsWith("the process supervisor")) return msg;
    if (msg.contains("error=2,")) return "command not found: " + command;
    if (msg.contains("error=13,")) return "command not executable: " + command;
    return "cannot start " + command + ": " + msg;
  }
}
