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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The control-plane and workspace cards. Kept free of state: callers pass in what to show. */
final class Views {
  /**
   * Buttons per view: Slack takes at most 25 elements per actions block (the gateway splits longer lists into such
   * blocks) and a phone shows a short list best; Feishu's 200 elements and 30 KB are far off at this size.
   */
  static final int MAX_ACTIONS = 25;
  /** Body characters: Slack's 3,000-character text block. */
  static final int MAX_BODY_CHARS = 3_000;
  /** Button label characters: Slack's 75-character button text. */
  static final int MAX_LABEL_CHARS = 75;
  /** Folder buttons per browser page; Prev/Next page through the rest. */
  static final int FOLDERS_PER_PAGE = 10;
  /** Projects per Manage page (each has Open and Delete). */
  static final int PROJECTS_PER_PAGE = 10;
  /** A path or a note in a body is clipped to this many characters, so a long one cannot push a view past its limit. */
  private static final int BODY_PATH_CHARS = 300;

  /** What the user typed into the working-dir form, and what was wrong with the path (null: nothing). */
  record Typed(String path, String label, String pathError) {
    static final Typed NONE = new Typed(null, null, null);
  }

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
    return newProject(backends, defaultBackend, null, null, null, error);
  }

  /**
   * The new-project form showing what the user typed ({@code name}, {@code backend}; null: empty, the default) and
   * an {@code error} on the input {@code field} ("name" or "backend"; null: no input, the body only). The error is
   * also in the body, for a surface that shows no field errors.
   */
  static View newProject(Collection<BackendInfo> backends, String defaultBackend, String name, String backend,
      String field, String error) {
    List<View.Option> options = new ArrayList<>();
    for (BackendInfo b : backends) options.add(new View.Option(backendLabel(b), b.name()));
    if (options.stream().noneMatch(o -> o.value().equals(defaultBackend))) {
      options.add(0, new View.Option(defaultBackend, defaultBackend));
    }
    String chosen = backend != null && options.stream().anyMatch(o -> o.value().equals(backend)) ? backend
        : defaultBackend;
    String body = (error == null ? "" : "**" + plain(clip(error, BODY_PATH_CHARS)) + "**\n\n")
        + "Name the project and pick its agent. PoCo creates a group chat for it and posts the workspace card there.";
    View.Input nameInput = View.Input.text("name", "Project name", "e.g. api-server", name);
    View.Input backendInput = View.Input.select("backend", "Agent", chosen, options);
    if ("name".equals(field)) nameInput = nameInput.withError(error);
    if ("backend".equals(field)) backendInput = backendInput.withError(error);
    return new View(ViewKinds.PROJECT_NEW, "New project", null, body, null, List.of(nameInput, backendInput),
        List.of(Actions.submit("Create Project + Group", Intents.PROJECT_CREATE), Actions.button("Back", Intents.HOME)),
        1, 1, null);
  }

  static View manage(Collection<Project> projects) { return manage(projects, 1); }

  /** Page {@code page} (clamped) of the projects, by name, {@link #PROJECTS_PER_PAGE} to a page. */
  static View manage(Collection<Project> projects, int page) {
    List<Project> sorted = new ArrayList<>(projects);
    sorted.sort(Comparator.comparing((Project p) -> p.name().toLowerCase(Locale.ROOT)).thenComparing(Project::projectId));
    int pages = pages(sorted.size(), PROJECTS_PER_PAGE);
    int at = clamp(page, pages);
    int from = (at - 1) * PROJECTS_PER_PAGE;
    int to = Math.min(sorted.size(), from + PROJECTS_PER_PAGE);
    StringBuilder body = new StringBuilder();
    List<View.Action> actions = new ArrayList<>();
    if (sorted.isEmpty()) body.append("No projects yet.");
    else if (pages > 1) body.append("Projects ").append(from + 1).append('–').append(to).append(" of ").append(sorted.size()).append('\n');
    for (Project p : sorted.subList(from, to)) {
      body.append("- **").append(plain(p.name())).append("** · ").append(plain(backend(p))).append(" · ")
          .append(plain(clip(workdir(p.workspace()), 80))).append('\n');
      actions.add(Actions.button(label("Open " + p.name()), Intents.PROJECT_OPEN, "project_id", p.projectId()));
      actions.add(Actions.danger(label("Delete " + p.name()), Intents.PROJECT_DELETE, "project_id", p.projectId()));
    }
    if (at > 1) actions.add(Actions.button("‹ Prev", Intents.PROJECT_MANAGE, "page", at - 1));
    if (at < pages) actions.add(Actions.button("Next ›", Intents.PROJECT_MANAGE, "page", at + 1));
    actions.add(Actions.button("Back", Intents.HOME));
    return new View(ViewKinds.PROJECT_MANAGE, "Manage projects", null, body.toString().trim(), null, null, actions,
        at, pages, null);
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
        "Send a message here, or write below and press Run, to run it as a task.", fields,
        List.of(View.Input.multiline("prompt", "Prompt", "What should the agent do?", null)),
        List.of(Actions.submit("Run", Intents.TASK_SUBMIT, "project_id", p.projectId()),
            Actions.danger("Stop", Intents.TASK_STOP, "project_id", p.projectId()),
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
    return workdir(p, listing, runnerId, note, 1, Typed.NONE);
  }

  /**
   * As {@link #workdir(Project, FsListing, String, String)}, on page {@code page} of the listing's subfolders
   * ({@link #FOLDERS_PER_PAGE} to a page), the form showing what the user {@code typed} and its path error.
   */
  static View workdir(Project p, FsListing listing, String runnerId, String note, int page, Typed typed) {
    String pid = p.projectId();
    StringBuilder body = new StringBuilder();
    if (note != null) body.append("**").append(plain(clip(note, BODY_PATH_CHARS))).append("**\n\n");
    body.append("Current: `").append(code(workdir(p.workspace()))).append("` (").append(p.workspace().workdirSource())
        .append(")\n");
    List<View.Action> actions = new ArrayList<>();
    int at = 1;
    int pages = 1;
    if (listing != null) {
      body.append("Browsing: `").append(code(listing.path())).append('`')
          .append(runnerId == null ? "" : " on runner " + plain(runnerId)).append('\n');
      actions.add(Actions.primary("Use this folder", Intents.WORKDIR_CHOOSE, "project_id", pid, "path", listing.path()));
      if (listing.parent() != null) {
        actions.add(Actions.button("‹ Up", Intents.WORKDIR_OPEN, "project_id", pid, "path", listing.parent()));
      }
      List<String> folders = listing.folders();
      pages = pages(folders.size(), FOLDERS_PER_PAGE);
      at = clamp(page, pages);
      int from = (at - 1) * FOLDERS_PER_PAGE;
      int to = Math.min(folders.size(), from + FOLDERS_PER_PAGE);
      if (folders.isEmpty()) body.append("No subfolders.\n");
      else if (pages > 1) body.append("Folders ").append(from + 1).append('–').append(to).append(" of ").append(folders.size()).append('\n');
      for (String f : folders.subList(from, to)) {
        String child = listing.path().endsWith("/") ? listing.path() + f : listing.path() + "/" + f;
        actions.add(Actions.button(label(TaskViews.snippet(f, MAX_LABEL_CHARS - 1) + "/"), Intents.WORKDIR_OPEN,
            "project_id", pid, "path", child));
      }
      if (at > 1) actions.add(Actions.button("‹ Prev", Intents.WORKDIR_OPEN, "project_id", pid, "path", listing.path(), "page", at - 1));
      if (at < pages) actions.add(Actions.button("Next ›", Intents.WORKDIR_OPEN, "project_id", pid, "path", listing.path(), "page", at + 1));
      if (listing.truncated()) body.append("(The runner listed only these folders: type a path for others.)\n");
    }
    actions.add(Actions.button("Use Default", Intents.WORKDIR_DEFAULT, "project_id", pid));
    // Presets, then recent dirs, in the buttons left; presets that do not fit are named in the text.
    int room = MAX_ACTIONS - actions.size() - 3;
    List<String> unshown = new ArrayList<>();
    for (DirPreset d : p.presets()) {
      if (room-- > 0) {
        actions.add(Actions.button(label("Preset: " + d.label()), Intents.WORKDIR_PRESET, "project_id", pid, "path", d.path()));
      } else {
        unshown.add(d.label());
      }
    }
    for (String r : p.recentDirs()) {
      if (room-- > 0) actions.add(Actions.button(label("Recent: " + r), Intents.WORKDIR_RECENT, "project_id", pid, "path", r));
    }
    if (!unshown.isEmpty()) {
      body.append(unshown.size()).append(unshown.size() == 1 ? " more preset" : " more presets")
          .append(" (type its path to use it): ").append(plain(clip(String.join(", ", unshown), BODY_PATH_CHARS)))
          .append('\n');
    }
    actions.add(Actions.submit("Use typed path", Intents.WORKDIR_MANUAL, "project_id", pid));
    actions.add(Actions.submit("Save as preset", Intents.PRESET_ADD, "project_id", pid));
    actions.add(Actions.button("Back", Intents.WORKSPACE_OPEN, "project_id", pid));
    JsonObject refs = refs(p);
    if (listing != null) refs.put("path", listing.path());
    if (runnerId != null) refs.put("runner_id", runnerId);
    Typed t = typed == null ? Typed.NONE : typed;
    return new View(ViewKinds.WORKDIR, "Working Dir · " + p.name(), null, body.toString().trim(), null,
        List.of(View.Input.text("path", "Path", "/absolute/path or ~/dir", t.path()).withError(t.pathError()),
            View.Input.text("label", "Preset name", "optional, for Save as preset", t.label())),
        actions, at, pages, refs);
  }

  /** The agent picker: every backend with its readiness, and the settings of {@code shown}. */
  static View agent(Project p, Collection<BackendInfo> backends, String shown, String note) {
    return agent(p, backends, shown, note, Map.of(), Map.of());
  }

  /**
   * As {@link #agent(Project, Collection, String, String)}, the inputs showing the values the user {@code typed}
   * (by input name) and {@code errors} on the inputs they concern (by input name: "backend" or a setting key).
   */
  static View agent(Project p, Collection<BackendInfo> backends, String shown, String note, Map<String, String> typed,
      Map<String, String> errors) {
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
    inputs.add(View.Input.select("backend", "Agent", shown, options).withError(errors.get("backend")));
    if (shownInfo != null) {
      JsonObject settings = shown.equals(current) ? p.workspace().settings() : new JsonObject();
      for (BackendInfo.SettingSpec s : shownInfo.settings()) {
        String value = typed.getOrDefault(s.key(), settings.getString(s.key(), s.defaultValue()));
        inputs.add((s.options().isEmpty() ? View.Input.text(s.key(), s.label(), s.defaultValue(), value)
            : View.Input.select(s.key(), s.label(), value,
                s.options().stream().map(o -> new View.Option(o, o)).toList())).withError(errors.get(s.key())));
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

  /** Pages of {@code per} items for {@code n} items: at least one. */
  static int pages(int n, int per) { return Math.max(1, (n + per - 1) / per); }

  static int clamp(int page, int pages) { return Math.max(1, Math.min(page, pages)); }

  /** A button label within Slack's button text limit. */
  static String label(String text) { return TaskViews.snippet(text, MAX_LABEL_CHARS); }

  /** {@code text} cut to {@code max} characters, "…" marking the cut. */
  static String clip(String text, int max) {
    if (text == null || text.length() <= max) return text;
    return text.substring(0, max - 1) + "…";
  }

  /** A path inside Markdown backticks: clipped, and no backtick that would end the code span. */
  private static String code(String path) { return clip(path, BODY_PATH_CHARS).replace('`', '\''); }

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
