package dev.poco.testkit;

import dev.poco.agentrunner.StubBackend;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Tasks with big prompts and big outputs (the stub's {@code BIG:<n>}), and the whole output read back through
 * {@code /tasks/{id}} pages: for the memory test and the bench.
 */
public final class BigTasks {
  /** A prompt of about a MiB that, wrapped in the demo command's JSON, stays inside the edge's 1 MiB body limit. */
  public static final int PROMPT_CHARS = 1024 * 1024 - 512;

  private final Demo demo;
  private final Http http;

  public BigTasks(Http http) {
    this.http = http;
    this.demo = new Demo(http);
  }

  /** The prompt of task {@code i}: asks the stub for {@code outputChars} characters, padded to PROMPT_CHARS. */
  public static String prompt(int i, long outputChars) {
    StringBuilder sb = new StringBuilder(PROMPT_CHARS).append("BIG:").append(outputChars).append(" task ").append(i)
        .append(' ');
    while (sb.length() < PROMPT_CHARS) sb.append("lorem ipsum dolor sit amet ");
    sb.setLength(PROMPT_CHARS - 1);
    return sb.append('.').toString(); // a prompt is stripped of blanks at its ends
  }

  /** Sends {@code n} big tasks spread over {@code chats} chats; their ids in order. */
  public List<String> submit(int n, int chats, long outputChars) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) ids.add(demo.run("c-big-" + (i % chats), prompt(i, outputChars)));
    return ids;
  }

  /** Waits until every task is terminal; their final JSON. */
  public List<JsonObject> awaitAll(List<String> ids, long maxMillis) {
    long end = System.currentTimeMillis() + maxMillis;
    List<JsonObject> out = new ArrayList<>();
    for (String id : ids) {
      JsonObject t = demo.task(id);
      while (!terminal(t) && System.currentTimeMillis() < end) {
        t = demo.awaitDone(id, (int) Math.max(1, Math.min(30, (end - System.currentTimeMillis()) / 1000)));
      }
      out.add(t);
    }
    return out;
  }

  private static boolean terminal(JsonObject t) {
    return List.of("completed", "failed", "cancelled", "interrupted").contains(t.getString("status"));
  }

  /** The whole output as /tasks/{id} pages give it: its length, SHA-256, page count and the first page's prompt. */
  public record Read(long chars, String sha256, int pages, String prompt) {}

  public Read readOutput(String taskId) {
    MessageDigest sha = sha256();
    long offset = 0;
    long chars = 0;
    int pages = 0;
    String prompt = null;
    while (true) {
      Http.Result r = http.get("/tasks/" + taskId + "?output_offset=" + offset);
      if (r.status() != 200 || r.json() == null) {
        throw new AssertionError("GET /tasks/" + taskId + "?output_offset=" + offset + " → " + r.status() + " "
            + (r.raw() == null ? "" : r.raw().substring(0, Math.min(300, r.raw().length()))));
      }
      JsonObject t = r.json();
      if (pages == 0) prompt = t.getString("prompt");
      String text = t.getString("output", "");
      sha.update(text.getBytes(StandardCharsets.UTF_8));
      chars += text.length();
      pages++;
      Long next = t.getLong("output_next_offset");
      if (next == null) return new Read(chars, HexFormat.of().formatHex(sha.digest()), pages, prompt);
      if (next <= offset) throw new AssertionError("page at " + offset + " does not move on: next " + next);
      offset = next;
    }
  }

  /** What {@link #readOutput} must give for a stub task asked for {@code chars} BIG characters. */
  public static String expectedSha256(long chars) {
    MessageDigest sha = sha256();
    for (long at = 0; at < chars; at += 1 << 20) {
      sha.update(StubBackend.bigText(at, (int) Math.min(1 << 20, chars - at)).getBytes(StandardCharsets.US_ASCII));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
