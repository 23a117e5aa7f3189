package dev.poco.agentrunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A child process to start.
 *
 * @param env variables to add to the inherited environment (which has no POCO_* or platform variable: see
 *     AgentEnvironment); a null value removes the variable
 * @param timeout how long it may run before its whole tree is killed; null or zero for no limit
 */
public record ProcessSpec(List<String> command, Path cwd, Map<String, String> env, Duration timeout) {
  public ProcessSpec {
    if (command == null || command.isEmpty()) throw new IllegalArgumentException("empty command");
    command = List.copyOf(command);
    env = env == null ? Map.of() : Collections.unmodifiableMap(new HashMap<>(env));
  }

  public static ProcessSpec of(String... command) { return new ProcessSpec(List.of(command), null, null, null); }

  public ProcessSpec in(Path dir) { return new ProcessSpec(command, dir, env, timeout); }

  public ProcessSpec withEnv(String key, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(key, value);
    return new ProcessSpec(command, cwd, more, timeout);
  }

  public ProcessSpec withTimeout(Duration limit) { return new ProcessSpec(command, cwd, env, limit); }

  long timeoutMs() { return timeout == null ? 0 : Math.max(0, timeout.toMillis()); }
}
