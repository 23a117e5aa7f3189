package dev.poco.agentrunner;

import dev.poco.contract.FsListing;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The folders working dirs must resolve under (symlinks followed), and browsing inside them. Every
 * method does file I/O: call it on a worker. Refusals are IllegalArgumentExceptions (failure 400).
 */
final class WorkdirRoots {
  private static final Logger log = LoggerFactory.getLogger(WorkdirRoots.class);
  static final int MAX_FOLDERS = 200;
  /** As the kernel's limit on links followed in one lookup (ELOOP). */
  private static final int MAX_LINK_HOPS = 40;

  private final List<Path> roots;
  private final List<String> names;
  private final Path home;

  private WorkdirRoots(List<Path> roots, Path home) {
    this.roots = List.copyOf(roots);
    this.names = roots.stream().map(Path::toString).toList();
    this.home = home;
  }

  /** Resolves the configured roots to real paths, skipping (with a warning) those that do not exist. */
  static WorkdirRoots resolve(List<String> configured, String home) {
    Path homePath = Path.of(home);
    List<Path> real = new ArrayList<>();
    for (String root : configured) {
      try {
        Path p = expand(root, homePath);
        if (!p.isAbsolute()) {
          log.warn("working-dir root '{}' is not absolute, skipped", root);
          continue;
        }
        Path r = p.toRealPath();
        if (!Files.isDirectory(r)) log.warn("working-dir root {} is not a directory, skipped", root);
        else if (!real.contains(r)) real.add(r);
      } catch (IOException e) {
        log.warn("working-dir root {} does not exist, skipped", root);
      }
    }
    if (real.isEmpty()) log.warn("no usable working-dir roots among {}: every workdir will be refused", configured);
    return new WorkdirRoots(real, homePath);
  }

  List<String> names() { return names; }

  /** The real directory {@code path} names, when it lies under a root; null means the first root. */
  Path check(String path) {
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("this runner has no working-dir roots (set POCO_WORKDIR_ROOTS)");
    }
    if (path == null || path.isBlank()) return roots.get(0);
    String given = path.trim();
    Path p = expand(given, home);
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException("relative paths are not allowed: '" + given + "' (use /... or ~/...)");
    }
    Path real;
    try {
      real = p.toRealPath();
    } catch (NoSuchFileException e) {
      // "outside" before "missing", judged on where the path would lead: what exists outside the roots stays unknown
      if (!inside(wouldResolveTo(p))) throw outside(given);
      throw new IllegalArgumentException(given + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot resolve " + given + ": " + e.getMessage());
    }
    if (!inside(real)) throw outside(given);
    if (!Files.isDirectory(real)) throw new IllegalArgumentException(given + " is not a directory");
    return real;
  }

  /**
   * Where a path that does not (fully) exist would lead: the real path of its deepest existing part, dangling
   * symlinks followed by their text, plus the missing rest. So a link inside a root to a missing place outside is
   * "outside", as a link to an existing place outside is.
   */
  private static Path wouldResolveTo(Path path) {
    Path p = path.normalize();
    for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
      Path existing = p;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
      if (existing == null) return p;
      Path rest = existing.relativize(p);
      try {
        if (!Files.isSymbolicLink(existing)) return existing.toRealPath().resolve(rest).normalize();
        Path target = Files.readSymbolicLink(existing);
        Path base = existing.getParent() == null ? existing.getRoot() : existing.getParent();
        p = base.resolve(target).resolve(rest).normalize();
      } catch (IOException e) {
        return p; // unreadable: judged lexically
      }
    }
    return p;
  }

  /** The resolved dir with its visible subfolders (sorted, at most {@link #MAX_FOLDERS}). */
  FsListing list(String path, boolean withFolders) {
    Path dir = check(path);
    Path parent = dir.getParent();
    String parentName = parent != null && inside(parent) ? parent.toString() : null;
    if (!withFolders) return new FsListing(dir.toString(), parentName, List.of(), false, names);
    List<String> folders = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!name.startsWith(".") && Files.isDirectory(entry)) folders.add(name);
      }
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException("cannot list " + dir + ": permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot list " + dir + ": " + e.getMessage());
    }
    folders.sort(null);
    boolean truncated = folders.size() > MAX_FOLDERS;
    List<String> shown = truncated ? folders.subList(0, MAX_FOLDERS) : folders;
    return new FsListing(dir.toString(), parentName, shown, truncated, names);
  }

  private boolean inside(Path p) {
    for (Path root : roots) if (p.startsWith(root)) return true;
    return false;
  }

  /** One message whether or not the place exists, and no resolved target: both would tell what lies outside. */
  private IllegalArgumentException outside(String given) {
    return new IllegalArgumentException(given + " is outside the allowed roots: " + String.join(", ", names));
  }

  private static Path expand(String path, Path home) {
    if (path.equals("~")) return home;
    if (path.startsWith("~/")) return home.resolve(path.substring(2));
    return Path.of(path);
  }
}
