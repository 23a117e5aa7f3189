package dev.poco.agentrunner;

import java.util.List;

/**
 * How a child process ended.
 *
 * @param code the exit code (128 + signal when a signal ended it)
 * @param timedOut its timeout killed it
 * @param killed it was killed (by timeout or on request)
 * @param stderrTail the last lines it wrote to stderr
 */
public record ProcessExit(int code, boolean timedOut, boolean killed, List<String> stderrTail) {
  public ProcessExit {
    stderrTail = stderrTail == null ? List.of() : List.copyOf(stderrTail);
  }

  public boolean ok() { return code == 0 && !killed; }

  /** One line for an error message: "exit 3: last stderr lines". */
  public String describe() {
    String why = timedOut ? "timed out" : killed ? "killed" : "exit " + code;
    return stderrTail.isEmpty() ? why : why + ": " + String.join(" | ", stderrTail);
  }
}
