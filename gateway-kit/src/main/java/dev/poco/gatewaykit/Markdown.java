package dev.poco.gatewaykit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text helpers both gateways need: escaping for Slack mrkdwn and Feishu markdown, PoCo's View Markdown turned into
 * Slack mrkdwn, UTF-8 sizes (Feishu counts bytes, CJK 3 each), truncation at a code-point boundary, and pagination
 * that keeps ``` fences balanced on every page. Stateless and thread-safe.
 */
public final class Markdown {
  private Markdown() {}

  private static final String FENCE = "```";
  /** Below this page size fences are not closed and reopened: the fence lines would not leave room for text. */
  static final int FENCE_AWARE_MIN_CHARS = 64;
  private static final int MAX_FENCE_OPENER = 16;
  private static final Pattern LINK = Pattern.compile("\\[([^\\]\\n]*)\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern BULLET = Pattern.compile("^(\\s*)[-*+]\\s+(.*)$");

  // ---- escaping ----

  /** Plain text for Slack mrkdwn or plain_text: only {@code & < >} are control characters there (as entities). */
  public static String escapeSlack(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /**
   * Plain text for a Feishu markdown / lark_md element: the characters that start formatting anywhere (emphasis,
   * strike, code, links, mentions and HTML-ish tags, tables, backslash escapes) become HTML numeric entities, which
   * Feishu renders as the character; list and heading markers only at the start of a line, so ordinary text stays
   * small (the card limit is in bytes).
   */
  public static String escapeFeishu(String text) {
    if (text == null) return "";
    StringBuilder out = new StringBuilder(text.length() + 16);
    boolean lineStart = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&', '<', '>', '*', '_', '~', '`', '[', ']', '\\', '|' -> out.append("&#").append((int) c).append(';');
        case '#', '-', '+' -> {
          if (lineStart) out.append("&#").append((int) c).append(';');
          else out.append(c);
        }
        case '.' -> { // "1. item" starts a numbered list: escape the dot of a leading number
          if (leadingNumber(out)) out.append("&#46;");
          else out.append(c);
        }
        default -> out.append(c);
      }
      if (c == '\n') lineStart = true;
      else if (c != ' ' && c != '\t') lineStart = false;
    }
    return out.toString();
  }

  /** True when the current line of {@code out} so far is optional blanks and then digits only. */
  private static boolean leadingNumber(StringBuilder out) {
    int i = out.length() - 1;
    int digits = 0;
    while (i >= 0 && Character.isDigit(out.charAt(i))) { i--; digits++; }
    if (digits == 0) return false;
    while (i >= 0 && (out.charAt(i) == ' ' || out.charAt(i) == '\t')) i--;
    return i < 0 || out.charAt(i) == '\n';
  }

  /** A ``` fence line as CommonMark reads it: at most three spaces of indent (more is an indented code line). */
  static boolean isFenceLine(String line) {
    int i = 0;
    while (i < line.length() && i < 4 && line.charAt(i) == ' ') i++;
    return i <= 3 && line.startsWith(FENCE, i);
  }

  // ---- View Markdown -> Slack mrkdwn ----

  /**
   * PoCo's View Markdown as Slack mrkdwn: {@code **bold**} → {@code *bold*}, {@code *italic*} → {@code _italic_},
   * {@code ~~strike~~} → {@code ~strike~}, {@code [text](url)} → {@code <url|text>}, headings → bold lines, bullets →
   * "•", ``` fences kept (a language tag dropped; Slack shows it as text), inline code kept, a backslash escape
   * ({@code \\_}) as its character alone; all other text escaped.
   */
  public static String toSlackMrkdwn(String markdown) {
    if (markdown == null || markdown.isEmpty()) return "";
    String[] lines = markdown.split("\n", -1);
    StringBuilder out = new StringBuilder(markdown.length() + 32);
    boolean inFence = false;
    for (int n = 0; n < lines.length; n++) {
      if (n > 0) out.append('\n');
      String line = lines[n];
      if (isFenceLine(line)) {
        inFence = !inFence;
        // an opener's language tag would show as text in Slack; a closer may carry nothing else anyway
        String indent = line.substring(0, line.indexOf(FENCE));
        out.append(indent).append(FENCE);
        continue;
      }
      if (inFence) {
        out.append(escapeSlack(line));
        continue;
      }
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        String inner = h.group(1);
        out.append(inner.isEmpty() ? "" : "*" + inlineSlack(stripBold(inner)) + "*");
        continue;
      }
      Matcher b = BULLET.matcher(line);
      if (b.matches()) {
        out.append(b.group(1)).append("• ").append(inlineSlack(b.group(2)));
        continue;
      }
      out.append(inlineSlack(line));
    }
    return out.toString();
  }

  /** A heading that is already bold would become "**x**" inside "*...*": drop the inner markers. */
  private static String stripBold(String s) {
    return s.startsWith("**") && s.endsWith("**") && s.length() > 4 ? s.substring(2, s.length() - 2) : s;
  }

  /** ASCII punctuation a backslash escapes in Markdown (CommonMark). */
  private static final String MARKDOWN_ESCAPABLE = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  /** One line (no fence) of inline Markdown as mrkdwn. */
  static String inlineSlack(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length() && MARKDOWN_ESCAPABLE.indexOf(s.charAt(i + 1)) >= 0) {
        // a Markdown escape ("api\_server", "\(x\)": how the orchestrator shows names as themselves): Slack mrkdwn
        // has no escapes and would show the backslash, so the character goes alone (and is not markup here)
        char next = s.charAt(i + 1);
        out.append(next == '&' ? "&amp;" : next == '<' ? "&lt;" : next == '>' ? "&gt;" : String.valueOf(next));
        i += 2;
        continue;
      }
      if (c == '`') {
        int end = s.indexOf('`', i + 1);
        if (end > i + 1) {
          out.append('`').append(escapeSlack(s.substring(i + 1, end))).append('`');
          i = end + 1;
          continue;
        }
      } else if (c == '[') {
        Matcher m = LINK.matcher(s).region(i, s.length());
        if (m.lookingAt()) {
          String url = m.group(2).replace("|", "%7C").replace(">", "%3E").replace("<", "%3C");
          String text = m.group(1);
          out.append('<').append(url.replace("&", "&amp;"));
          if (!text.isEmpty() && !text.equals(m.group(2))) out.append('|').append(escapeSlack(text));
          out.append('>');
          i = m.end();
          continue;
        }
      } else if (s.startsWith("**", i) || s.startsWith("__", i)) {
        String mark = s.substring(i, i + 2);
        int end = s.indexOf(mark, i + 2);
        if (end > i + 2) {
          out.append('*').append(inlineSlack(s.substring(i + 2, end))).append('*');
          i = end + 2;
          continue;
        }
      } else if (s.startsWith("~~", i)) {
        int end = s.indexOf("~~", i + 2);
        if (end > i + 2) {
          out.append('~').append(inlineSlack(s.substring(i + 2, end))).append('~');
          i = end + 2;
          continue;
        }
      } else if (c == '*' && i + 1 < s.length() && !Character.isWhitespace(s.charAt(i + 1))) {
        int end = s.indexOf('*', i + 1);
        if (end > i + 1 && !Character.isWhitespace(s.charAt(end - 1))) {
          out.append('_').append(inlineSlack(s.substring(i + 1, end))).append('_');
          i = end + 1;
          continue;
        }
      }
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
      i++;
    }
    return out.toString();
  }

  // ---- sizes ----

  /** The length of {@code s} in UTF-8, as {@code s.getBytes(UTF_8).length} counts it, without the copy. */
  public static int utf8Bytes(String s) {
    if (s == null) return 0;
    int bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) bytes += 1;
      else if (c < 0x800) bytes += 2;
      else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else if (Character.isSurrogate(c)) bytes += 1; // a lone surrogate is encoded as '?'
      else bytes += 3;
    }
    return bytes;
  }

  /** The longest prefix of {@code s} whose UTF-8 size is at most {@code maxBytes}, never splitting a code point. */
  public static String truncateBytes(String s, int maxBytes) {
    if (s == null) return "";
    int bytes = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int n = Character.charCount(cp);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : Character.isSurrogate((char) cp) ? 1 : cp < 0x10000 ? 3 : 4;
      if (bytes + size > maxBytes) break;
      bytes += size;
      i += n;
    }
    return s.substring(0, i);
  }

  /** The longest prefix of {@code s} of at most {@code maxChars} UTF-16 chars, never splitting a surrogate pair. */
  public static String truncateChars(String s, int maxChars) {
    if (s == null) return "";
    if (s.length() <= maxChars) return s;
    int end = Math.max(0, maxChars);
    if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))) end--;
    return s.substring(0, end);
  }

  // ---- pagination ----

  /**
   * Splits {@code text} into pages of at most {@code maxChars} chars each, at line ends when a line fits (a page
   * split there keeps its trailing newline), else inside the line at a code-point boundary. A ``` fence open at a
   * page break is closed at the end of that page and reopened (with its opener, language tag included) at the start
   * of the next, so every page renders on its own. With no fence crossing a break, the pages concatenate to the
   * text. Pages smaller than {@value #FENCE_AWARE_MIN_CHARS} chars ignore fences. An empty text is one empty page.
   */
  public static List<String> pages(String text, int maxChars) {
    if (maxChars < 1) throw new IllegalArgumentException("maxChars must be positive: " + maxChars);
    List<String> pages = new ArrayList<>();
    if (text == null || text.isEmpty()) {
      pages.add("");
      return pages;
    }
    new Paginator(maxChars, maxChars >= FENCE_AWARE_MIN_CHARS, pages).run(text);
    return pages;
  }

  /** The state of one {@link #pages} call. */
  private static final class Paginator {
    private final int max;
    private final boolean fenceAware;
    private final List<String> pages;
    private final StringBuilder cur = new StringBuilder();
    /** The page holds nothing but, when a fence was reopened, its opener line. */
    private boolean fresh = true;
    private boolean inFence;
    private String opener = FENCE;

    Paginator(int max, boolean fenceAware, List<String> pages) {
      this.max = max;
      this.fenceAware = fenceAware;
      this.pages = pages;
    }

    void run(String text) {
      int start = 0;
      while (start < text.length()) {
        int nl = text.indexOf('\n', start);
        int end = nl < 0 ? text.length() : nl + 1;
        add(text.substring(start, end), end == text.length());
        start = end;
      }
      if (!fresh) pages.add(cur.toString());
    }

    private void add(String seg, boolean last) {
      String body = seg.endsWith("\n") ? seg.substring(0, seg.length() - 1) : seg;
      boolean fenceLine = fenceAware && isFenceLine(body);
      boolean after = fenceLine != inFence;
      // room for the closing fence a break after this line would need (a last line is followed by no break)
      int closeNeed = after && !last ? FENCE.length() : 0;
      while (true) {
        if (cur.length() + seg.length() + closeNeed <= max) {
          cur.append(seg);
          fresh = false;
          if (fenceLine) {
            inFence = after;
            if (inFence) opener = seg.strip().length() <= MAX_FENCE_OPENER ? seg.strip() : FENCE;
          }
          return;
        }
        if (!fresh) {
          flush();
          continue;
        }
        // the line alone does not fit a page: cut it, as much as fits, at a code-point boundary. A fence line that
        // long still opens or closes its fence (its head carries the ```); the rest of it is text.
        boolean inFenceAfterHead = fenceLine ? after : inFence;
        int room = max - cur.length() - (inFenceAfterHead && fenceAware ? FENCE.length() + 1 : 0);
        String head = truncateChars(seg, Math.max(1, room));
        if (head.isEmpty()) head = seg.substring(0, Character.charCount(seg.codePointAt(0)));
        // a cut must not leave a rest that starts like a fence line (it would open a fence on the next page)
        while (fenceAware && head.length() > 1 && isFenceLine(seg.substring(head.length()))) {
          head = truncateChars(head, head.length() - 1);
        }
        if (head.isEmpty()) head = seg.substring(0, Character.charCount(seg.codePointAt(0)));
        cur.append(head);
        fresh = false;
        if (fenceLine) {
          inFence = after;
          if (inFence) opener = FENCE;
        }
        seg = seg.substring(head.length());
        flush();
        if (seg.isEmpty()) return;
        // the rest is text, unless no cut could avoid its looking like a fence line: then it acts as one
        fenceLine = fenceAware && isFenceLine(seg);
        after = fenceLine != inFence;
        closeNeed = after && !last ? FENCE.length() : 0;
      }
    }

    private void flush() {
      if (inFence && fenceAware) {
        if (cur.length() > 0 && cur.charAt(cur.length() - 1) != '\n') cur.append('\n');
        cur.append(FENCE);
      }
      pages.add(cur.toString());
      cur.setLength(0);
      fresh = true;
      if (inFence && fenceAware) cur.append(opener).append('\n');
    }
  }
}
