package dev.poco.orchestrator;

import dev.poco.contract.Bus;
import dev.poco.contract.Failures;
import java.text.Normalizer;
import java.util.Locale;

/** The one rule for project names, whichever path creates the project (a card's form, a demo chat's id). */
final class ProjectNames {
  static final int MAX_CODE_POINTS = 64;

  private ProjectNames() {}

  /** The name to store: trimmed and NFC-normalised; a 400 naming the problem when it is empty, too long or unprintable. */
  static String check(String raw) {
    String name = raw == null ? "" : raw.strip();
    // A cheap bound first, so a megabyte of text is refused before it is normalised.
    if (name.length() > MAX_CODE_POINTS * 4) throw tooLong();
    name = Normalizer.normalize(name, Normalizer.Form.NFC).strip();
    if (name.isEmpty()) throw Bus.error(Failures.BAD_REQUEST, "Project name is required.");
    if (name.codePointCount(0, name.length()) > MAX_CODE_POINTS) throw tooLong();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      int type = Character.getType(c);
      if (type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
          || (c >= '\u202A' && c <= '\u202E') || (c >= '\u2066' && c <= '\u2069')) {
        throw Bus.error(Failures.BAD_REQUEST, "Project name must be one line of printable text.");
      }
    }
    return name;
  }

  /** Equal for names a person would take for the same: compatibility-normalised and case-folded. */
  static String key(String name) {
    String n = Normalizer.normalize(name.strip(), Normalizer.Form.NFKC);
    return Normalizer.normalize(n.toLowerCase(Locale.ROOT), Normalizer.Form.NFKC);
  }

  private static RuntimeException tooLong() {
    return Bus.error(Failures.BAD_REQUEST, "Project name is longer than " + MAX_CODE_POINTS + " characters.");
  }
}
