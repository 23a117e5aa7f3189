package dev.poco.launcher;

/** A configuration problem the user must fix; its message is shown as is. */
public class ConfigException extends RuntimeException {
  public ConfigException(String message) { super(message); }
}
