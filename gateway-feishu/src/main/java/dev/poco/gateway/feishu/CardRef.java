package dev.poco.gateway.feishu;

/**
 * A streamed task card's reference as the gateway hands it to the orchestrator in place of the bare message id
 * ({@code RenderAck.messageId}, {@code CardBound.messageId}): {@code om_…#cardkit:<card_id>@<created epoch ms>}. The
 * orchestrator keeps it opaquely with the task and sends it back in every render, so a gateway that restarted (or
 * another instance taking the card over) finds the card's CardKit entity again and continues its {@code sequence}
 * from the same origin, the milliseconds since the entity was created (feishu.md §11.3, GATEWAYS.md), instead of
 * falling back to message PATCH. A bare message id (a card message, or a card posted by an older gateway) has none.
 */
record CardRef(String messageId, String cardId, long createdAt) {
  static final String MARK = "#cardkit:";

  String encode() { return messageId + MARK + cardId + "@" + createdAt; }

  /** The entity named in {@code ref}, or null for a bare message id (or anything garbled). */
  static CardRef parse(String ref) {
    int i = ref == null ? -1 : ref.indexOf(MARK);
    if (i <= 0) return null;
    String rest = ref.substring(i + MARK.length());
    int at = rest.lastIndexOf('@');
    if (at <= 0) return null;
    try {
      return new CardRef(ref.substring(0, i), rest.substring(0, at), Long.parseLong(rest.substring(at + 1)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The Feishu message id in {@code ref} (itself when it is a bare message id). */
  static String messageOf(String ref) {
    int i = ref == null ? -1 : ref.indexOf(MARK);
    return i < 0 ? ref : ref.substring(0, i);
  }
}
