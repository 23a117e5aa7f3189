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

  /** The message can no longer be edited: a fresh one must be posted. */
  public boolean messageGone() {
    return "message_not_found".equals(error) || "cant_update_message".equals(error)
        || "edit_window_closed".equals(error);
  }
}
