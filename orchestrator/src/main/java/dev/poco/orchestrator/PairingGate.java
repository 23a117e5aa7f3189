package dev.poco.orchestrator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The pairing code and who may still guess it. A code is 12 symbols of an unambiguous 30-letter alphabet
 * (about 59 bits); a user who misses {@link #USER_MISSES} times is locked out for a minute, twice as long
 * each time after; all users together get a budget of misses that refills slowly. A miss never spends or
 * replaces the code, so nobody can lock the owner out of their own code; only its age does. No I/O: the
 * caller runs it on one thread and does the storing and printing.
 */
final class PairingGate {
  /** No 0/O, 1/I/L or U: a code read off a terminal is typed back right. */
  static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";
  static final int CODE_LENGTH = 12;
  static final int USER_MISSES = 5;
  static final long FIRST_LOCK_MS = 60_000;
  static final long MAX_LOCK_MS = 24 * 3600_000L;
  /** Misses all users together may make at once, then one more per {@link #REFILL_MS}. */
  static final int GLOBAL_BUDGET = 100;
  static final long REFILL_MS = 10_000;
  /** Users remembered; past this the longest-known are forgotten (the global budget still holds). */
  static final int MAX_USERS = 10_000;

  enum Outcome { MATCH, MISS, USER_LOCKED, GLOBAL_LOCKED, EXPIRED, CLOSED }

  /** @param retryAfterMs when the user may try again (locked outcomes), else 0 */
  record Verdict(Outcome outcome, long retryAfterMs, boolean lockedNow) {}

  private static final class UserState {
    int misses;
    int lockouts;
    long lockedUntil;
  }

  private final LongSupplier clock;
  private final long ttlMs;
  private final Map<String, UserState> users = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, UserState> e) { return size() > MAX_USERS; }
  };
  private String code;
  private long expiresAt;
  private double budget = GLOBAL_BUDGET;
  private long budgetAt;

  PairingGate(LongSupplier clock, long ttlMs) {
    this.clock = clock;
    this.ttlMs = ttlMs;
    this.budgetAt = clock.getAsLong();
  }

  /** A fresh code such as "7KQM-X4RT-9BZC". */
  static String newCode(SecureRandom random) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < CODE_LENGTH; i++) {
      if (i > 0 && i % 4 == 0) sb.append('-');
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** What a person typed, compared without case, spaces or dashes. */
  static String canonical(String typed) {
    if (typed == null) return "";
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < typed.length(); i++) {
      char c = typed.charAt(i);
      if (c != '-' && c != ' ' && c != '_' && c != '.' && !Character.isWhitespace(c)) sb.append(c);
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  /** Opens pairing with {@code newCode}, valid for the gate's time to live; earlier misses are kept. */
  void open(String newCode) {
    code = canonical(newCode);
    expiresAt = clock.getAsLong() + ttlMs;
  }

  void close() { code = null; }

  boolean isOpen() { return code != null; }

  long expiresAt() { return expiresAt; }

  /** One /pair attempt by {@code user}; a locked user's guess is not even compared. */
  Verdict attempt(String user, String typed) {
    long now = clock.getAsLong();
    if (code == null) return new Verdict(Outcome.CLOSED, 0, false);
    UserState u = users.get(user);
    if (u != null && u.lockedUntil > now) return new Verdict(Outcome.USER_LOCKED, u.lockedUntil - now, false);
    refill(now);
    if (budget < 1) return new Verdict(Outcome.GLOBAL_LOCKED, (long) Math.ceil((1 - budget) * REFILL_MS), false);
    if (now >= expiresAt) return new Verdict(Outcome.EXPIRED, 0, false);
    if (MessageDigest.isEqual(canonical(typed).getBytes(StandardCharsets.UTF_8), code.getBytes(StandardCharsets.UTF_8))) {
      users.remove(user);
      return new Verdict(Outcome.MATCH, 0, false);
    }
    budget -= 1;
    if (u == null) {
      u = new UserState();
      users.put(user, u);
    }
    if (++u.misses < USER_MISSES) return new Verdict(Outcome.MISS, 0, false);
    u.misses = 0;
    long lock = Math.min(MAX_LOCK_MS, FIRST_LOCK_MS << Math.min(u.lockouts, 20));
    u.lockouts++;
    u.lockedUntil = now + lock;
    return new Verdict(Outcome.MISS, lock, true);
  }

  private void refill(long now) {
    if (now > budgetAt) {
      budget = Math.min(GLOBAL_BUDGET, budget + (now - budgetAt) / (double) REFILL_MS);
      budgetAt = now;
    }
  }
}
