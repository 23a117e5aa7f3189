package dev.poco.contract;

/**
 * Where a {@link Reply}'s view goes. The orchestrator chooses; a gateway maps each to its platform (Slack: the
 * interaction's response_url, chat.postEphemeral; Feishu: the callback's card answer, a new message, a toast).
 */
public final class Placement {
  private Placement() {}

  /** Replace the card that was clicked (a card action only; from a message it is posted like NEW). */
  public static final String REPLACE = "replace";
  /** Post the view as a new message in the chat (in the thread, if any). */
  public static final String NEW = "new";
  /** Show the view to the acting user only (refusals, "not allowed", Slack's /poco home). */
  public static final String EPHEMERAL = "ephemeral";
  /**
   * Show the toast, if any, and nothing else: the change appears on a card the orchestrator renders (a task's own
   * card, the workspace card). The view is for surfaces without cards (the demo API).
   */
  public static final String TOAST = "toast";

  public static boolean known(String p) {
    return REPLACE.equals(p) || NEW.equals(p) || EPHEMERAL.equals(p) || TOAST.equals(p);
  }
}
