package dev.poco.launcher;

import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/** Replaces the current values of ConfigKeys.SECRETS wherever they appear in text bound for a log or the terminal. */
public final class SecretMasking {
  static final String MASK = "****";
  // shorter values would mask ordinary words; real tokens and secrets are far longer
  private static final int MIN_LENGTH = 4;
  private static volatile List<String> secrets = List.of();

  private SecretMasking() {}

  public static void install(JsonObject config) {
    secrets = ConfigKeys.SECRETS.stream()
        .map(config::getValue).filter(Objects::nonNull).map(Object::toString).map(String::trim)
        .filter(s -> s.length() >= MIN_LENGTH).distinct()
        .sorted(Comparator.comparingInt(String::length).reversed())
        .toList();
  }

  public static String mask(String text) {
    if (text == null) return null;
    String out = text;
    for (String s : secrets) {
      if (out.contains(s)) out = out.replace(s, MASK);
    }
    return out;
  }
}
