package dev.poco.contract;

/**
 * Bounds on a task's text, shared by every role so no message, list or card carries a whole prompt or output.
 * Lengths and offsets count characters as Java and JSON strings do (UTF-16 code units).
 */
public final class TaskText {
  private TaskText() {}

  /** The live output a task carries in memory, on the bus and in its row: the newest characters. */
  public static final int TAIL_CHARS = 32 * 1024;
  /** Largest piece of output in one bus message (a runner's DELTA, an append to the store). */
  public static final int CHUNK_CHARS = 64 * 1024;
  /** The full output kept in the store; what comes after is dropped and a marker says how much. */
  public static final int STORED_MAX_CHARS = 16 * 1024 * 1024;
  /** The final answer a FINISHED event and a task carry; a longer one keeps its head and a marker. */
  public static final int RESULT_MAX_CHARS = 64 * 1024;
  /** Largest page of output one /tasks/{id} read returns. */
  public static final int PAGE_MAX_CHARS = 1024 * 1024;
  /** A summary's head and tail, and the length up to which a text is its own summary. */
  static final int SUMMARY_HEAD = 600;
  static final int SUMMARY_TAIL = 200;
  public static final int SUMMARY_MAX_CHARS = 1_000;
  /** The output a task in a list carries: its last characters. */
  public static final int LIST_OUTPUT_CHARS = 1_000;

  /** {@code text} itself when short, else its first and last few hundred characters around a note of what was left out. */
  public static String summary(String text) {
    if (text == null || text.length() <= SUMMARY_MAX_CHARS) return text;
    int head = safeEnd(text, SUMMARY_HEAD);
    int tail = safeStart(text, text.length() - SUMMARY_TAIL);
    return text.substring(0, head) + "\n… [" + (tail - head) + " characters omitted] …\n" + text.substring(tail);
  }

  /** The last {@code max} characters of {@code text} (never starting inside a surrogate pair). */
  public static String tail(String text, int max) {
    if (text == null || text.length() <= max) return text;
    return text.substring(safeStart(text, text.length() - max));
  }

  /** The first {@code max} characters and a marker saying how many more there were. */
  public static String capped(String text, int max) {
    if (text == null || text.length() <= max) return text;
    int end = safeEnd(text, max);
    return text.substring(0, end) + "\n… [" + (text.length() - end) + " more characters not shown]";
  }

  /** {@code at}, moved back one when it would split a surrogate pair. */
  public static int safeEnd(CharSequence text, int at) {
    if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))
        && Character.isHighSurrogate(text.charAt(at - 1))) {
      return at - 1;
    }
    return at;
  }

  private static int safeStart(String text, int at) {
    if (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) return at + 1;
    return at;
  }
}
