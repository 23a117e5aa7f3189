package dev.poco.launcher;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads $POCO_HOME/poco.log, which only ever grows (the server appends to it on every start). */
final class LogFile {
  /** What the HTTP edge logs once bound; the only way to learn a port chosen by POCO_HTTP_PORT=0. */
  private static final Pattern EDGE = Pattern.compile("HTTP edge listening on (http://\\S+)");
  private static final int TAIL_BYTES = 64 * 1024;

  private final Path file;

  LogFile(Path file) { this.file = file; }

  long size() {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  /** The last {@code n} lines, secrets masked. */
  List<String> tail(int n) {
    List<String> lines = from(Math.max(0, size() - TAIL_BYTES)).lines().toList();
    return lines.subList(Math.max(0, lines.size() - n), lines.size()).stream().map(SecretMasking::mask).toList();
  }

  /** The edge URL logged at or after {@code offset}, the most recent one, or null. */
  String edgeUrlSince(long offset) {
    Matcher m = EDGE.matcher(from(offset));
    String url = null;
    while (m.find()) url = m.group(1);
    return url;
  }

  /** The last line containing {@code text} logged at or after {@code offset}, secrets masked, or null. */
  String lastLineSince(long offset, String text) {
    String last = null;
    for (String line : (Iterable<String>) from(offset).lines()::iterator) {
      if (line.contains(text)) last = line;
    }
    return last == null ? null : SecretMasking.mask(last);
  }

  private String from(long offset) {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      if (offset >= len) return "";
      byte[] buf = new byte[(int) Math.min(len - offset, 8L * 1024 * 1024)];
      f.seek(len - buf.length);
      f.readFully(buf);
      return new String(buf, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
