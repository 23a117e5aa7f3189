package dev.poco.orchestrator;

import java.util.concurrent.ThreadLocalRandom;

/** Short random ids: unambiguous letters and digits, easy to type in a chat ("/approve t_k3m9x2q7hb4c"). */
final class Ids {
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();

  private Ids() {}

  static String next(String prefix, int length) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    StringBuilder sb = new StringBuilder(prefix.length() + length).append(prefix);
    for (int i = 0; i < length; i++) sb.append(ALPHABET[r.nextInt(ALPHABET.length)]);
    return sb.toString();
  }

  static String task() { return next("t_", 12); }

  static String project() { return next("p_", 10); }

  static String request() { return next("r_", 10); }
}
