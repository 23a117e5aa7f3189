package dev.poco.gatewaykit;

/**
 * What is new in a task's live output, from its renders (RenderRequest javadoc): a running render carries the live
 * tail (the view body, "…" + the last characters when cut) and the total length so far
 * ({@code view.refs.output_chars}). What is new since the last render is the tail's last {@code total - seen}
 * characters. More new output than the tail holds (a gap: renders were coalesced upstream) is marked with "…" rather
 * than invented; a total that went down means the output started again (a new turn). Holds no text, only the count:
 * Feishu rebuilds the full text from it, Slack appends it to a stream. Not thread-safe.
 */
public final class LiveOutput {
  /** Put between what was shown and a tail when output in between was never seen. */
  public static final String GAP = "\n\n…\n\n";

  /**
   * The text to add.
   *
   * @param restarted true when the output started again: {@code text} begins it anew (a first render is not a restart)
   */
  public record Change(String text, boolean restarted) {}

  private long seen = -1;
  private long gaps;

  /**
   * Takes one running render's body and total; answers what to add, or null when nothing is new (no output yet: the
   * body is the status line shown before any output, such as "Working…"; or the same total again).
   */
  public Change next(String body, long total) {
    if (body == null || total <= 0) return null;
    String tail = body.startsWith("…") && total >= body.length() ? body.substring(1) : body;
    Change c;
    if (seen < 0 || total < seen) {
      c = new Change((total > tail.length() ? "…" : "") + tail, seen >= 0);
    } else if (total == seen) {
      return null;
    } else {
      long delta = total - seen;
      if (delta <= tail.length()) {
        c = new Change(tail.substring(tail.length() - (int) delta), false);
      } else {
        gaps++;
        c = new Change(GAP + tail, false);
      }
    }
    seen = total;
    return c;
  }

  /** The output length accounted for so far, -1 before any output. */
  public long seen() { return seen; }

  /** Renders whose new output was more than their tail held. */
  public long gaps() { return gaps; }

  /** Forgets the count: the next render starts afresh. */
  public void reset() { seen = -1; }
}
