package dev.poco.gateway.slack;

/** A Web API call Slack refused: its {@code ok:false} error string (or the HTTP status). Never carries a token. */
public final class SlackApiException extends RuntimeException {
  private final String method;
  private final int httpStatus;
  private final String error;

  SlackApiException(String method, int httpStatus, String error) {
    super("Slack " + method + ": " + error + (httpStatus != 200 ? " (HTTP " + httpStatus + ")" : ""));
    this.method = method;
    this.httpStatus = httpStatus;
    this.error = error;
  }

  public String method() { return method; }

  public int httpStatus() { return httpStatus; }

  /** Slack's error code, e.g. {@code name_taken}, {@code message_not_found}. */
  public String error() { return error; }

  /** The stream is no longer open (slack.md §10.2): it timed out server-side, or its user pressed Stop. */
  public boolean streamEnded() {
    return "message_not_in_streaming_state".equals(error) || "stopped_by_user".equals(error);
  }

  /** This workspace or token cannot use the method at all (an unknown method, not allowed, a missing scope). */
  public boolean methodUnavailable() {
    return "unknown_method".equals(error) || "not_allowed".equals(error) || "not_allowed_token_type".equals(error)
        || "missing_scope".equals(error) || "no_permission".equals(error) || "method_deprecated".equals(error)
        || "not_implemented".equals(error);
  }

  /** A rate limit or a server error: the call was not carried out and may go again later. */
  public boolean transientFailure() {
    return httpStatus == 429 || httpStatus >= 500 || "ratelimited".equals(error) || "rate_limited".equals(error)
        || "internal_error".equals(error) || "fatal_error".equals(error) || "service_unavailable".equals(error);
  }

  /** The message can no longer be edited: a fresh one must be posted. */
  public boolean messageGone() {
    return "message_not_found".equals(error) || "cant_update_message".equals(error)
        || "edit_window_closed".equals(error);
  }
}
