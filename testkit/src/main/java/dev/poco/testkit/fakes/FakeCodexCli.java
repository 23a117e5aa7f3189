package dev.poco.testkit.fakes;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** The fake {@code codex} CLI (fakes/fake-codex.mjs, run by node) copied out of the classpath as an executable. */
public final class FakeCodexCli {
  private FakeCodexCli() {}

  /** Writes {@code dir/codex} and returns its path. */
  public static Path install(Path dir) {
    try (InputStream in = FakeCodexCli.class.getResourceAsStream("/fakes/fake-codex.mjs")) {
      if (in == null) throw new IllegalStateException("fakes/fake-codex.mjs is not on the classpath");
      Files.createDirectories(dir);
      Path bin = dir.resolve("codex");
      Files.copy(in, bin, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
