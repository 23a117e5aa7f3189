package dev.poco.launcher;

/**
 * A node's cluster credentials are missing, unusable or refused; the message tells the user the fix, and the CLI
 * exits with {@link #exitCode()}: {@link #REFUSED} (fix the files or the settings) or {@link #REVOKED} (ask for a
 * new bundle), so a supervisor can tell a revoked node from a misconfigured one.
 */
final class ClusterTrustException extends ConfigException {
  static final int REFUSED = 2;
  static final int REVOKED = 3;
  private final int exitCode;

  ClusterTrustException(String message, int exitCode) {
    super(message);
    this.exitCode = exitCode;
  }

  ClusterTrustException(String message) { this(message, REFUSED); }

  int exitCode() { return exitCode; }
}
