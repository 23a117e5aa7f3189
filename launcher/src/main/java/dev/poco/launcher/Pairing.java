package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The one-time pairing code the server leaves in POCO_PAIRING_CODE_FILE until the owner has paired. */
final class Pairing {
  private Pairing() {}

  static Optional<String> hint(JsonObject config) {
    String file = new Settings(config).str(ConfigKeys.PAIRING_CODE_FILE, null);
    if (file == null) return Optional.empty();
    try {
      String code = Files.readString(Path.of(file)).trim();
      return code.isEmpty() ? Optional.empty()
          : Optional.of("Pairing code: " + code + " \u2014 send `/pair " + code + "` to the bot");
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
