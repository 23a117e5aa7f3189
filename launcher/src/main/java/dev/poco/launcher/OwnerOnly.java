package dev.poco.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Files only the owner may read: PoCo's home holds secrets, the database and the pairing code. */
final class OwnerOnly {
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private OwnerOnly() {}

  /** Creates the directory (and parents) if needed and makes it rwx------. */
  static void directory(Path dir) throws IOException {
    Files.createDirectories(dir);
    if (POSIX) Files.setPosixFilePermissions(dir, DIR);
  }

  /**
   * Refuses a file that group or others may read or write: the config file holds secrets, and whoever can write it
   * chooses the command PoCo runs as its agent. Any value counts (an empty file or {} is never refused).
   */
  static void requirePrivate(Path file) {
    if (!POSIX) return;
    Set<PosixFilePermission> perms;
    try {
      perms = Files.getPosixFilePermissions(file);
    } catch (IOException e) {
      return; // it was just read; a vanished file is read again on the next load
    }
    if (perms.stream().noneMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) return;
    throw new ConfigException("The config file " + file + " can be read or written by other users ("
        + PosixFilePermissions.toString(perms) + "), and it may hold PoCo's secrets; PoCo will not use it."
        + " Run: chmod 600 " + file);
  }

  /** Creates {@code file} empty and rw------- if absent, else narrows it to rw-------: before anyone appends. */
  static void file(Path file) throws IOException {
    directory(file.toAbsolutePath().getParent());
    if (!Files.exists(file)) {
      try {
        if (POSIX) Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE));
        else Files.createFile(file);
        return;
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // someone else created it: narrow it below
      }
    }
    if (POSIX) Files.setPosixFilePermissions(file, FILE);
  }

  /** Writes {@code text} to {@code file} atomically with rw------- from the first byte. */
  static void write(Path file, String text) throws IOException {
    directory(file.toAbsolutePath().getParent());
    writeFile(file, text);
  }

  /**
   * Writes {@code text} to {@code file} atomically with rw------- from the first byte, leaving its directory as it
   * is: for a file the user names (a join bundle written to /tmp must not narrow /tmp).
   */
  static void writeFile(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = POSIX
        ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(FILE))
        : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
