package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkdownTest {

  @Test
  void slackEscapesOnlyItsThreeControlCharacters() {
    assertThat(Markdown.escapeSlack("a < b && c > d *x* _y_")).isEqualTo("a &lt; b &amp;&amp; c &gt; d *x* _y_");
    assertThat(Markdown.escapeSlack(null)).isEmpty();
  }

  @Test
  void feishuEscapesFormattingStartersAndLineStartMarkers() {
    assertThat(Markdown.escapeFeishu("**bold** _i_ `c` [l](u) <at id=1> a|b ~s~ \\"))
        .isEqualTo("&#42;&#42;bold&#42;&#42; &#95;i&#95; &#96;c&#96; &#91;l&#93;(u) &#60;at id=1&#62; a&#124;b"
            + " &#126;s&#126; &#92;");
    assertThat(Markdown.escapeFeishu("# title\n- item\n  + more\n12. twelve\nv1.2 - x # y"))
        .isEqualTo("&#35; title\n&#45; item\n  &#43; more\n12&#46; twelve\nv1.2 - x # y");
    assertThat(Markdown.escapeFeishu("中文 plain")).isEqualTo("中文 plain");
  }

  @Test
  void viewMarkdownBecomesSlackMrkdwn() {
    assertThat(Markdown.toSlackMrkdwn("**Done** in *3 s*: see [the diff](https://x.test/d?a=1&b=2) ~~old~~"))
        .isEqualTo("*Done* in _3 s_: see <https://x.test/d?a=1&amp;b=2|the diff> ~old~");
    assertThat(Markdown.toSlackMrkdwn("## Result\n- one\n* two\n  - nested\n1. first"))
        .isEqualTo("*Result*\n• one\n• two\n  • nested\n1. first");
    assertThat(Markdown.toSlackMrkdwn("use `a < b` and **x<y**")).isEqualTo("use `a &lt; b` and *x&lt;y*");
    assertThat(Markdown.toSlackMrkdwn("[https://a.test](https://a.test)")).isEqualTo("<https://a.test>");
    assertThat(Markdown.toSlackMrkdwn("a ** b and 2 * 3 * 4")).isEqualTo("a ** b and 2 * 3 * 4");
  }

  @Test
  void markdownEscapesShowTheirCharacterWithoutTheBackslash() {
    // the orchestrator shows a project name as itself by escaping it (Views.plain)
    assertThat(Markdown.toSlackMrkdwn("- **api\\_server\\(2\\)** · a\\*b\\*c · x \\< y"))
        .isEqualTo("• *api_server(2)* · a*b*c · x &lt; y");
    assertThat(Markdown.toSlackMrkdwn("C:\\dir and \\n stay")).isEqualTo("C:\\dir and \\n stay");
    assertThat(Markdown.toSlackMrkdwn("`a\\_b`")).as("no escapes in code").isEqualTo("`a\\_b`");
  }

  @Test
  void fencesKeepTheirContentVerbatimExceptEscapes() {
    String md = "before **b**\n```java\nif (a < b && **c**) {}\n- not a list\n```\nafter";
    assertThat(Markdown.toSlackMrkdwn(md))
        .isEqualTo("before *b*\n```\nif (a &lt; b &amp;&amp; **c**) {}\n- not a list\n```\nafter");
  }

  @Test
  void utf8SizesCountCjkAsThreeBytesAndEmojiAsFour() {
    for (String s : List.of("", "abc", "é", "中文", "🙂", "a中🙂é", "\ud800x")) {
      assertThat(Markdown.utf8Bytes(s)).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
    }
    assertThat(Markdown.utf8Bytes("中文")).isEqualTo(6);
  }

  @Test
  void truncationNeverSplitsACodePoint() {
    assertThat(Markdown.truncateBytes("中文字", 7)).isEqualTo("中文");
    assertThat(Markdown.truncateBytes("中文字", 9)).isEqualTo("中文字");
    assertThat(Markdown.truncateBytes("a🙂b", 4)).isEqualTo("a");
    assertThat(Markdown.truncateBytes("a🙂b", 5)).isEqualTo("a🙂");
    assertThat(Markdown.truncateBytes("abc", 0)).isEmpty();
    assertThat(Markdown.truncateChars("a🙂b", 2)).isEqualTo("a");
    assertThat(Markdown.truncateChars("a🙂b", 3)).isEqualTo("a🙂");
    assertThat(Markdown.truncateChars("abc", 10)).isEqualTo("abc");
  }

  @Test
  void pagesSplitAtLineEndsAndConcatenateToTheText() {
    String text = "line one\nline two\nline three\n";
    List<String> pages = Markdown.pages(text, 12);
    assertThat(pages).containsExactly("line one\n", "line two\n", "line three\n");
    assertThat(String.join("", pages)).isEqualTo(text);
    assertThat(Markdown.pages("", 10)).containsExactly("");
    assertThat(Markdown.pages("short", 10)).containsExactly("short");
    assertThatThrownBy(() -> Markdown.pages("x", 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aLineLongerThanAPageIsCutAtACodePointBoundary() {
    List<String> pages = Markdown.pages("🙂🙂🙂", 3);
    assertThat(pages).containsExactly("🙂", "🙂", "🙂");
    assertThat(Markdown.pages("abcdefgh", 3)).containsExactly("abc", "def", "gh");
  }

  @Test
  void aFenceCrossingAPageBreakIsClosedAndReopened() {
    StringBuilder md = new StringBuilder("Output:\n```bash\n");
    for (int i = 0; i < 10; i++) md.append("echo line number ").append(i).append('\n');
    md.append("```\ndone\n");
    List<String> pages = Markdown.pages(md.toString(), 100);
    assertThat(pages).hasSizeGreaterThan(1);
    for (String page : pages) {
      assertThat(page.length()).isLessThanOrEqualTo(100);
      assertThat(page.split("\n", -1)).filteredOn(l -> l.startsWith("```")).hasSize(2);
    }
    assertThat(pages.get(0)).startsWith("Output:\n```bash\n").endsWith("\n```");
    assertThat(pages.get(1)).startsWith("```bash\necho line number");
    assertThat(pages.get(pages.size() - 1)).endsWith("```\ndone\n");
    // stripping the added closers and reopeners gives the text back
    StringBuilder back = new StringBuilder();
    for (int i = 0; i < pages.size(); i++) {
      String p = pages.get(i);
      if (i > 0) p = p.substring("```bash\n".length());
      if (i < pages.size() - 1) p = p.substring(0, p.length() - "```".length());
      back.append(p);
    }
    assertThat(back.toString()).isEqualTo(md.toString());
  }
}
