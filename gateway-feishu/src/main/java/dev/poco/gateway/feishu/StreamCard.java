package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.CallBudget;

/**
 * What the gateway knows of one task card's CardKit entity (feishu.md §11): its id and message, whether streaming is
 * open and since when, the state and text shown, the transcript, and the card's single writer's {@code sequence}. The
 * sequence is the milliseconds since the entity was created (strictly increasing, never below the last one sent), so
 * a writer that starts again after a restart continues above what was sent without a stored counter (GATEWAYS.md).
 * Used on the renderer's context only.
 */
final class StreamCard {
  final String cardKey;
  /** Epoch ms just before the entity was created: the sequence's origin. */
  final long createdAt;
  final CallBudget budget;
  final Transcript transcript = new Transcript();
  String cardId;
  String messageId;
  boolean streaming;
  long openedAt;
  /** Streaming gave up on this card (closed for good, or too large): text goes by full updates. */
  boolean streamBroken;
  String stateSig;
  String shownText;
  long lastSequence;

  StreamCard(String cardKey, long createdAt, CallBudget budget) {
    this.cardKey = cardKey;
    this.createdAt = createdAt;
    this.budget = budget;
  }

  /** The reference the orchestrator keeps for this card (see {@link CardRef}). */
  String ref() { return new CardRef(messageId, cardId, createdAt).encode(); }

  /** The next write's sequence: elapsed ms since creation, strictly above the last one (§11.3: int32, from 1). */
  long nextSequence(long nowMs) {
    long s = Math.max(lastSequence + 1, Math.max(1, nowMs - createdAt));
    lastSequence = Math.min(s, Integer.MAX_VALUE);
    return lastSequence;
  }

  /** After a 300317 (another writer went higher, or a clock step back): jump ahead, then retry. */
  void resync(long bumpMs) { lastSequence = Math.min(Integer.MAX_VALUE - 1, lastSequence + bumpMs); }
}
