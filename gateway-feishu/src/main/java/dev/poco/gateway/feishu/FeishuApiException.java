package dev.poco.gateway.feishu;

import java.util.Set;

/** A Feishu open API call that failed: the envelope's {@code code} and {@code msg} (feishu.md §2), never a token. */
public final class FeishuApiException extends RuntimeException {
  /** A card message that can no longer be patched: recalled, older than 14 days, or gone (feishu.md §2). */
  static final Set<Integer> CARD_GONE = Set.of(230011, 230031, 200750);
  /** Tenant token invalid or expired: refresh and retry once (feishu.md §1). */
  static final Set<Integer> TOKEN_INVALID = Set.of(99991663, 99991671, 99991664, 99991661);
  /** Rate limits: wait and retry (feishu.md §2). */
  static final Set<Integer> RATE_LIMITED = Set.of(99991400, 230020, 11232);

  private final int code;
  private final int httpStatus;

  public FeishuApiException(String what, int httpStatus, int code, String msg) {
    super(what + " failed: HTTP " + httpStatus + ", code " + code + (msg == null || msg.isBlank() ? "" : " (" + msg + ")"));
    this.code = code;
    this.httpStatus = httpStatus;
  }

  public int code() { return code; }

  public int httpStatus() { return httpStatus; }

  /** The message can no longer be updated: post a fresh card and bind it. */
  public boolean cardGone() { return CARD_GONE.contains(code); }
}
