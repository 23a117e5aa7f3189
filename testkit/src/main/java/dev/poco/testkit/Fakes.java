package dev.poco.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The fake agent CLIs under resources/fakes, copied out as executables (resource copies lose the x bit). */
public final class Fakes {
  private Fakes() {}

  /** Copies fakes/{@code name} into {@code dir} and makes it executable; returns its path. */
  public static Path install(Path dir, String name) {
    try (InputStream in = Fakes.class.getResourceAsStream("/fakes/" + name)) {
      if (in == null) throw new IllegalArgumentException("no fake named " + name);
      Files.createDirectories(dir);
      Path target = dir.resolve(name);
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      if (!target.toFile().setExecutable(true)) throw new IOException("cannot make " + target + " executable");
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
