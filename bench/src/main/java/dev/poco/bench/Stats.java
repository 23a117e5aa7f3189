package dev.poco.bench;

import java.util.Arrays;

/** Median and percentiles of a sample, in microseconds. */
final class Stats {
  private final long[] sorted;

  Stats(long[] nanos) {
    sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  double percentileMicros(double p) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100.0 * sorted.length) - 1));
    return sorted[i] / 1_000.0;
  }

  double medianMicros() { return percentileMicros(50); }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }
}
