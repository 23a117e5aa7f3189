package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Failures;
import dev.poco.contract.FsListing;
import dev.poco.contract.FsRequest;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.Intents;
import dev.poco.contract.Placement;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.Reply;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import dev.poco.contract.View;
import dev.poco.contract.Workspace;
import dev.poco.runtime.InFlight;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Card actions → views. Every intent answers with the view to show in place of the card; a bad
 * request fails with a code and a sentence the gateway shows as a toast.
 */
final class IntentHandler {
  /** Platforms retry card callbacks: a repeated request_id gets the first answer, not a second action. */
  private static final int RECENT_REQUESTS = 2_000;

  private final Vertx vertx;
  private final Projects projects;
  private final TaskEngine engine;
  private final Access access;
  private final ProjectLifecycle lifecycle;
  private final RunnerRegistry runners;
  private final TaskScope scope;
  private final EventMarks events;
  /** A request_id's first action, so a replay is answered only when it names the same action. */
  private record Seen(String intentKey, String action, String form, Future<Reply> reply) {}
  private final Map<String, Seen> recent = new LinkedHashMap<>(64, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Seen> e) { return size() > RECENT_REQUESTS; }
  };

  IntentHandler(Vertx vertx, Projects projects, TaskEngine engine, Access access, ProjectLifecycle lifecycle,
      RunnerRegistry runners, TaskScope scope, EventMarks events) {
    this.scope = scope;
    this.events = events;
    this.vertx = vertx;
    this.projects = projects;
    this.engine = engine;
    this.access = access;
    this.lifecycle = lifecycle;
    this.runners = runners;
  }

  Future<Reply> handle(CardIntent in) {
    if (!access.allowed(in.platform(), in.userId(), in.trusted())) {
      return Future.succeededFuture(Reply.refusal(Failures.FORBIDDEN,
          View.notice("Not allowed", "Sorry, you are not allowed to use this PoCo."), "Not allowed"));
    }
    if (in.eventId() == null) return byRequest(in, null).map(r -> r.placedIfUnset(placement(in)));
    // A platform's callback redelivered (also after a restart of this orchestrator) is done once: see EventMarks.
    return events.once(in.platform() + ":card:" + in.eventId(), true, mark -> byRequest(in, mark))
        .map(r -> r.placedIfUnset(placement(in)));
  }

  /** Intents whose effect shows on a card the orchestrator renders (the task's own card, the workspace card). */
  private static final Set<String> SHOWN_ON_RENDERED_CARD = Set.of(Intents.TASK_APPROVE, Intents.TASK_APPROVE_SESSION,
      Intents.TASK_REJECT, Intents.TASK_STOP, Intents.TASK_SUBMIT);
  /** Intents that change what the workspace card shows. */
  private static final Set<String> WORKSPACE_CHANGES = Set.of(Intents.WORKDIR_DEFAULT, Intents.WORKDIR_MANUAL,
      Intents.WORKDIR_PRESET, Intents.WORKDIR_RECENT, Intents.WORKDIR_CHOOSE, Intents.AGENT_APPLY);

  /**
   * Where the answer to a click goes: a task's and the workspace card's own changes come by render (a toast only;
   * settings applied from a working-dir or agent card too, so that card never turns into a stale workspace copy);
   * Working Dir and Agent opened from one of those cards open a new message, never over the live card; everything
   * else (the DM control plane, navigation inside a working-dir or agent card) replaces the clicked card.
   */
  static String placement(CardIntent in) {
    String key = in.intentKey();
    // A setting applied shows on the workspace card (rendered again); the chooser it came from stays as it is.
    if (SHOWN_ON_RENDERED_CARD.contains(key) || WORKSPACE_CHANGES.contains(key)) return Placement.TOAST;
    String surface = in.value().getString(Actions.SURFACE);
    boolean fromRenderedCard = Actions.SURFACE_TASK.equals(surface) || Actions.SURFACE_WORKSPACE.equals(surface);
    if (fromRenderedCard && (key.equals(Intents.WORKDIR_OPEN) || key.equals(Intents.AGENT_OPEN))) return Placement.NEW;
    return Placement.REPLACE;
  }

  private Future<Reply> byRequest(CardIntent in, EventMarks.Mark mark) {
    if (in.requestId() == null) return safeDispatch(in, mark);
    String key = in.platform() + ":" + in.userId() + ":" + in.requestId();
    String action = digest(action(in));
    // The form is not part of the action: a card's buttons keep their request_id when the user edits the form and retries.
    String form = digest(canonical(in.form()));
    Seen seen = recent.get(key);
    if (seen != null && !seen.action().equals(action)) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "request_id '" + TaskViews.snippet(in.requestId(), 64)
          + "' was already used for another action (" + seen.intentKey() + "); this " + in.intentKey()
          + " was not done. Send it with a request_id of its own."));
    }
    if (seen != null && seen.form().equals(form)) return seen.reply();
    Future<Reply> reply = safeDispatch(in, mark);
    Seen mine = new Seen(in.intentKey(), action, form, reply);
    recent.put(key, mine);
    return reply.onFailure(err -> recent.remove(key, mine));
  }

  /** What a click names, whatever form came with it: intent, chat and every parameter of the button. */
  private static String action(CardIntent in) {
    JsonObject value = in.value().copy();
    value.remove("request_id");
    return in.intentKey() + "\u0000" + in.chatType() + "\u0000" + in.chatId() + "\u0000" + canonical(value);
  }

  /** A short stand-in for a long text: the recent-request memory holds digests, not megabyte forms. */
  private static String digest(String text) {
    try {
      return Base64.getEncoder().encodeToString(
          MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e); // every JVM has SHA-256
    }
  }

  /** JSON with object keys sorted, so the same content always reads the same. */
  static String canonical(Object v) {
    if (v instanceof JsonObject o) {
      StringBuilder sb = new StringBuilder("{");
      for (String k : new TreeSet<>(o.fieldNames())) {
        if (sb.length() > 1) sb.append(',');
        sb.append(Json.encode(k)).append(':').append(canonical(o.getValue(k)));
      }
      return sb.append('}').toString();
    }
    if (v instanceof JsonArray a) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < a.size(); i++) sb.append(i > 0 ? "," : "").append(canonical(a.getValue(i)));
      return sb.append(']').toString();
    }
    return Json.encode(v);
  }

  private Future<Reply> safeDispatch(CardIntent in, EventMarks.Mark mark) {
    try {
      return dispatch(in, mark);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Reply> dispatch(CardIntent in, EventMarks.Mark mark) {
    String key = in.intentKey();
    switch (key) {
      case Intents.HOME:
        return ok(Views.home(projects.all().size()));
      case Intents.PROJECT_NEW:
        return ok(Views.newProject(backends(), lifecycle.defaultBackend(), null));
      case Intents.PROJECT_CREATE: {
        String eventKey = mark == null ? null : mark.claim();
        return lifecycle.create(text(in, "name"), text(in, "backend"), in.platform(), in.userId(), eventKey)
            .map(p -> new Reply(Views.projectConfig(p), null, "Created " + p.name()))
            // the event is marked by another delivery's project: handled already
            .recover(err -> eventKey != null && Bus.code(err) == Failures.CONFLICT
                ? events.seen(eventKey).compose(seen -> seen ? Future.succeededFuture(EventMarks.duplicate())
                    : createRefused(in, err))
                : createRefused(in, err));
      }
      case Intents.PROJECT_MANAGE:
        return pageOf(in).compose(page -> ok(Views.manage(projects.all(), page)));
      default:
        break;
    }
    // Stop names its task when pressed on a task's card; without one it stops the project's running task.
    boolean namedStop = key.equals(Intents.TASK_STOP) && text(in, "task_id") != null;
    if (key.startsWith("task.") && (namedStop || !key.equals(Intents.TASK_STOP)) && !key.equals(Intents.TASK_SUBMIT)) {
      return taskIntent(in, key);
    }
    return project(in).compose(p -> projectIntent(in, key, p, mark).onSuccess(r -> {
      Project now = projects.get(p.projectId());
      if (WORKSPACE_CHANGES.contains(key) && !r.isRefusal() && now != null) engine.showWorkspace(now);
    }));
  }

  private Future<Reply> projectIntent(CardIntent in, String key, Project p, EventMarks.Mark mark) {
    switch (key) {
      case Intents.PROJECT_OPEN:
        return ok(Views.projectConfig(p));
      case Intents.PROJECT_DELETE:
        return ok(Views.confirmDelete(p));
      case Intents.PROJECT_DELETE_CONFIRM:
        return lifecycle.delete(p).map(d -> new Reply(Views.manage(projects.all()), null, "Deleted " + p.name()));
      case Intents.WORKSPACE_OPEN: {
        // In the project's own chat the live workspace card is already there: Back closes the sub-card rather than
        // turning it into a second workspace card that would never change again.
        Project here = in.chatId() == null ? null : projects.byChat(in.platform(), in.chatId());
        boolean ownChat = !Platforms.DEMO.equals(in.platform()) && here != null
            && here.projectId().equals(p.projectId());
        if (ownChat) {
          return ok(View.notice("Closed", "The workspace card of " + Views.plain(p.name())
              + " in this chat shows where it stands."));
        }
        return ok(Views.workspace(p, engine.latest(p.projectId())));
      }
      case Intents.WORKDIR_OPEN:
        return pageOf(in).compose(page -> browsePage(p, text(in, "path"), page));
      case Intents.WORKDIR_DEFAULT:
        return projects.saveWorkspace(p, p.workspace().withWorkdir(null, "default"))
            .map(np -> new Reply(Views.workspace(np, engine.latest(np.projectId())), null, "Working dir: default"));
      case Intents.WORKDIR_MANUAL:
        return setWorkdir(p, text(in, "path"), "manual").recover(err -> typedPathRefused(p, in, err));
      case Intents.WORKDIR_PRESET:
        return setWorkdir(p, text(in, "path"), "preset");
      case Intents.WORKDIR_RECENT:
        return setWorkdir(p, text(in, "path"), "recent");
      case Intents.WORKDIR_CHOOSE:
        return setWorkdir(p, text(in, "path"), "browse");
      case Intents.PRESET_ADD:
        return addPreset(p, in).recover(err -> typedPathRefused(p, in, err));
      case Intents.AGENT_OPEN: {
        String shown = text(in, "backend");
        return ok(Views.agent(p, backends(), shown == null ? p.workspace().backend() : shown, null));
      }
      case Intents.AGENT_APPLY:
        return applyAgent(p, in).recover(err -> agentRefused(p, in, err));
      case Intents.TASK_STOP:
        return engine.stopProject(p.projectId()).map(t -> t == null
            ? new Reply(Views.workspace(p, engine.latest(p.projectId())), null, "Nothing is running")
            : new Reply(TaskViews.task(t, 1, 0), t.taskId(), "Stopping"));
      case Intents.TASK_SUBMIT: {
        String prompt = text(in.form(), "prompt", text(in.value(), "prompt", "")).strip();
        if (prompt.isEmpty()) return bad("The prompt is empty.");
        String eventKey = mark == null ? null : mark.claim();
        return engine.submit(p, prompt, in.target(), in.userId(), eventKey)
            .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), null))
            .recover(err -> eventKey != null && Bus.code(err) == Failures.CONFLICT
                ? Future.succeededFuture(EventMarks.duplicate()) : Future.failedFuture(err));
      }
      default:
        return bad("Unknown intent '" + key + "'.");
    }
  }

  private Future<Reply> taskIntent(CardIntent in, String key) {
    String taskId = text(in, "task_id");
    if (taskId == null) return bad("Field 'task_id' is required for " + key + ".");
    Future<Task> reachable = scope.task(TaskScope.Caller.of(in), taskId);
    switch (key) {
      case Intents.TASK_APPROVE:
        return reachable.compose(x -> engine.approve(taskId, false)).map(t -> taskReply(t, 1, "Approved"));
      case Intents.TASK_APPROVE_SESSION:
        return reachable.compose(x -> engine.approve(taskId, true)).map(t -> taskReply(t, 1, "Approved for this session"));
      case Intents.TASK_REJECT:
        return reachable.compose(x -> engine.reject(taskId)).map(t -> taskReply(t, 1, "Rejected"));
      case Intents.TASK_STOP:
        return reachable.compose(engine::stopTask).map(t -> taskReply(t, 1, stopToast(t)));
      case Intents.TASK_PAGE: {
        int page;
        try {
          page = Integer.parseInt(in.param("page") == null ? "1" : in.param("page"));
        } catch (NumberFormatException e) {
          return bad("Field 'page' must be a number.");
        }
        return reachable.map(t -> taskReply(t, page, null));
      }
      case Intents.TASK_CONTINUE:
        return reachable.compose(t -> continueTask(in, t));
      case Intents.TASK_STEER:
        return reachable.compose(this::steerQueued);
      default:
        return bad("Unknown intent '" + key + "'.");
    }
  }

  /** What a Stop did to the named task: a queued one is gone at once, a running one is being cancelled. */
  static String stopToast(Task t) {
    return t.status().terminal() ? "Stopped" : "Stopping";
  }

  private Reply taskReply(Task t, int page, String toast) {
    return new Reply(TaskViews.task(t, page, engine.ahead(t)), t.taskId(), toast);
  }

  /** The project named by the action, else the one bound to the chat it came from. */
  private Future<Project> project(CardIntent in) {
    String id = text(in, "project_id");
    if (id != null) return scope.project(TaskScope.Caller.of(in), id);
    Project p = in.chatId() == null ? null : projects.byChat(in.platform(), in.chatId());
    if (p != null) return Future.succeededFuture(p);
    if (Platforms.DEMO.equals(in.platform()) && in.chatId() != null && !Platforms.CHAT_DM.equals(in.chatType())) {
      return lifecycle.demoChat(in.chatId(), in.userId());
    }
    return Future.failedFuture(Bus.error(Failures.BAD_REQUEST,
        "This action needs a project: give 'project_id' or use it in a project's chat."));
  }

  private Future<Reply> browse(Project p, String path) {
    String target = path != null ? path : p.workspace().workdir();
    Heartbeat r = fsRunner(p, target);
    if (r == null) return noRunner();
    return fs(r, FsRequest.LIST, target)
        .recover(err -> path == null && target != null && Bus.code(err) == Failures.BAD_REQUEST
            ? fs(r, FsRequest.LIST, null) // the saved dir is gone: browse from the first root
            : Future.failedFuture(err))
        .map(listing -> Reply.of(Views.workdir(p, listing, r.runnerId(), null)));
  }

  private Future<Reply> setWorkdir(Project p, String path, String source) {
    if (path == null || path.isBlank()) return bad("Field 'path' is required.");
    Heartbeat r = fsRunner(p, path.strip());
    if (r == null) return noRunner();
    return fs(r, FsRequest.RESOLVE, path.strip())
        .compose(listing -> projects.saveWorkspace(p, p.workspace().withWorkdir(listing.path(), source)))
        .compose(np -> projects.touchRecent(np, np.workspace().workdir()))
        .map(np -> new Reply(Views.workspace(np, engine.latest(np.projectId())), null,
            "Working dir: " + np.workspace().workdir()));
  }

  private Future<Reply> addPreset(Project p, CardIntent in) {
    String path = text(in, "path");
    if (path == null || path.isBlank()) return bad("Field 'path' is required.");
    Heartbeat r = fsRunner(p, path.strip());
    if (r == null) return noRunner();
    return fs(r, FsRequest.RESOLVE, path.strip()).compose(listing -> {
      String label = text(in.form(), "label", "").strip();
      if (label.isEmpty()) {
        String real = listing.path();
        label = real.substring(real.lastIndexOf('/') + 1);
        if (label.isEmpty()) label = real;
      }
      return projects.savePreset(p, new DirPreset(p.projectId(), label, listing.path()))
          .map(np -> new Reply(Views.workdir(np, listing, r.runnerId(), null), null, "Preset saved: " + listing.path()));
    });
  }

  private Future<Reply> applyAgent(Project p, CardIntent in) {
    String backend = text(in.form(), "backend", text(in.value(), "backend", null));
    try {
      backend = lifecycle.checkBackend(backend);
    } catch (IllegalArgumentException e) {
      return bad(e.getMessage());
    }
    BackendInfo info = runners.backend(backend, System.currentTimeMillis());
    JsonObject chosen = new JsonObject();
    if (info != null) {
      for (BackendInfo.SettingSpec s : info.settings()) {
        String v = text(in.form(), s.key(), null);
        if (v == null || v.isBlank()) continue;
        if (!s.options().isEmpty() && !s.options().contains(v.toString())) {
          return bad("'" + v + "' is not a valid " + s.label() + " (choose from " + String.join(", ", s.options()) + ").");
        }
        chosen.put(s.key(), v.toString());
      }
    }
    Workspace w = p.workspace().withBackend(backend, chosen);
    String b = backend;
    return projects.saveWorkspace(p, w)
        .map(np -> new Reply(Views.workspace(np, engine.latest(np.projectId())), null, "Agent: " + b));
  }

  /**
   * The runner to ask about {@code path} (null: its first root): the project's pinned runner when it
   * serves the path, else a live runner that does (the project's backend ready first), else the
   * pinned or any live runner, which then says why it refuses (a typo, a symlink, outside its roots).
   */
  private Heartbeat fsRunner(Project p, String path) {
    long now = System.currentTimeMillis();
    String backend = p.workspace().backend();
    Heartbeat pinned = runners.alive(p.runnerId(), now);
    List<Heartbeat> serving = runners.serving(path, backend, now);
    if (pinned != null && serving.contains(pinned)) return pinned;
    if (!serving.isEmpty()) return serving.get(0);
    if (pinned != null) return pinned;
    List<Heartbeat> any = runners.serving(null, backend, now);
    return any.isEmpty() ? null : any.get(0);
  }

  /**
   * Asks runner {@code r} about a folder on its own disk. A listing is a read: when r's node left (or
   * nobody serves it) before it answered, a live runner that serves the path is asked once more.
   */
  private Future<FsListing> fs(Heartbeat r, String op, String path) {
    return fsOnce(r, op, path).recover(err -> {
      if (!InFlight.isNodeLost(err) && !noHandlers(err)) return Future.failedFuture(err);
      for (Heartbeat other : runners.serving(path, null, System.currentTimeMillis())) {
        if (!other.runnerId().equals(r.runnerId())) return fsOnce(other, op, path);
      }
      return Future.failedFuture(err);
    });
  }

  private static boolean noHandlers(Throwable err) {
    return err instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS;
  }

  private Future<FsListing> fsOnce(Heartbeat r, String op, String path) {
    return runners.request(vertx.eventBus(), r.runnerId(), Addresses.runnerFs(r.runnerId()),
        new FsRequest(op, path).toJson()).map(FsListing::fromJson);
  }

  private static <T> Future<T> noRunner() {
    return Future.failedFuture(Bus.error(Failures.UNAVAILABLE, "No agent runner is connected."));
  }

  private Collection<BackendInfo> backends() {
    Map<String, BackendInfo> all = new LinkedHashMap<>();
    for (BackendInfo b : runners.backends(System.currentTimeMillis())) all.put(b.name(), b);
    for (String name : lifecycle.knownBackends()) {
      all.putIfAbsent(name, new BackendInfo(name, false, null, "no connected runner offers it", false, null));
    }
    return all.values();
  }

  /** A text parameter from the action value, else the form; null when absent, a 400 when not text. */
  static String text(CardIntent in, String key) {
    return in.value().getValue(key) != null ? text(in.value(), key, null) : text(in.form(), key, null);
  }

  static String text(JsonObject from, String key, String def) {
    Object v = from.getValue(key);
    if (v == null) return def;
    if (v instanceof String s) return s;
    String kind = v instanceof Number ? "a number" : v instanceof Boolean ? "true/false"
        : v instanceof JsonArray ? "a list" : v instanceof JsonObject ? "an object" : "not text";
    throw Bus.error(Failures.BAD_REQUEST, "Field '" + key + "' must be text, got " + kind + ".");
  }

  private static Future<Reply> ok(View v) { return Future.succeededFuture(Reply.of(v)); }

  private static Future<Reply> bad(String why) {
    return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, why));
  }

  // ---- paging, field errors, Continue and Steer ----

  /** The value's page number (1 when absent); a 400 when it is not a whole number. */
  private static Future<Integer> pageOf(CardIntent in) {
    String raw = in.param("page");
    if (raw == null || raw.isBlank()) return Future.succeededFuture(1);
    try {
      return Future.succeededFuture(Math.max(1, Integer.parseInt(raw.strip())));
    } catch (NumberFormatException e) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, "Field 'page' must be a number."));
    }
  }

  /** The folder browser on page {@code page} of the subfolders of {@code path} (null: the current dir). */
  private Future<Reply> browsePage(Project p, String path, int page) {
    String target = path != null ? path : p.workspace().workdir();
    Heartbeat r = fsRunner(p, target);
    if (r == null) return noRunner();
    return fs(r, FsRequest.LIST, target)
        .recover(err -> path == null && target != null && Bus.code(err) == Failures.BAD_REQUEST
            ? fs(r, FsRequest.LIST, null) // the saved dir is gone: browse from the first root
            : Future.failedFuture(err))
        .map(listing -> Reply.of(Views.workdir(p, listing, r.runnerId(), null, page, Views.Typed.NONE)));
  }

  /** True for a refusal about what the user typed (a form's field), not about PoCo or a runner being down. */
  private static boolean fieldError(Throwable err) {
    int code = Bus.code(err);
    return code == Failures.BAD_REQUEST || code == Failures.CONFLICT || code == Failures.NOT_FOUND
        || code == Failures.FORBIDDEN;
  }

  /**
   * A project that could not be created for what was typed: the New form again with the typed values and the
   * error on the input it concerns (a taken or bad name on the name, an unknown agent on the agent).
   */
  private Future<Reply> createRefused(CardIntent in, Throwable err) {
    if (!fieldError(err)) return Future.failedFuture(err);
    String name = text(in.form(), "name", text(in.value(), "name", null));
    String backend = text(in.form(), "backend", text(in.value(), "backend", null));
    String field = "name";
    try {
      ProjectNames.check(name);
      if (Bus.code(err) != Failures.CONFLICT) {
        lifecycle.checkBackend(backend);
        field = null; // neither input: the body says it
      }
    } catch (IllegalArgumentException e) {
      field = "backend";
    } catch (RuntimeException e) {
      field = "name";
    }
    String why = err.getMessage();
    // A refusal (its code: the HTTP edge answers with it) shown as the form again, over the form.
    return Future.succeededFuture(new Reply(
        Views.newProject(backends(), lifecycle.defaultBackend(), name, backend, field, why), null,
        TaskViews.snippet(why, 120), Bus.code(err), false, Placement.REPLACE));
  }

  /**
   * A typed path the runner refused (outside its roots, not a folder, empty): the chooser again, browsing the
   * current dir, with the typed path and label kept and the error on the path input.
   */
  private Future<Reply> typedPathRefused(Project p, CardIntent in, Throwable err) {
    if (!fieldError(err)) return Future.failedFuture(err);
    String path = text(in.form(), "path", text(in.value(), "path", null));
    String label = text(in.form(), "label", null);
    String why = path == null || path.isBlank() ? "Type a path first." : err.getMessage();
    Views.Typed typed = new Views.Typed(path, label, why);
    String current = p.workspace().workdir();
    Heartbeat r = fsRunner(p, current);
    Future<FsListing> listing = r == null ? Future.succeededFuture(null)
        : fs(r, FsRequest.LIST, current).recover(e -> fs(r, FsRequest.LIST, null)).otherwise((FsListing) null);
    return listing.map(l -> new Reply(Views.workdir(p, l, l == null ? null : r.runnerId(), null, 1, typed), null,
        TaskViews.snippet(why, 120), Bus.code(err), false, Placement.REPLACE));
  }

  /** Continue: a new task in the ended task's project (its session goes on) told what the ended one delivered. */
  private Future<Reply> continueTask(CardIntent in, Task ended) {
    TaskStatus s = ended.status();
    if (s != TaskStatus.FAILED && s != TaskStatus.CANCELLED && s != TaskStatus.INTERRUPTED) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT,
          "Only a failed, cancelled or interrupted task can be continued; this one is " + s.label().toLowerCase() + "."));
    }
    Project p = projects.get(ended.projectId());
    if (p == null) return Future.failedFuture(Bus.error(Failures.NOT_FOUND, "The task's project is gone."));
    return engine.submit(p, continuePrompt(ended), in.target(), in.userId())
        .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), "Continuing").placed(Placement.TOAST));
  }

  /** Characters of the ended task's output a Continue prompt quotes: its last ones. */
  static final int CONTINUE_OUTPUT_CHARS = 1_000;

  /** The prompt of a task continuing {@code ended}: what was asked, how it ended, and the end of its output. */
  static String continuePrompt(Task ended) {
    String why = ended.status().label().toLowerCase() + (ended.error() == null ? "" : ": " + ended.error());
    String out = ended.output() != null && !ended.output().isBlank() ? ended.output()
        : ended.result() == null ? "" : ended.result();
    StringBuilder sb = new StringBuilder("Continue the previous task (").append(why).append(").\n")
        .append("It was asked:\n").append(TaskText.summary(TaskEngine.stripConfirm(ended.prompt()))).append('\n');
    if (out.isBlank()) {
      sb.append("It delivered no output before it ended.\n");
    } else {
      sb.append("Its output so far ended with:\n").append(TaskText.tail(out, CONTINUE_OUTPUT_CHARS)).append('\n');
    }
    return sb.append("Carry on from there.").toString();
  }

  /** Steer: a queued task's prompt goes into the running turn; when it cannot, the task stays queued and the toast says why. */
  private Future<Reply> steerQueued(Task queued) {
    return engine.steerQueued(queued.taskId())
        .map(t -> new Reply(TaskViews.task(t, 1, engine.ahead(t)), t.taskId(), "Sent to the running turn"))
        .recover(err -> {
          if (Bus.code(err) != Failures.CONFLICT) return Future.failedFuture(err);
          Task now = engine.find(queued.taskId());
          Task shown = now != null ? now : queued;
          return Future.succeededFuture(new Reply(TaskViews.task(shown, 1, engine.ahead(shown)), shown.taskId(),
              TaskViews.snippet(err.getMessage(), 150)));
        })
        .map(r -> r.placed(Placement.TOAST));
  }

  /**
   * Agent settings refused for what was chosen: the picker again with the chosen values and the error on the input
   * it concerns (an unknown agent on the agent select, a value not among a setting's options on that setting).
   */
  private Future<Reply> agentRefused(Project p, CardIntent in, Throwable err) {
    if (Bus.code(err) != Failures.BAD_REQUEST) return Future.failedFuture(err);
    String backend = text(in.form(), "backend", text(in.value(), "backend", null));
    Map<String, String> typed = new LinkedHashMap<>();
    Map<String, String> errors = new LinkedHashMap<>();
    String shown;
    try {
      shown = lifecycle.checkBackend(backend);
      BackendInfo info = runners.backend(shown, System.currentTimeMillis());
      for (BackendInfo.SettingSpec s : info == null ? List.<BackendInfo.SettingSpec>of() : info.settings()) {
        Object v = in.form().getValue(s.key());
        if (v == null) continue;
        typed.put(s.key(), v.toString());
        if (!(v instanceof String) || (!s.options().isEmpty() && !s.options().contains(v.toString()))) {
          errors.put(s.key(), err.getMessage());
        }
      }
    } catch (IllegalArgumentException e) {
      shown = p.workspace().backend();
      errors.put("backend", err.getMessage());
    }
    String note = errors.isEmpty() ? err.getMessage() : null; // not about one input: the body says it
    return Future.succeededFuture(new Reply(Views.agent(p, backends(), shown, note, typed, errors), null,
        TaskViews.snippet(err.getMessage(), 120), Bus.code(err), false, Placement.REPLACE));
  }
}
