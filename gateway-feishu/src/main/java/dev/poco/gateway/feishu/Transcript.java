package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.LiveOutput;
import dev.poco.gatewaykit.Markdown;

/**
 * The full text so far of a task's live output, rebuilt from renders with gateway-kit's {@link LiveOutput} (what is
 * new in each render's tail; a gap is marked with "…" rather than invented). Kept under a byte budget so the card
 * stays under 30 KB (§11.2): past it the oldest part is cut, and the text says so.
 */
final class Transcript {
  /** Text bytes that start a cut: the card (≤ 30 KB) also holds the header, fields and buttons. */
  static final int MAX_BYTES = 20_000;
  /** Bytes kept after a cut: cuts are rare (each costs the typewriter animation once). */
  static final int KEEP_BYTES = 12_000;
  static final String CUT_NOTE = "*… earlier output is left out here (the card's size limit); the result has it all*\n\n…";

  private final StringBuilder text = new StringBuilder();
  private final LiveOutput live = new LiveOutput();
  private long cuts;

  /**
   * Takes a running render's tail and total; answers the full text so far, or null when there is no output yet (the
   * body is the status line shown before any output, such as "Working…").
   */
  String apply(String body, long total) {
    LiveOutput.Change c = live.next(body, total);
    if (c == null) return live.seen() < 0 ? null : text.toString();
    if (c.restarted()) text.setLength(0); // the output started again (a new turn): show it from its start
    text.append(c.text());
    if (Markdown.utf8Bytes(text.toString()) > MAX_BYTES) {
      cuts++;
      String kept = Markdown.truncateBytes(new StringBuilder(text).reverse().toString(), KEEP_BYTES);
      text.setLength(0);
      text.append(CUT_NOTE).append(new StringBuilder(kept).reverse());
    }
    return text.toString();
  }

  /** Forgets the text (the task ended: its card shows the result now), so ended cards hold no output in memory. */
  void clear() {
    text.setLength(0);
    text.trimToSize();
    live.reset();
  }

  /** The text so far, or null before any output. */
  String text() { return live.seen() < 0 ? null : text.toString(); }

  long chars() { return live.seen(); }

  long gaps() { return live.gaps(); }

  long cuts() { return cuts; }
}
