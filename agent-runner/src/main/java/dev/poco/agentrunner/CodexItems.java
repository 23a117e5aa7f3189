package dev.poco.agentrunner;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Codex thread items and approval requests as the card shows them: one short line, or an approval. */
final class CodexItems {
  private static final int LINE_MAX = 160;
  private static final int DETAIL_MAX = 3_000;
  /** Codex wraps commands as {@code /bin/bash -lc '<cmd>'}; the card shows the inner command. */
  private static final Pattern SHELL = Pattern.compile("^\\S*/(?:ba|z)?sh -l?c '(.*)'$", Pattern.DOTALL);

  private CodexItems() {}

  static String startedLine(JsonObject item) {
    return switch (item.getString("type", "")) {
      case "commandExecution" -> "$ " + shorten(command(item.getString("command")));
      case "fileChange" -> "edit " + shorten(String.join(", ", paths(item)));
      case "mcpToolCall" -> "tool " + item.getString("server", "?") + "." + item.getString("tool", "?");
      case "webSearch" -> "search " + shorten(item.getString("query", ""));
      default -> null;
    };
  }

  /** Only what the started line did not say: a command that failed or was declined, a change not applied. */
  static String completedLine(JsonObject item) {
    String status = item.getString("status", "");
    String type = item.getString("type", "");
    if ("commandExecution".equals(type)) {
      String cmd = shorten(command(item.getString("command")));
      if ("declined".equals(status)) return "declined: $ " + cmd;
      Integer code = item.getInteger("exitCode");
      if (code != null && code != 0) return "$ " + cmd + " → exit " + code;
    } else if ("fileChange".equals(type) && ("declined".equals(status) || "failed".equals(status))) {
      return status + ": edit " + shorten(String.join(", ", paths(item)));
    }
    return null;
  }

  static Approval commandApproval(JsonObject p) {
    String cmd = command(p.getString("command"));
    StringBuilder detail = new StringBuilder("```\n").append(cmd).append("\n```");
    if (p.getString("cwd") != null) detail.append("\nin ").append(p.getString("cwd"));
    if (p.getString("reason") != null) detail.append("\nreason: ").append(p.getString("reason"));
    return new Approval("command", "Run `" + shorten(cmd) + "`?", cap(detail.toString()), null);
  }

  /** The request carries no diff: it comes from the fileChange item started just before. */
  static Approval fileApproval(JsonObject p, JsonObject item) {
    List<String> paths = item == null ? List.of() : paths(item);
    StringBuilder detail = new StringBuilder();
    JsonArray changes = item == null ? new JsonArray() : item.getJsonArray("changes", new JsonArray());
    for (Object o : changes) {
      if (!(o instanceof JsonObject c)) continue;
      JsonObject kind = c.getJsonObject("kind");
      detail.append(c.getString("path", "?")).append(kind == null ? "" : " (" + kind.getString("type", "") + ")")
          .append('\n');
      if (c.getString("diff") != null) detail.append("```\n").append(c.getString("diff")).append("\n```\n");
    }
    if (p.getString("reason") != null) detail.append("reason: ").append(p.getString("reason"));
    if (detail.isEmpty()) detail.append("(codex did not say which files)");
    String title = paths.isEmpty() ? "Apply file changes?" : "Change " + shorten(String.join(", ", paths)) + "?";
    return new Approval("file_change", title, cap(detail.toString().strip()), null);
  }

  static String command(String raw) {
    if (raw == null) return "";
    Matcher m = SHELL.matcher(raw.strip());
    return m.matches() ? m.group(1) : raw.strip();
  }

  static List<String> paths(JsonObject item) {
    List<String> out = new ArrayList<>();
    for (Object o : item.getJsonArray("changes", new JsonArray())) {
      if (o instanceof JsonObject c && c.getString("path") != null) out.add(c.getString("path"));
    }
    return out;
  }

  static String shorten(String s) {
    String one = s.replace('\n', ' ');
    return one.length() <= LINE_MAX ? one : one.substring(0, LINE_MAX) + "…";
  }

  private static String cap(String s) { return s.length() <= DETAIL_MAX ? s : s.substring(0, DETAIL_MAX) + "\n…"; }
}
