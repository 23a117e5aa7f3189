package dev.poco.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * $POCO_HOME/poco.pid: the server's pid on the first line, then its start time and the command marker. A pid
 * alone proves nothing (the kernel reuses them), so the file is trusted only while a live process has that
 * pid, that start time and the server's command line: anything else is a stale file, never signalled.
 */
final class PidFile {
  /** The server's arguments, whether the CLI spawned it or a user ran it in a terminal. */
  static final List<String> MARKER = List.of("start", "--foreground");
  private static final String STARTED = "started=";
  private static final String COMMAND = "command=";

  private final Path file;

  PidFile(Path file) { this.file = file; }

  Path path() { return file; }

  boolean exists() { return Files.exists(file); }

  /** The pid the file names, trusted or not. */
  OptionalLong read() {
    List<String> lines = lines();
    return lines.isEmpty() ? OptionalLong.empty() : parsePid(lines.get(0));
  }

  /** The server process, if the file names one that is alive and is PoCo's server. */
  Optional<ProcessHandle> live() {
    List<String> lines = lines();
    if (lines.isEmpty()) return Optional.empty();
    OptionalLong pid = parsePid(lines.get(0));
    if (pid.isEmpty()) return Optional.empty();
    Optional<Long> started = lines.stream().filter(l -> l.startsWith(STARTED)).findFirst()
        .flatMap(l -> parseLong(l.substring(STARTED.length())));
    return ProcessHandle.of(pid.getAsLong()).filter(Processes::alive).filter(p -> isServer(p, started));
  }

  /** Records {@code server}: its pid, its start time and the marker its command line carries. */
  void write(ProcessHandle server) throws IOException {
    StringBuilder text = new StringBuilder().append(server.pid()).append('\n');
    server.info().startInstant().ifPresent(t -> text.append(STARTED).append(t.toEpochMilli()).append('\n'));
    text.append(COMMAND).append(String.join(" ", MARKER)).append('\n');
    OwnerOnly.write(file, text.toString());
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stale pid file is harmless: it is only trusted after the identity check
    }
  }

  /** A sentence about a file that names no live PoCo server, or empty when there is no file. */
  Optional<String> staleNote() {
    if (!exists()) return Optional.empty();
    OptionalLong pid = read();
    return Optional.of(pid.isPresent()
        ? "the pid file " + file + " named pid " + pid.getAsLong() + ", which is not a running PoCo server"
        : "the pid file " + file + " names no pid");
  }

  /** Deletes the file only if it still names {@code pid}, so a newer server's file survives. */
  void deleteIfOwnedBy(long pid) {
    OptionalLong current = read();
    if (current.isPresent() && current.getAsLong() == pid) delete();
  }

  /**
   * Same start time (when recorded: files from before it was recorded have none) and the server's arguments.
   * A process whose start time cannot be read is not trusted.
   */
  static boolean isServer(ProcessHandle p, Optional<Long> recordedStart) {
    if (recordedStart.isPresent()) {
      Optional<Instant> actual = p.info().startInstant();
      if (actual.isEmpty() || actual.get().toEpochMilli() != recordedStart.get()) return false;
    }
    return arguments(p).map(PidFile::hasMarker).orElse(false);
  }

  static boolean hasMarker(List<String> args) {
    return java.util.Collections.indexOfSubList(args, MARKER) >= 0;
  }

  /** The full argument list: /proc/pid/cmdline, since ProcessHandle.Info cuts it at 4 KiB (a test classpath). */
  private static Optional<List<String>> arguments(ProcessHandle p) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline"));
      return Optional.of(Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")));
    } catch (IOException | RuntimeException e) {
      return p.info().arguments().map(Arrays::asList);
    }
  }

  private List<String> lines() {
    try {
      return Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty()).toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static OptionalLong parsePid(String line) {
    return parseLong(line).map(OptionalLong::of).orElse(OptionalLong.empty());
  }

  private static Optional<Long> parseLong(String s) {
    try {
      return Optional.of(Long.parseLong(s.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
