package dev.poco.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** $POCO_HOME/poco.pid: the pid of the running server, one line. */
final class PidFile {
  private final Path file;

  PidFile(Path file) { this.file = file; }

  Path path() { return file; }

  OptionalLong read() {
    try {
      return OptionalLong.of(Long.parseLong(Files.readString(file).trim()));
    } catch (IOException | NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The server process, if the file names one that is still alive. */
  Optional<ProcessHandle> live() {
    OptionalLong pid = read();
    if (pid.isEmpty()) return Optional.empty();
    return ProcessHandle.of(pid.getAsLong()).filter(Processes::alive);
  }

  void write(long pid) throws IOException {
    OwnerOnly.write(file, pid + "\n");
  }

  void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // a stale pid file is harmless: liveness is always checked
    }
  }

  /** Deletes the file only if it still names {@code pid}, so a newer server's file survives. */
  void deleteIfOwnedBy(long pid) {
    OptionalLong current = read();
    if (current.isPresent() && current.getAsLong() == pid) delete();
  }
}
