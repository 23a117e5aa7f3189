package dev.poco.contract;

/** Failure codes carried by {@code Message.fail(code, text)}; the HTTP edge maps them one to one. */
public final class Failures {
  private Failures() {}

  /** The request was malformed or asked for something invalid; the text says what. */
  public static final int BAD_REQUEST = 400;
  /** The user is not on the access list. */
  public static final int FORBIDDEN = 403;
  /** The named task, project or runner does not exist. */
  public static final int NOT_FOUND = 404;
  /** The request conflicts with the current state (approve a task that is not waiting, ...). */
  public static final int CONFLICT = 409;
  /** Too many attempts (wrong pairing codes): the text says when to try again. */
  public static final int TOO_MANY_REQUESTS = 429;
  /** Something broke on the serving side; the text says what, never a secret. */
  public static final int INTERNAL = 500;
  /** No node serves the address right now (no runner, store not up). */
  public static final int UNAVAILABLE = 503;
}
