package dev.poco.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database and its companions (-wal, -shm, .lock) are owner-only wherever they live: they hold every prompt
 * and output. A folder the store creates is rwx------; one that exists is left as it is (it may be /tmp).
 * SQLite gives -wal and -shm the mode of the database file, so the file is made rw------- before SQLite opens it.
 * Blocking file I/O: call it off the event loop.
 */
final class DbFiles {
  private static final Logger log = LoggerFactory.getLogger(DbFiles.class);
  static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private DbFiles() {}

  /** Creates the missing folders (rwx------) and the database file (rw-------); tightens existing files. */
  static void prepare(Path db) throws IOException {
    Path parent = db.toAbsolutePath().getParent();
    if (parent != null) createDirs(parent);
    if (!POSIX) return;
    if (!Files.exists(db, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.createFile(db, PosixFilePermissions.asFileAttribute(FILE));
      } catch (java.nio.file.FileAlreadyExistsException raced) {
        // another store won the race; ownerOnly below still applies
      }
    }
    for (Path p : companions(db)) ownerOnly(p);
  }

  /** Opens (creating rw-------) the lock file beside the database. */
  static FileChannel openLock(Path lock) throws IOException {
    Set<StandardOpenOption> opts = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileChannel ch = POSIX ? FileChannel.open(lock, opts, PosixFilePermissions.asFileAttribute(FILE))
        : FileChannel.open(lock, opts);
    ownerOnly(lock);
    return ch;
  }

  static List<Path> companions(Path db) {
    String name = db.toString();
    return List.of(db, Path.of(name + "-wal"), Path.of(name + "-shm"), Path.of(name + "-journal"));
  }

  private static void createDirs(Path dir) throws IOException {
    if (Files.isDirectory(dir)) return;
    Path parent = dir.getParent();
    if (parent != null) createDirs(parent);
    try {
      FileAttribute<?>[] attrs = POSIX ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(DIR)}
          : new FileAttribute<?>[0];
      Files.createDirectory(dir, attrs);
      if (POSIX) Files.setPosixFilePermissions(dir, DIR); // the umask may have narrowed the created mode only
    } catch (java.nio.file.FileAlreadyExistsException raced) {
      // created meanwhile by someone else: theirs to set
    }
  }

  private static void ownerOnly(Path p) {
    if (!POSIX || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) return;
    try {
      if (!Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS).equals(FILE)) {
        Files.setPosixFilePermissions(p, FILE);
      }
    } catch (IOException | UnsupportedOperationException e) {
      log.warn("cannot make {} readable by its owner only: {}", p, e.toString());
    }
  }
}
