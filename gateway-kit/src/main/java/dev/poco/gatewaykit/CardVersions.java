package dev.poco.gatewaykit;

import dev.poco.contract.RenderRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A gateway's memory of the cards it has shown, from {@link RenderRequest}s: the highest version shown per
 * {@code card_key} (a render not newer is stale: ack it with {@code stale=true} and change nothing) and the message
 * that shows the card (so a repeated post of the same card, a retry whose ack was lost, patches that message instead
 * of posting twice). Bounded: the least recently used card is forgotten beyond {@code maxCards}; a forgotten card's
 * next render is simply shown. Not thread-safe: use it on the one context that renders.
 */
public final class CardVersions {
  public static final int DEFAULT_MAX_CARDS = 10_000;

  /** What is known of one card. */
  public record Shown(long version, String messageId) {}

  private final LinkedHashMap<String, Shown> cards;

  public CardVersions() {
    this(DEFAULT_MAX_CARDS);
  }

  public CardVersions(int maxCards) {
    if (maxCards < 1) throw new IllegalArgumentException("maxCards must be positive: " + maxCards);
    this.cards = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Shown> eldest) {
        return size() > maxCards;
      }
    };
  }

  /** True when a version at least as new as {@code version} of this card was shown: drop it and ack stale. */
  public boolean isStale(String cardKey, long version) {
    Shown s = cards.get(cardKey);
    return s != null && version <= s.version();
  }

  /** True when {@code r} is stale (see {@link #isStale(String, long)}). */
  public boolean isStale(RenderRequest r) {
    return isStale(r.cardKey(), r.version());
  }

  /**
   * Records that {@code version} of the card is on the platform in {@code messageId} (a post's new message or the one
   * patched). A lower version than the one recorded does not lower it; a null message id keeps the known one.
   */
  public void shown(String cardKey, long version, String messageId) {
    Shown old = cards.get(cardKey);
    long v = old == null ? version : Math.max(old.version(), version);
    String m = messageId != null ? messageId : old == null ? null : old.messageId();
    cards.put(cardKey, new Shown(v, m));
  }

  /** The message this gateway posted (or patched) for the card, or null when it knows none. */
  public String postedMessage(String cardKey) {
    Shown s = cards.get(cardKey);
    return s == null ? null : s.messageId();
  }

  /**
   * The message a render should patch: its own {@code messageId}, or, for a post of a card this gateway already
   * posted, that message; null means post a new one.
   */
  public String messageToPatch(RenderRequest r) {
    return r.messageId() != null ? r.messageId() : postedMessage(r.cardKey());
  }

  /** The highest version shown of the card, or -1 when none is known. */
  public long highestVersion(String cardKey) {
    Shown s = cards.get(cardKey);
    return s == null ? -1 : s.version();
  }

  public int size() {
    return cards.size();
  }
}
