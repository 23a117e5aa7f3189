package dev.poco.orchestrator;

import dev.poco.contract.Project;
import dev.poco.contract.Task;

/**
 * What the task engine tells the chats about (implemented by {@link Cards}). Called on the event loop, right after
 * the change is applied in memory; a listener must not block or call back into the engine.
 */
interface TaskListener {
  /** The task changed state, or must be shown again as it is: its card must show it. */
  void taskChanged(Task t, int ahead);

  /** The running task has new output: its card may show it, possibly coalesced with what follows. */
  void outputAdded(Task t);

  /** The project's newest task, or its settings, changed: its workspace card(s) show it. */
  void workspaceChanged(Project p, Task latest);
}
