package dev.poco.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Figures per mode, one row per measure, printed as columns with the second mode's ratio to the first. */
final class SideBySide<M> {
  private record Cell(double value, String text) {}

  private final List<M> modes;
  private final Map<String, Map<M, Cell>> rows = new LinkedHashMap<>();

  SideBySide(List<M> modes) { this.modes = modes; }

  /** {@code value}, printed with {@code format} (one number), in row {@code label}, column {@code mode}. */
  void put(String label, M mode, double value, String format) {
    rows.computeIfAbsent(label, k -> new LinkedHashMap<>())
        .put(mode, new Cell(value, value < 0 || Double.isNaN(value) ? "-" : String.format(Locale.ROOT, format, value)));
  }

  void print() {
    int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
    StringBuilder head = new StringBuilder(String.format("  %-" + width + "s", ""));
    for (M m : modes) head.append(String.format("  %14s", m));
    if (modes.size() > 1) head.append(String.format("  %8s", modes.get(1) + "/" + modes.get(0)));
    System.out.println(head);
    rows.forEach((label, cells) -> {
      StringBuilder line = new StringBuilder(String.format("  %-" + width + "s", label));
      for (M m : modes) line.append(String.format("  %14s", cells.containsKey(m) ? cells.get(m).text() : "-"));
      if (modes.size() > 1 && cells.containsKey(modes.get(0)) && cells.containsKey(modes.get(1))) {
        double a = cells.get(modes.get(0)).value();
        double b = cells.get(modes.get(1)).value();
        if (a > 0 && b >= 0) line.append(String.format(Locale.ROOT, "  %7.2f×", b / a));
      }
      System.out.println(line);
    });
  }
}
