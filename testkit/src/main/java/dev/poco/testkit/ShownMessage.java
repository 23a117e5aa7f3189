package dev.poco.testkit;

import dev.poco.contract.View;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A message the bot shows on the {@link RecordingGateway}'s platform: a card in a chat (posted by a render or by a
 * Reply), or an ephemeral card only one user sees. It keeps every view it has shown, oldest first.
 */
public final class ShownMessage {
  private final String messageId;
  private final String chatId;
  private final String visibleTo;
  private final String origin;
  private volatile String cardKey;
  private final List<View> views = new CopyOnWriteArrayList<>();

  ShownMessage(String messageId, String chatId, String visibleTo, String origin, String cardKey, View first) {
    this.messageId = messageId;
    this.chatId = chatId;
    this.visibleTo = visibleTo;
    this.origin = origin;
    this.cardKey = cardKey;
    views.add(first);
  }

  public String messageId() { return messageId; }

  public String chatId() { return chatId; }

  /** The only user who sees it (an ephemeral card), or null when the whole chat does. */
  public String visibleTo() { return visibleTo; }

  public boolean ephemeral() { return visibleTo != null; }

  /** "render" when an orchestrator render posted it, "reply" when a Reply placed it. */
  public String origin() { return origin; }

  /** The render card key bound to it ({@code task:<id>}, {@code workspace:...}), or null. */
  public String cardKey() { return cardKey; }

  /** What the user sees now. */
  public View view() { return views.get(views.size() - 1); }

  /** Every view shown, oldest first. */
  public List<View> history() { return List.copyOf(views); }

  /** The task status shown by each view of the history, nulls left out. */
  public List<String> statuses() {
    return views.stream().map(View::status).filter(s -> s != null).toList();
  }

  void show(View v) { views.add(v); }

  void bind(String key) { if (cardKey == null) cardKey = key; }

  @Override
  public String toString() {
    View v = view();
    return messageId + "@" + chatId + (visibleTo == null ? "" : "(only " + visibleTo + ")") + " [" + origin
        + (cardKey == null ? "" : " " + cardKey) + "] " + v.kind() + " '" + v.title() + "' status=" + v.status()
        + " views=" + views.size();
  }
}
