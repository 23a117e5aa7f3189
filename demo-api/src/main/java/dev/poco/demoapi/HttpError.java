package dev.poco.demoapi;

/** A request that ends in an HTTP error with a message meant for the caller. */
final class HttpError extends RuntimeException {
  private final int status;

  HttpError(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() { return status; }
}
