package dev.poco.gatewaykit;

/**
 * The platform limits a gateway renders within, in one place so the gateways and the testkit's fake platforms use
 * the same numbers. Each cites its section of /work/shared/protocols/feishu.md or slack.md. A limit is never met by
 * truncating silently: a long text is paginated ({@link Markdown#pages}) and the card says so.
 */
public final class PlatformLimits {
  private PlatformLimits() {}

  // ---- Feishu ----

  /**
   * A card's JSON, in UTF-8 bytes (CJK counts 3): feishu.md §3 "Update a card" and §4 "Limits" ("≤ 30 KB"; a send or
   * patch over it fails with 230025), §11.2 for CardKit entities (200860). Read as 30 × 1024; keep a margin.
   */
  public static final int FEISHU_CARD_MAX_BYTES = 30 * 1024;
  /** Elements and components per card: feishu.md §4 "Limits" (3p) and §11.2 (300305 in the docs). */
  public static final int FEISHU_CARD_MAX_ELEMENTS = 200;
  /** Markdown tables per card: 4 or more fail with 230099/11310, feishu.md §11.2 (empirical, unconfirmed). */
  public static final int FEISHU_CARD_MAX_TABLES = 3;
  /** Text of one CardKit streaming write (the full text so far) in characters: feishu.md §11.1 "Stream text". */
  public static final int FEISHU_STREAM_CONTENT_MAX_CHARS = 100_000;
  /** Writes per second to one card entity (all CardKit operations share it): feishu.md §11.5. */
  public static final int FEISHU_CARD_WRITES_PER_SECOND = 10;
  /** Calls per second per app for each CardKit API and for message PATCH: feishu.md §11.1, §11.5. */
  public static final int FEISHU_APP_CALLS_PER_SECOND = 50;
  /** PATCH of one message: 5 QPS per message (feishu.md §3); the fallback path keeps to 1/s per card (GATEWAYS.md). */
  public static final int FEISHU_PATCH_PER_MESSAGE_PER_SECOND = 5;

  // ---- Slack ----

  /** Text of one section block (and of a mrkdwn text object) in characters: slack.md §4 "Size limits". */
  public static final int SLACK_SECTION_MAX_CHARS = 3_000;
  /** Text of one markdown block, and {@code markdown_text}: slack.md §4 "Size limits", §10.1, §10.4. */
  public static final int SLACK_MARKDOWN_BLOCK_MAX_CHARS = 12_000;
  /** Blocks per message (100 in modals): slack.md §4 "Size limits". */
  public static final int SLACK_MAX_BLOCKS = 50;
  /** Top-level {@code text} that chat.update accepts (msg_too_long above): slack.md §4 table and "Size limits". */
  public static final int SLACK_UPDATE_TEXT_MAX_CHARS = 4_000;
  /** Top-level {@code text} above this is truncated by Slack: slack.md §4 "Size limits". */
  public static final int SLACK_TEXT_MAX_CHARS = 40_000;
  /** Combined block text at which msg_blocks_too_long was seen (3p): slack.md §4 "Size limits". */
  public static final int SLACK_BLOCKS_TEXT_SOFT_MAX_CHARS = 12_000;
  /** Elements per actions block: GATEWAYS.md "Limits never truncate silently". */
  public static final int SLACK_ACTIONS_MAX_ELEMENTS = 25;
  /** One task message edited at most about once every 3 s: slack.md §10.4 "chat.update pacing". */
  public static final long SLACK_UPDATE_MIN_INTERVAL_MS = 3_000;
  /** Each task_update / plan_update chunk of a stream: slack.md §10.1. */
  public static final int SLACK_STREAM_CHUNK_MAX_CHARS = 256;
}
