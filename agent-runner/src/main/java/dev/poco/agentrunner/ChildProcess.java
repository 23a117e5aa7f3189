package dev.poco.agentrunner;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A child process started by {@link ProcessSupervisor}. Its stdout lines arrive one by one on the
 * supervisor's context; stdin writes run in order on an I/O thread; {@link #exit()} completes after
 * the last stdout line was delivered.
 */
public final class ChildProcess {
  private static final Logger log = LoggerFactory.getLogger(ChildProcess.class);
  static final int STDERR_TAIL = 20;
  /** A grandchild that inherited stdout may keep the pipe open after the child exits; do not wait for it. */
  private static final long DRAIN_MS = 2_000;

  private final ProcessSupervisor supervisor;
  private final Process process;
  private final String name;
  private final Context context;
  private final Executor io;
  private final Promise<ProcessExit> exit = Promise.promise();
  private final ArrayDeque<String> stderrTail = new ArrayDeque<>();
  private CompletableFuture<Void> writes = CompletableFuture.completedFuture(null);
  private volatile boolean killed;
  private volatile boolean timedOut;
  private long timeoutTimer = -1;

  ChildProcess(ProcessSupervisor supervisor, Process process, String name, Context context, Executor io) {
    this.supervisor = supervisor;
    this.process = process;
    this.name = name;
    this.context = context;
    this.io = io;
  }

  public long pid() { return process.pid(); }

  public boolean alive() { return process.isAlive(); }

  /** Completes on the supervisor's context when the process has exited and its output is drained. Never fails. */
  public Future<ProcessExit> exit() { return exit.future(); }

  /** Writes one line (a newline is added) to stdin; writes keep their order. */
  public Future<Void> write(String line) {
    byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
    return onIo(() -> {
      OutputStream in = process.getOutputStream();
      in.write(bytes);
      in.flush();
    });
  }

  /** Closes stdin, after the pending writes; many CLIs exit when their stdin closes. */
  public Future<Void> closeStdin() { return onIo(() -> process.getOutputStream().close()); }

  /** Kills the whole process tree (TERM, then KILL after the supervisor's grace); completes with the exit. */
  public Future<ProcessExit> kill() {
    if (!exit.future().isComplete()) {
      killed = true;
      supervisor.killTree(process.toHandle());
    }
    return exit();
  }

  void begin(Handler<String> onLine, long timeoutMs) {
    if (timeoutMs > 0) {
      timeoutTimer = supervisor.vertx().setTimer(timeoutMs, id -> {
        timeoutTimer = -1;
        log.warn("{} (pid {}) timed out after {} ms, killing its process tree", name, pid(), timeoutMs);
        timedOut = true;
        kill();
      });
    }
    CompletableFuture<Void> out = CompletableFuture.runAsync(() -> pump(onLine), io);
    CompletableFuture<Void> err = CompletableFuture.runAsync(this::pumpStderr, io);
    process.onExit()
        .thenCompose(p -> CompletableFuture.allOf(out, err).completeOnTimeout(null, DRAIN_MS, TimeUnit.MILLISECONDS))
        .whenComplete((v, e) -> context.runOnContext(x -> ended()));
  }

  private void ended() {
    if (timeoutTimer != -1) supervisor.vertx().cancelTimer(timeoutTimer);
    int code = process.exitValue();
    List<String> tail;
    synchronized (stderrTail) {
      tail = new ArrayList<>(stderrTail);
    }
    supervisor.forget(this);
    log.debug("{} (pid {}) exited with {}", name, pid(), code);
    exit.complete(new ProcessExit(code, timedOut, killed, tail));
  }

  private void pump(Handler<String> onLine) {
    try (BufferedReader r = reader(process.getInputStream())) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String l = line;
        context.runOnContext(x -> {
          if (!exit.future().isComplete()) onLine.handle(l);
        });
      }
    } catch (IOException e) {
      log.debug("{} stdout closed: {}", name, e.toString());
    }
  }

  private void pumpStderr() {
    try (BufferedReader r = reader(process.getErrorStream())) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        log.debug("{} stderr: {}", name, line);
        if (line.isBlank()) continue;
        synchronized (stderrTail) {
          if (stderrTail.size() == STDERR_TAIL) stderrTail.removeFirst();
          stderrTail.addLast(line);
        }
      }
    } catch (IOException e) {
      log.debug("{} stderr closed: {}", name, e.toString());
    }
  }

  private static BufferedReader reader(java.io.InputStream in) {
    return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
  }

  private interface IoAction {
    void run() throws IOException;
  }

  private synchronized Future<Void> onIo(IoAction action) {
    Promise<Void> done = Promise.promise();
    writes = writes.handle((v, e) -> null).thenRunAsync(() -> {
      try {
        action.run();
        context.runOnContext(x -> done.complete());
      } catch (IOException e) {
        context.runOnContext(x -> done.fail(new IOException(name + " stdin: " + e.getMessage(), e)));
      }
    }, io);
    return done.future();
  }
}
