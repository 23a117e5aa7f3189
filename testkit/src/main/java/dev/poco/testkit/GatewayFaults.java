package dev.poco.testkit;

/**
 * Faults a test scripts on a {@link RecordingGateway}, as a platform misbehaves: a slow post, refused renders,
 * renders never answered, a chat create slower than the orchestrator waits.
 */
public final class GatewayFaults {
  private long postAckDelayMs;
  private int failRenders;
  private boolean dropRenders;
  private long chatCreateDelayMs;
  private int loseAcks;

  /** The ack of every post (a render without message id) leaves {@code ms} after the message was made; 0: at once. */
  public synchronized GatewayFaults delayPostAcks(long ms) {
    postAckDelayMs = ms;
    return this;
  }

  /** The next {@code k} renders are refused by the platform: answered with failure 500, nothing shown. */
  public synchronized GatewayFaults failNextRenders(int k) {
    failRenders = k;
    return this;
  }

  /** While on, renders are received and recorded but never answered (the orchestrator's request times out). */
  public synchronized GatewayFaults dropRenders(boolean on) {
    dropRenders = on;
    return this;
  }

  /** The next {@code k} renders are shown on the platform but their acks are lost (never answered). */
  public synchronized GatewayFaults loseNextAcks(int k) {
    loseAcks = k;
    return this;
  }

  /** The next chat create makes its chat at once but answers only after {@code ms} (once). */
  public synchronized GatewayFaults delayNextChatCreate(long ms) {
    chatCreateDelayMs = ms;
    return this;
  }

  synchronized long postAckDelayMs() { return postAckDelayMs; }

  /** "drop", "fail", "lose_ack" or null for a render that goes through; counts a fail or a lost ack down. */
  synchronized String nextRender() {
    if (dropRenders) return "drop";
    if (failRenders > 0) {
      failRenders--;
      return "fail";
    }
    if (loseAcks > 0) {
      loseAcks--;
      return "lose_ack";
    }
    return null;
  }

  synchronized long takeChatCreateDelay() {
    long d = chatCreateDelayMs;
    chatCreateDelayMs = 0;
    return d;
  }
}
