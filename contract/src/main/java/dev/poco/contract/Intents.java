package dev.poco.contract;

/**
 * Card intent keys: the {@code intent_key} of a {@link View.Action}. Each names what the click
 * asks for; parameters travel in the action value or the submitted form.
 */
public final class Intents {
  private Intents() {}

  /** Show the DM home card. */
  public static final String HOME = "project.home";
  /** Show the new-project form. */
  public static final String PROJECT_NEW = "project.new";
  /** Create a project and its group. Form: name, backend. */
  public static final String PROJECT_CREATE = "project.create";
  /** List projects for management. */
  public static final String PROJECT_MANAGE = "project.manage";
  /** Open one project's config card. Value: project_id. */
  public static final String PROJECT_OPEN = "project.open";
  /** Ask to confirm deleting a project. Value: project_id. */
  public static final String PROJECT_DELETE = "project.delete";
  /** Delete a project and everything it owns. Value: project_id. */
  public static final String PROJECT_DELETE_CONFIRM = "project.delete.confirm";

  /** Show the workspace card of the project bound to the chat (or value project_id). */
  public static final String WORKSPACE_OPEN = "workspace.open";

  /** Open the working-dir chooser, browsing value path (default: the current dir). */
  public static final String WORKDIR_OPEN = "workdir.open";
  /** Go back to the default working dir. */
  public static final String WORKDIR_DEFAULT = "workdir.default";
  /** Use the typed path. Form: path. */
  public static final String WORKDIR_MANUAL = "workdir.manual";
  /** Use a preset. Value: path. */
  public static final String WORKDIR_PRESET = "workdir.preset";
  /** Use a recent dir. Value: path. */
  public static final String WORKDIR_RECENT = "workdir.recent";
  /** Use the folder being browsed. Value: path. */
  public static final String WORKDIR_CHOOSE = "workdir.choose";
  /** Save a preset for the project. Form: path, label. */
  public static final String PRESET_ADD = "preset.add";

  /** Open the agent picker. Value: backend (to show that backend's settings). */
  public static final String AGENT_OPEN = "agent.open";
  /** Apply a backend and its settings. Value/form: backend and setting keys. */
  public static final String AGENT_APPLY = "agent.apply";

  /** Approve the waiting task. Value: task_id. */
  public static final String TASK_APPROVE = "task.approve";
  /** Approve, and let the agent do the same kind of thing for the rest of the session. Value: task_id. */
  public static final String TASK_APPROVE_SESSION = "task.approve_session";
  /** Reject the waiting task. Value: task_id. */
  public static final String TASK_REJECT = "task.reject";
  /** Stop the project's running task (value task_id optional); the queue goes on. */
  public static final String TASK_STOP = "task.stop";
  /** Show another page of a task's result. Value: task_id, page. */
  public static final String TASK_PAGE = "task.page";
  /** Submit a prompt from a card. Form: prompt. */
  public static final String TASK_SUBMIT = "task.submit";
  /**
   * Continue a failed, cancelled or interrupted task: a new task in the same project (its session goes on) told what
   * the first one delivered. Value: task_id (of the ended task).
   */
  public static final String TASK_CONTINUE = "task.continue";
  /**
   * Send a queued task's prompt into its project's running turn (where the agent can be steered) instead of waiting;
   * when it cannot be, the task stays queued. Value: task_id (of the queued task).
   */
  public static final String TASK_STEER = "task.steer";
}
