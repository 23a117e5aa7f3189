package dev.poco.contract;

/** The kinds of {@link View} a gateway must know how to render. */
public final class ViewKinds {
  private ViewKinds() {}

  /** DM home: New / Manage. */
  public static final String HOME = "home";
  /** DM form asking for a project name and an agent. */
  public static final String PROJECT_NEW = "project_new";
  /** DM list of projects with Delete. */
  public static final String PROJECT_MANAGE = "project_manage";
  /** DM confirmation before a project is deleted. */
  public static final String PROJECT_DELETE = "project_delete";
  /** DM card of one project: its group, agent, working dir, presets. */
  public static final String PROJECT_CONFIG = "project_config";
  /** Group workspace card: Stop, Working Dir, Agent. */
  public static final String WORKSPACE = "workspace";
  /** Working-dir chooser: browse folders, type a path, default, presets, recent. */
  public static final String WORKDIR = "workdir";
  /** Agent picker: backends with readiness, and the chosen backend's settings. */
  public static final String AGENT = "agent";
  /** One task: status, live output or result page, Approve / Reject when waiting. */
  public static final String TASK = "task";
  /** A plain message: help, refusal, error. */
  public static final String NOTICE = "notice";
}
