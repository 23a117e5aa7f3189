package dev.poco.testkit;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The fake ACP agent (fakes/fake-acp.mjs, run by node) installed as an executable file, and what it logged. */
public final class FakeAcpAgent {
  private FakeAcpAgent() {}

  /** Copies the fake into {@code dir} (resources lose their executable bit) and returns its path. */
  public static Path install(Path dir) {
    try (InputStream in = FakeAcpAgent.class.getResourceAsStream("/fakes/fake-acp.mjs")) {
      if (in == null) throw new IllegalStateException("fakes/fake-acp.mjs is not on the classpath");
      Files.createDirectories(dir);
      Path out = dir.resolve("fake-acp.mjs");
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
      if (!out.toFile().setExecutable(true)) throw new IllegalStateException("cannot make " + out + " executable");
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every message the fake received while HOME was {@code agentHome}, in order. */
  public static List<JsonObject> log(Path agentHome) {
    Path file = agentHome.resolve(".fake-acp/log.jsonl");
    try {
      if (!Files.exists(file)) return List.of();
      return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).map(JsonObject::new).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
