package dev.poco.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Real agent CLIs from the npm registry, installed once per checkout by {@code scripts/npm-tool}
 * into the ignored {@code .tools/} folder. Tests that drive a real CLI call {@link #bin}.
 */
public final class NpmTools {
  private NpmTools() {}

  /** The repository root: the nearest folder up from the working dir holding scripts/npm-tool. */
  public static Path repoRoot() {
    Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    while (dir != null && !Files.isExecutable(dir.resolve("scripts/npm-tool"))) dir = dir.getParent();
    if (dir == null) throw new IllegalStateException("scripts/npm-tool not found above " + System.getProperty("user.dir"));
    return dir;
  }

  /** Installs {@code pkg@version} if needed and returns the path of its executable {@code command}. */
  public static Path bin(String pkg, String version, String command) {
    try {
      Process p = new ProcessBuilder(repoRoot().resolve("scripts/npm-tool").toString(), pkg, version)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("could not install " + pkg + "@" + version + " from npm");
      }
      Path bin = Path.of(out).resolve(command);
      if (!Files.isExecutable(bin)) throw new IllegalStateException(bin + " is missing after installing " + pkg);
      return bin;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
