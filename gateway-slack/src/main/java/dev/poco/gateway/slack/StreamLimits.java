package dev.poco.gateway.slack;

/**
 * The budgets {@link SlackStreamer} keeps to (slack.md §10.5): appendStream is Tier 4 (~100/min per workspace, shared
 * by every stream), startStream and stopStream Tier 2 (~20/min), each read with a margin; a stream is rolled over
 * before the ~5-minute server-side expiry (§10.2: ~4 minutes is the safe point); one stream buffers at least
 * {@code appendIntervalMs} of text per append (§10.5: "buffer more text per call"); a stream's unsent text is bounded.
 *
 * @param windowMs the window of the three call budgets
 * @param maxPendingChars unsent text one stream holds; past it the oldest unsent part is left out and the thread
 *     says how much
 */
record StreamLimits(int appendsPerWindow, int startsPerWindow, int stopsPerWindow, long windowMs, long rolloverAfterMs,
    long appendIntervalMs, int maxPendingChars) {
  static final StreamLimits SLACK = new StreamLimits(90, 18, 18, 60_000, 4 * 60_000, 1_000, 256 * 1024);
}
