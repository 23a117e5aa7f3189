package dev.poco.orchestrator;

import dev.poco.contract.BackendInfo;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.FsListing;
import dev.poco.contract.Intents;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.contract.View;
import dev.poco.contract.ViewKinds;
import dev.poco.contract.Workspace;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The control-plane and workspace cards. Kept free of state: callers pass in what to show. */
final class Views {
  /** Folder buttons per browser card; more are listed in the text (cards have component limits). */
  static final int MAX_FOLDER_BUTTONS = 12;

  private Views() {}

  static final String HELP = String.join("\n",
      "**PoCo commands** (in a project group; plain text is a prompt too)",
      "`/run <prompt>`: run a task (`confirm: …` waits for your approval first)",
      "`/status <task_id>`: show a task",
      "`/approve <task_id>` · `/reject <task_id>`: answer a task that waits",
      "`/stop`: stop the running task (queued ones go on); `/stop <task_id>`: stop that task, queued or running",
      "`/steer <text>`: add a message to the running turn instead of queueing it (Codex)",
      "`/help`: this text",
      "In a DM with the bot: New creates a project and its group; Manage lists and deletes projects.");

  static View help() { return View.notice("PoCo help", HELP); }

  static View home(int projects) {
    String body = projects == 0 ? "No projects yet. **New** creates one with its own group chat."
        : projects + (projects == 1 ? " project." : " projects.") + " **New** creates another; **Manage** lists them.";
    return new View(ViewKinds.HOME, "PoCo", null, body, null, null,
        List.of(Actions.primary("New", Intents.PROJECT_NEW), Actions.button("Manage", Intents.PROJECT_MANAGE)),
        1, 1, null);
  }

  static View newProject(Collection<BackendInfo> backends, String defaultBackend, String error) {
    List<View.Option> options = new ArrayList<>();
    for (BackendInfo b : backends) options.add(new View.Option(backendLabel(b), b.name()));
    if (options.stream().noneMatch(o -> o.value().equals(defaultBackend))) {
      options.add(0, new View.Option(defaultBackend, defaultBackend));
    }
    String body = (error == null ? "" : "**" + error + "**\n\n")
        + "Name the project and pick its agent. PoCo creates a group chat for it and posts the workspace card there.";
    return new View(ViewKinds.PROJECT_NEW, "New project", null, body, null,
        List.of(View.Input.text("name", "Project name", "e.g. api-server", null),
            View.Input.select("backend", "Agent", defaultBackend, options)),
        List.of(Actions.submit("Create Project + Group", Intents.PROJECT_CREATE), Actions.button("Back", Intents.HOME)),
        1, 1, null);
  }

  static View manage(Collection<Project> projects) {
    StringBuilder body = new StringBuilder();
    List<View.Action> actions = new ArrayList<>();
    if (projects.isEmpty()) body.append("No projects yet.");
    for (Project p : projects) {
      body.append("- **").append(plain(p.name())).append("** · ").append(plain(backend(p))).append(" · ")
          .append(plain(workdir(p.workspace()))).append('\n');
      actions.add(Actions.button("Open " + p.name(), Intents.PROJECT_OPEN, "project_id", p.projectId()));
      actions.add(Actions.danger("Delete " + p.name(), Intents.PROJECT_DELETE, "project_id", p.projectId()));
    }
    actions.add(Actions.button("Back", Intents.HOME));
    return new View(ViewKinds.PROJECT_MANAGE, "Manage projects", null, body.toString().trim(), null, null, actions,
        1, 1, null);
  }

  static View confirmDelete(Project p) {
    return new View(ViewKinds.PROJECT_DELETE, "Delete " + p.name() + "?", null,
        "This removes the project, its chat binding, agent sessions, presets and task history. "
            + "A running task is stopped. The group chat itself stays.",
        null, null,
        List.of(Actions.danger("Delete", Intents.PROJECT_DELETE_CONFIRM, "project_id", p.projectId()),
            Actions.button("Cancel", Intents.PROJECT_MANAGE)),
        1, 1, refs(p));
  }

  static View projectConfig(Project p) {
    List<View.Field> fields = new ArrayList<>();
    for (ChatBinding b : p.bindings()) fields.add(new View.Field("Chat (" + b.platform() + ")", b.chatId()));
    fields.add(new View.Field("Agent", backend(p)));
    fields.add(new View.Field("Working dir", workdir(p.workspace())));
    for (DirPreset d : p.presets()) fields.add(new View.Field("Preset " + d.label(), d.path()));
    if (p.runnerId() != null) fields.add(new View.Field("Runner", p.runnerId()));
    return new View(ViewKinds.PROJECT_CONFIG, "Project Config · " + p.name(), null, null, fields, null,
        List.of(Actions.button("Working Dir", Intents.WORKDIR_OPEN, "project_id", p.projectId()),
            Actions.button("Agent", Intents.AGENT_OPEN, "project_id", p.projectId()),
            Actions.danger("Delete", Intents.PROJECT_DELETE, "project_id", p.projectId()),
            Actions.button("Back", Intents.PROJECT_MANAGE)),
        1, 1, refs(p));
  }

  /** @param latest the project's newest task, or null */
  static View workspace(Project p, Task latest) {
    StringBuilder title = new StringBuilder(p.name()).append(" · ").append(backend(p)).append(" · ")
        .append(workdir(p.workspace()));
    if (latest != null) {
      title.append(" · [").append(latest.status().label()).append("] ").append(TaskViews.snippet(latest.prompt(), 32));
    }
    var session = p.session(backend(p));
    List<View.Field> fields = session == null ? List.of() : List.of(new View.Field("Session", session.sessionId()));
    JsonObject refs = refs(p);
    if (latest != null) refs.put("task_id", latest.taskId());
    return new View(ViewKinds.WORKSPACE, title.toString(), latest == null ? null : latest.status().wire(),
        "Send a message here to run it as a task.", fields, null,
        List.of(Actions.danger("Stop", Intents.TASK_STOP, "project_id", p.projectId()),
            Actions.button("Working Dir", Intents.WORKDIR_OPEN, "project_id", p.projectId(),
                Actions.SURFACE, Actions.SURFACE_WORKSPACE),
            Actions.button("Agent", Intents.AGENT_OPEN, "project_id", p.projectId(),
                Actions.SURFACE, Actions.SURFACE_WORKSPACE)),
        1, 1, refs);
  }

  /**
   * The working-dir chooser, browsing {@code listing} (null when no runner could list it) as seen on
   * the disk of runner {@code runnerId}.
   */
  static View workdir(Project p, FsListing listing, String runnerId, String note) {
    String pid = p.projectId();
    StringBuilder body = new StringBuilder();
    if (note != null) body.append("**").append(note).append("**\n\n");
    body.append("Current: `").append(workdir(p.workspace())).append("` (").append(p.workspace().workdirSource())
        .append(")\n");
    List<View.Action> actions = new ArrayList<>();
    if (listing != null) {
      body.append("Browsing: `").append(listing.path()).append('`')
          .append(runnerId == null ? "" : " on runner " + runnerId).append('\n');
      actions.add(Actions.primary("Use this folder", Intents.WORKDIR_CHOOSE, "project_id", pid, "path", listing.path()));
      if (listing.parent() != null) {
        actions.add(Actions.button("‹ Up", Intents.WORKDIR_OPEN, "project_id", pid, "path", listing.parent()));
      }
      int shown = 0;
      for (String f : listing.folders()) {
        String child = listing.path().endsWith("/") ? listing.path() + f : listing.path() + "/" + f;
        if (shown++ < MAX_FOLDER_BUTTONS) {
          actions.add(Actions.button(f + "/", Intents.WORKDIR_OPEN, "project_id", pid, "path", child));
        } else {
          body.append("- ").append(f).append("/\n");
        }
      }
      if (listing.truncated()) body.append("(more folders not shown: type a path)\n");
    }
    actions.add(Actions.button("Use Default", Intents.WORKDIR_DEFAULT, "project_id", pid));
    for (DirPreset d : p.presets()) {
      actions.add(Actions.button("Preset: " + d.label(), Intents.WORKDIR_PRESET, "project_id", pid, "path", d.path()));
    }
    for (String r : p.recentDirs()) {
      actions.add(Actions.button("Recent: " + r, Intents.WORKDIR_RECENT, "project_id", pid, "path", r));
    }
    actions.add(Actions.submit("Use typed path", Intents.WORKDIR_MANUAL, "project_id", pid));
    actions.add(Actions.submit("Save as preset", Intents.PRESET_ADD, "project_id", pid));
    actions.add(Actions.button("Back", Intents.WORKSPACE_OPEN, "project_id", pid));
    JsonObject refs = refs(p);
    if (listing != null) refs.put("path", listing.path());
    if (runnerId != null) refs.put("runner_id", runnerId);
    return new View(ViewKinds.WORKDIR, "Working Dir · " + p.name(), null, body.toString().trim(), null,
        List.of(View.Input.text("path", "Path", "/absolute/path or ~/dir", null),
            View.Input.text("label", "Preset name", "optional, for Save as preset", null)),
        actions, 1, 1, refs);
  }

  /** The agent picker: every backend with its readiness, and the settings of {@code shown}. */
  static View agent(Project p, Collection<BackendInfo> backends, String shown, String note) {
    String current = backend(p);
    StringBuilder body = new StringBuilder();
    if (note != null) body.append("**").append(note).append("**\n\n");
    List<View.Option> options = new ArrayList<>();
    List<View.Action> actions = new ArrayList<>();
    BackendInfo shownInfo = null;
    for (BackendInfo b : backends) {
      body.append("- ").append(b.name().equals(current) ? "**" + b.name() + "** (current)" : b.name()).append(": ")
          .append(b.ready() ? "ready" + (b.version() == null ? "" : ", " + b.version()) : "not ready")
          .append(b.detail() == null || b.ready() ? "" : " (" + b.detail() + ")")
          .append(b.approvals() ? "" : " · no approval channel").append('\n');
      options.add(new View.Option(backendLabel(b), b.name()));
      if (b.name().equals(shown)) shownInfo = b;
      if (!b.name().equals(shown)) {
        actions.add(Actions.button(b.name() + " settings", Intents.AGENT_OPEN, "project_id", p.projectId(),
            "backend", b.name()));
      }
    }
    List<View.Input> inputs = new ArrayList<>();
    inputs.add(View.Input.select("backend", "Agent", shown, options));
    if (shownInfo != null) {
      JsonObject settings = shown.equals(current) ? p.workspace().settings() : new JsonObject();
      for (BackendInfo.SettingSpec s : shownInfo.settings()) {
        String value = settings.getString(s.key(), s.defaultValue());
        inputs.add(s.options().isEmpty() ? View.Input.text(s.key(), s.label(), s.defaultValue(), value)
            : View.Input.select(s.key(), s.label(), value,
                s.options().stream().map(o -> new View.Option(o, o)).toList()));
      }
    }
    actions.add(0, Actions.submit("Apply", Intents.AGENT_APPLY, "project_id", p.projectId(), "backend", shown));
    actions.add(Actions.button("Back", Intents.WORKSPACE_OPEN, "project_id", p.projectId()));
    return new View(ViewKinds.AGENT, "Agent · " + p.name(), null, body.toString().trim(), null, inputs, actions, 1, 1,
        refs(p).put("backend", shown));
  }

  static String backend(Project p) { return p.workspace() == null ? "?" : p.workspace().backend(); }

  static String workdir(Workspace w) {
    return w == null || w.workdir() == null ? "default dir" : w.workdir();
  }

  private static String backendLabel(BackendInfo b) {
    return b.name() + (b.ready() ? "" : " (not ready)");
  }

  /**
   * {@code text} shown as itself in Markdown: every character that could start a link, emphasis, code,
   * a heading or HTML is backslash-escaped, and line breaks become spaces.
   */
  static String plain(String text) {
    if (text == null) return "";
    StringBuilder sb = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r') {
        sb.append(' ');
      } else {
        if ("\\`*_{}[]()<>|~&".indexOf(c) >= 0) sb.append('\\');
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static JsonObject refs(Project p) { return new JsonObject().put("project_id", p.projectId()); }
}
