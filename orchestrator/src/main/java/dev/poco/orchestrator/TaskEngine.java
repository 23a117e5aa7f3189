package dev.poco.orchestrator;

import static dev.poco.contract.TaskStatus.CANCELLED;
import static dev.poco.contract.TaskStatus.FAILED;
import static dev.poco.contract.TaskStatus.INTERRUPTED;
import static dev.poco.contract.TaskStatus.QUEUED;
import static dev.poco.contract.TaskStatus.RUNNING;
import static dev.poco.contract.TaskStatus.WAITING_CONFIRMATION;

import dev.poco.contract.Addresses;
import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.Project;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.StartTask;
import dev.poco.contract.Task;
import dev.poco.contract.TaskControl;
import dev.poco.contract.TaskEvent;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.TaskText;
import dev.poco.contract.Workspace;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task state machine, and the façade the rest of the orchestrator calls. Each project has one lane: at most one
 * active task (running or waiting for confirmation) and a FIFO queue behind it ({@link Lanes}). Every state change
 * follows the {@link Transitions} table and is written to the store before the next step depends on it
 * ({@link TaskSaves}); live output is written at a bounded rate ({@link TaskOutput}); what a restart left is loaded
 * by {@link TaskRecovery}; the cards hear of changes through a {@link TaskListener}. All of it runs on the
 * orchestrator's event loop, so no locks.
 */
final class TaskEngine {
  private static final Logger log = LoggerFactory.getLogger(TaskEngine.class);
  private static final String CONFIRM_PREFIX = "confirm:";
  /** Output characters waiting for the store, across all tasks, before runners wait, and before more is dropped. */
  static final long OUTPUT_BACKLOG_SOFT_CHARS = 4L * 1024 * 1024;
  static final long OUTPUT_BACKLOG_HARD_CHARS = 12L * 1024 * 1024;

  private final Vertx vertx;
  private final StoreClient store;
  private final Projects projects;
  private final RunnerRegistry runners;
  private final Settings settings;
  private final TaskListener listener;
  private final TaskMeters meters;

  /** Tasks not yet terminal, plus terminal ones until their final state is durable. */
  private final Map<String, Task> active = new HashMap<>();
  /** Each project's newest task, as its workspace card shows it. */
  private final Map<String, Task> latest = new HashMap<>();
  private final Lanes lanes = new Lanes();
  private final TaskSaves saves;
  private final TaskRecovery recovery;
  private final Map<String, SeqGate> gates = new HashMap<>();
  /** Checkpoint tasks approved, which may now run. */
  private final Set<String> confirmed = new HashSet<>();
  private final TaskWaiters waiters;
  /** Live tasks' output: tails in memory, the whole text appended to the store in pieces. */
  private final Map<String, TaskOutput> outputs = new HashMap<>();
  private final TaskOutput.Backlog backlog = new TaskOutput.Backlog(OUTPUT_BACKLOG_SOFT_CHARS,
      OUTPUT_BACKLOG_HARD_CHARS);

  TaskEngine(Vertx vertx, StoreClient store, Projects projects, RunnerRegistry runners, Settings settings,
      TaskListener listener, TaskMeters meters) {
    this.meters = meters;
    this.vertx = vertx;
    this.store = store;
    this.projects = projects;
    this.runners = runners;
    this.settings = settings;
    this.listener = listener;
    this.saves = new TaskSaves(vertx, store, active::get);
    this.waiters = new TaskWaiters(vertx, store, active::get);
    this.recovery = new TaskRecovery(store, projects, lanes, runners, new TaskRecovery.Host() {
      @Override public void load(Task t) { put(t); }

      @Override public Task live(String taskId) { return active.get(taskId); }

      @Override public List<Task> liveTasks() { return new ArrayList<>(active.values()); }

      @Override public void resumeEvents(String taskId) { gates.put(taskId, SeqGate.resumed()); }

      @Override public void requeue(Task t, String note) { TaskEngine.this.requeue(t, note); }

      @Override public void interrupt(Task t, String why) { finish(t, INTERRUPTED, null, why); }
    });
  }

  // ---- intake ----

  /** Creates a task (durable before this completes) and queues it behind the project's active one. */
  Future<Task> submit(Project p, String prompt, ReplyTarget target, String userId) {
    return submit(p, prompt, target, userId, null);
  }

  /**
   * As {@link #submit(Project, String, ReplyTarget, String)}, the task's first save also marking {@code eventKey}
   * (may be null): when that save fails the task is dropped unstored and unrun, for the platform's redelivery to
   * create it; CONFLICT means another task holds the event.
   */
  Future<Task> submit(Project p, String prompt, ReplyTarget target, String userId, String eventKey) {
    long now = System.currentTimeMillis();
    Workspace ws = p.workspace();
    String workdir = ws.workdir() != null ? ws.workdir()
        : settings.str(ConfigKeys.backendKey(ws.backend(), "workdir"), null);
    Task t = new Task.Builder().taskId(Ids.task()).projectId(p.projectId()).prompt(prompt).status(QUEUED)
        .backend(ws.backend()).workdir(workdir).origin(target, userId).createdAt(now).updatedAt(now).build();
    put(t);
    saves.begin(t.taskId());
    saves.markEvent(t.taskId(), eventKey);
    lanes.lane(p.projectId()).queue.add(t.taskId());
    pump(p.projectId());
    // Durable before the reply. When the task started at once, its one write is the running state.
    Future<Void> saved = saves.takeFirst(t.taskId());
    if (saved == null) saved = saves.saveFirst(active.get(t.taskId()));
    return saved.compose(v -> {
      saves.firstDone(t.taskId());
      summarizePrompt(t.taskId());
      Task cur = active.get(t.taskId());
      // Ended already (its start failed at once) and forgotten once its end was stored: its card shows the end, and
      // a Queued card now would cover it; the caller gets the stored end.
      if (cur == null) return store.task(t.taskId()).otherwise(t);
      // A task that waits in the queue shows its card now (Queued, Stop, Steer): a started one already did.
      if (cur.status() == QUEUED) listener.taskChanged(cur, ahead(cur));
      return Future.succeededFuture(cur);
    }).recover(err -> {
      saves.firstDone(t.taskId());
      Task cur = active.get(t.taskId());
      if (eventKey != null) abandon(t.taskId(), err);
      else if (cur != null && !cur.status().terminal()) stop(cur);
      return Future.failedFuture(err);
    });
  }

  /**
   * Drops a new task whose first save failed: nothing of it was stored (the save and its event mark stand or fall
   * together), so the platform's redelivery of its event creates it again. Its card says so; its lane goes on.
   */
  private void abandon(String id, Throwable err) {
    saves.dropEvent(id);
    Task t = active.get(id);
    if (t == null || t.status().terminal()) return;
    lanes.leave(t.projectId(), id);
    boolean freedSlot = lanes.placed(id);
    confirmed.remove(id);
    recovery.forget(id);
    forget(id);
    if (latest.get(t.projectId()) != null && id.equals(latest.get(t.projectId()).taskId())) latest.remove(t.projectId());
    Task gone = t.toBuilder().status(CANCELLED).error("PoCo could not store this task (" + err.getMessage()
        + "); it was not run. It is created when the message is delivered again.").build();
    listener.taskChanged(gone, 0);
    wake(gone);
    log.warn("task {} was not stored ({}): dropped, for its event's redelivery", id, err.getMessage());
    if (freedSlot) pumpWaiting();
    pump(t.projectId());
  }

  /**
   * Once the whole prompt is stored, memory and later saves keep only its summary (the store never replaces the
   * whole one); the runner gets it from the store at launch. A terminal task is left alone: it is forgotten once
   * stored, and its final save must find the very object it wrote.
   */
  private void summarizePrompt(String taskId) {
    Task cur = active.get(taskId);
    if (cur == null || cur.status().terminal() || cur.prompt().length() <= TaskText.SUMMARY_MAX_CHARS) return;
    put(cur.toBuilder().prompt(TaskText.summary(cur.prompt())).promptChars(cur.promptChars()).build());
  }

  private static boolean wholePrompt(Task t) { return t.prompt().length() >= t.promptChars(); }

  Task find(String taskId) { return active.get(taskId); }

  Task latest(String projectId) { return latest.get(projectId); }

  /** The task, from memory while it is live, else from the store (404 when unknown). */
  Future<Task> get(String taskId) {
    Task t = active.get(taskId);
    return t != null ? Future.succeededFuture(t) : store.task(taskId);
  }

  /** Tasks from the store, with live ones replaced by their fresher copy in memory. */
  Future<List<Task>> list(TaskQuery q) {
    return store.tasks(q).map(list -> {
      List<Task> out = new ArrayList<>(list.size());
      for (Task t : list) {
        Task live = active.get(t.taskId());
        out.add(live == null ? t : listed(live));
      }
      return out;
    });
  }

  /** A live task as lists show it: summaries, like the store's rows. */
  private static Task listed(Task t) {
    return t.toBuilder().prompt(TaskText.summary(t.prompt())).promptChars(t.promptChars())
        .output(TaskText.tail(t.output(), TaskText.LIST_OUTPUT_CHARS)).outputChars(t.outputChars())
        .result(TaskText.summary(t.result())).build();
  }

  /**
   * One task for a reader: its whole prompt (on the first page) and a page of its full output from {@code offset}
   * (the live task's pending output is handed to the store first, so the page is current). The reply is the task's
   * JSON with {@code output} replaced by the page, plus output_offset, output_next_offset (null at the end) and
   * output_stored_chars.
   */
  Future<JsonObject> detail(String taskId, long offset, int limit) {
    Task live = active.get(taskId);
    TaskOutput out = outputs.get(taskId);
    Future<Void> flushed = out == null ? Future.succeededFuture() : out.flush();
    Future<Task> task;
    if (live == null) task = store.task(taskId);
    else if (offset > 0 || wholePrompt(live)) task = Future.succeededFuture(live);
    else task = store.task(taskId).map(s -> live.toBuilder().prompt(s.prompt()).build()).otherwise(live);
    return flushed.compose(v -> task).compose(t -> store.outputPage(taskId, offset, limit).map(page -> {
      Task shown = offset > 0 ? t.toBuilder().prompt(TaskText.summary(t.prompt())).promptChars(t.promptChars()).build() : t;
      return shown.toJson().put("output", page.getString("text", "")).put("output_offset", offset)
          .put("output_next_offset", page.getValue("next_offset"))
          .put("output_stored_chars", page.getLong("stored_chars", 0L));
    }));
  }

  /** Completes when the task is terminal and stored, or after {@code timeoutMs} with its state then. */
  Future<Task> await(String taskId, long timeoutMs) { return waiters.await(taskId, timeoutMs); }

  /** How many tasks wait before this one in its project's lane. */
  int ahead(Task t) { return lanes.ahead(t); }

  // ---- dispatch ----

  private void pump(String projectId) {
    Lanes.Lane lane = lanes.get(projectId);
    if (lane == null || lane.activeId != null || lane.queue.isEmpty()) {
      lanes.stopWaiting(projectId);
      return;
    }
    String id = lane.queue.peek();
    Task t = active.get(id);
    Project p = projects.get(projectId);
    if (t == null || p == null) {
      lane.queue.poll();
      if (t != null) finish(t, FAILED, null, "The project was deleted.");
      pump(projectId);
      return;
    }
    if (isConfirm(t.prompt()) && !confirmed.contains(id)) {
      lane.activateHead();
      JsonObject ask = new JsonObject().put("kind", "checkpoint").put("title", "Confirm before the agent runs")
          .put("detail", "> " + TaskText.summary(stripConfirm(t.prompt()))).put("options", new JsonArray().add("approve").add("reject"));
      Task waiting = change(t.toBuilder().status(WAITING_CONFIRMATION).approval(ask), true);
      saves.holdFirst(id, saves.saveFirst(waiting).onFailure(err -> saves.markDirty(id)));
      return;
    }
    long now = System.currentTimeMillis();
    RunnerRegistry.Placement placed = runners.place(t.backend(), t.workdir(), p.runnerId(), lanes.load(),
        projects.pinnedPerRunner(), now);
    if (placed.refusal() != null) {
      lane.activateHead();
      finish(t, FAILED, null, placed.refusal());
      return;
    }
    if (placed.runner() == null) { // no live runner or no free slot yet: a freed slot or a heartbeat pumps again
      lanes.waitForSlot(projectId);
      return;
    }
    lanes.stopWaiting(projectId);
    lane.activateHead();
    launch(t, p, placed.runner(), now);
  }

  private void launch(Task t, Project p, Heartbeat runner, long now) {
    String workdir = t.workdir() != null ? t.workdir() : runner.roots().isEmpty() ? null : runner.roots().get(0);
    AgentSession s = p.session(t.backend());
    String sessionId = null;
    String note = null;
    if (s != null) {
      boolean sameDir = Objects.equals(s.workdir(), workdir);
      boolean sameRunner = s.runnerId() == null || s.runnerId().equals(runner.runnerId());
      if (sameDir && sameRunner) sessionId = s.sessionId();
      else note = newSessionNote(s, workdir, runner.runnerId(), sameRunner, now);
    } else if (p.runnerId() != null && !p.runnerId().equals(runner.runnerId())) {
      Heartbeat pinned = runners.alive(p.runnerId(), now);
      if (pinned != null && !RunnerRegistry.serves(pinned, workdir)) {
        note = "Runner " + p.runnerId() + " does not serve " + workdir + ": this project moves to " + runner.runnerId()
            + ".";
      }
    }
    // A queued task's output holds only notes about its earlier placement (requeue), kept above the new one.
    Task.Builder b = note == null ? t.toBuilder() : withOutput(t, note + "\n\n");
    Task running = change(b.status(RUNNING).runnerId(runner.runnerId()).workdir(workdir)
        .sessionId(sessionId).approval(null).startedAt(now), true);
    lanes.place(t.taskId(), runner.runnerId());
    gates.put(t.taskId(), new SeqGate());
    if (!runner.runnerId().equals(p.runnerId())) {
      projects.pin(p, runner.runnerId()).onFailure(err -> log.warn("pin {}: {}", p.projectId(), err.getMessage()));
    }
    boolean fromEvent = saves.fromEvent(t.taskId());
    Future<Void> saved = saves.saveFirst(running);
    saves.holdFirst(t.taskId(), saved);
    String session = sessionId;
    saved
        .compose(v -> wholePrompt(t) ? Future.succeededFuture(t.prompt()) : store.task(t.taskId()).map(Task::prompt))
        .compose(prompt -> runners.request(vertx.eventBus(), runner.runnerId(),
            Addresses.runnerStart(runner.runnerId()), new StartTask(t.taskId(), p.projectId(), t.backend(),
                stripConfirm(prompt), workdir, session, p.workspace().settings()).toJson()))
        .onFailure(err -> {
          if (fromEvent && saved.failed()) return; // never stored: submit drops it for the event's redelivery
          startFailed(t.taskId(), err);
        });
  }

  /** Why the project's session cannot go on, said on the card of the task that starts a new one. */
  private String newSessionNote(AgentSession s, String workdir, String runnerId, boolean sameRunner, long now) {
    if (sameRunner) return "Working dir changed (the session was in " + s.workdir() + "): starting a new session.";
    Heartbeat holder = runners.alive(s.runnerId(), now);
    if (holder == null) {
      return "Runner " + s.runnerId() + " held the session and is gone: starting a new session on " + runnerId + ".";
    }
    String why = !RunnerRegistry.serves(holder, workdir) ? "does not serve " + workdir
        : holder.backend(s.backend()) == null || !holder.backend(s.backend()).ready()
            ? "no longer offers " + s.backend() : "is not this project's runner any more";
    return "Runner " + s.runnerId() + " held the session (in " + s.workdir() + ") and " + why
        + ": starting a new session on " + runnerId + ".";
  }

  private void startFailed(String taskId, Throwable err) {
    Task cur = active.get(taskId);
    if (cur == null || cur.status().terminal()) return;
    int code = Bus.code(err);
    if (code == Failures.BAD_REQUEST || code == Failures.NOT_FOUND) {
      finish(cur, FAILED, null, err.getMessage());
      return;
    }
    // The runner was unreachable or full: back to the head of the queue, tried again shortly.
    log.warn("runner {} did not take task {}: {}", cur.runnerId(), taskId, err.getMessage());
    lanes.unplace(taskId);
    lanes.toFront(cur.projectId(), taskId);
    Task back = change(cur.toBuilder().status(QUEUED).runnerId(null), true);
    saves.save(back);
    vertx.setTimer(1_000, x -> pump(cur.projectId()));
  }

  /** A runner beat: settle tasks recovered after a restart, then start what waited for a runner. */
  void onHeartbeat(Heartbeat hb) {
    recovery.onHeartbeat(hb);
    pumpAll();
  }

  private void requeue(Task t, String note) {
    String id = t.taskId();
    log.info("task {} never reached runner {}: queued again", id, t.runnerId());
    lanes.unplace(id);
    gates.remove(id);
    lanes.toFront(t.projectId(), id);
    if (isConfirm(t.prompt())) confirmed.add(id); // it ran, so its checkpoint was approved already
    Task back = change(withOutput(t, note + "\n\n").status(QUEUED).runnerId(null).startedAt(0), true);
    saves.save(back);
  }

  void pumpAll() {
    pumpWaiting();
    for (String projectId : lanes.projects()) pump(projectId);
  }

  /** Offers free runner slots to the projects waiting for one, in the order they started waiting. */
  private void pumpWaiting() {
    if (!lanes.anyWaiting()) return;
    for (String projectId : lanes.waitingForSlot()) pump(projectId);
  }

  /** Interrupts tasks whose runner stopped beating, and recovered tasks nobody claimed in time. */
  void checkRunners(boolean graceOver) { recovery.checkRunners(graceOver); }

  // ---- events from runners ----

  /**
   * Applies a runner's event. Completes once what it settled is durable: for FINISHED, the task's final
   * state (also for a repeat of it, which finds the task already ended); for DELTA once the store is not far behind
   * on output (the runner's flow control); at once for the rest.
   */
  Future<Void> onEvent(TaskEvent e) {
    Task t = active.get(e.taskId());
    if (t == null || t.status().terminal()) {
      log.debug("late event {} for task {}", e.type(), e.taskId());
      return saves.finalSave(e.taskId());
    }
    if (recovery.claimed(e.taskId())) log.info("runner {} still holds task {}", e.runnerId(), e.taskId());
    SeqGate gate = gates.computeIfAbsent(e.taskId(), k -> SeqGate.resumed());
    for (TaskEvent ev : gate.accept(e)) apply(ev);
    if (TaskEvent.FINISHED.equals(e.type())) return saves.finalSave(e.taskId());
    // A runner's DELTA is answered once the store has room: that is how a fast agent is slowed to the store's pace.
    return TaskEvent.DELTA.equals(e.type()) ? backlog.room() : Future.succeededFuture();
  }

  private void apply(TaskEvent e) {
    Task t = active.get(e.taskId());
    if (t == null || t.status().terminal()) return;
    switch (e.type()) {
      case TaskEvent.STARTED -> { }
      case TaskEvent.SESSION -> {
        String sid = e.data().getString("session_id");
        if (sid == null || sid.equals(t.sessionId())) return; // resumed as asked: already stored
        Task withSession = change(t.toBuilder().sessionId(sid), false);
        // Persisted at once, so a crash in the first turn still lets the next prompt continue it.
        saves.save(withSession);
        Project p = projects.get(t.projectId());
        if (p != null) {
          projects.saveSession(p, new AgentSession(p.projectId(), t.backend(), sid, t.workdir(), t.runnerId(),
              System.currentTimeMillis())).onFailure(err -> log.warn("session of {}: {}", p.projectId(), err.getMessage()));
        }
      }
      case TaskEvent.DELTA -> {
        change(withOutput(t, e.text()), false);
        saves.markDirty(t.taskId());
        listener.outputAdded(active.get(t.taskId()));
      }
      case TaskEvent.ACTIVITY -> {
        change(withOutput(t, "\n▸ " + e.text() + "\n"), false);
        saves.markDirty(t.taskId());
        listener.outputAdded(active.get(t.taskId()));
      }
      case TaskEvent.APPROVAL -> {
        Task waiting = change(t.toBuilder().status(WAITING_CONFIRMATION).approval(e.data()), true);
        saves.save(waiting);
      }
      case TaskEvent.RESUMED -> {
        if (t.status() != WAITING_CONFIRMATION || isCheckpoint(t)) return;
        Task running = change(t.toBuilder().status(RUNNING).approval(null), true);
        saves.save(running);
      }
      case TaskEvent.DIFF -> {
        change(t.toBuilder().diff(e.data()), false);
        saves.markDirty(t.taskId());
      }
      case TaskEvent.USAGE -> {
        change(t.toBuilder().usage(e.data()), false);
        saves.markDirty(t.taskId());
      }
      case TaskEvent.FINISHED -> {
        TaskStatus status = TaskStatus.of(e.data().getString("status", "failed"));
        if (!status.terminal()) status = FAILED;
        finish(t, status, e.data().getString("result"), e.data().getString("error"));
      }
      default -> log.debug("unknown event type {} for task {}", e.type(), e.taskId());
    }
  }

  // ---- approvals and stop ----

  Future<Task> approve(String taskId, boolean forSession) {
    return waiting(taskId).compose(t -> {
      if (isCheckpoint(t)) {
        confirmed.add(taskId);
        lanes.toFront(t.projectId(), taskId);
        Task queued = change(t.toBuilder().status(QUEUED).approval(null), false);
        saves.save(queued);
        pump(t.projectId());
        return Future.succeededFuture(active.get(taskId));
      }
      String action = forSession ? TaskControl.APPROVE_SESSION : TaskControl.APPROVE;
      return answerAgent(t, action);
    });
  }

  Future<Task> reject(String taskId) {
    return waiting(taskId).compose(t -> {
      if (isCheckpoint(t)) return Future.succeededFuture(finish(t, CANCELLED, null, "Rejected before the agent ran."));
      return answerAgent(t, TaskControl.REJECT);
    });
  }

  /**
   * Back to running before the answer leaves: the agent may ask its next question right after it
   * gets this answer, and that request must not be wiped by a late state change here.
   */
  private Future<Task> answerAgent(Task t, String action) {
    JsonObject asked = t.approval();
    Task running = change(t.toBuilder().status(RUNNING).approval(null), true);
    saves.save(running);
    return control(t, new TaskControl(t.taskId(), action, null))
        .map(v -> active.getOrDefault(t.taskId(), running))
        .recover(err -> {
          Task cur = active.get(t.taskId());
          if (cur != null && cur.status() == RUNNING && cur.approval() == null) {
            Task back = change(cur.toBuilder().status(WAITING_CONFIRMATION).approval(asked), true);
            saves.save(back);
          }
          return Future.failedFuture(err);
        });
  }

  private Future<Task> waiting(String taskId) {
    Task t = active.get(taskId);
    if (t == null) {
      return store.task(taskId).compose(s -> Future.failedFuture(Bus.error(Failures.CONFLICT,
          "Task " + taskId + " is " + s.status().wire() + ", not waiting for confirmation.")));
    }
    if (t.status() != WAITING_CONFIRMATION) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT,
          "Task " + taskId + " is " + t.status().wire() + ", not waiting for confirmation."));
    }
    return Future.succeededFuture(t);
  }

  /**
   * Adds a message to the project's running turn instead of queueing it, where the agent can take
   * it (Codex turn/steer). Null when no turn is running: the caller then runs it as a task.
   */
  Future<Task> steer(String projectId, String text) {
    String activeId = lanes.activeId(projectId);
    Task t = activeId == null ? null : active.get(activeId);
    if (t == null || t.status() != RUNNING || t.runnerId() == null) return Future.succeededFuture(null);
    return control(t, new TaskControl(t.taskId(), TaskControl.STEER, text)).map(v -> {
      Task cur = active.getOrDefault(t.taskId(), t);
      return change(withOutput(cur, "\n▸ steered: " + text + "\n"), false);
    });
  }

  /** Stops the project's active task; queued ones go on. Null when nothing was active. */
  Future<Task> stopProject(String projectId) {
    String activeId = lanes.activeId(projectId);
    Task t = activeId == null ? null : active.get(activeId);
    return t == null ? Future.succeededFuture(null) : stop(t);
  }

  /**
   * Stops the task named by id, as this engine holds it: a queued one leaves its lane's queue (cancelled,
   * stored, never run, also not after a restart), the active one is cancelled; others in the lane go on.
   */
  Future<Task> stopTask(Task found) {
    Task live = active.get(found.taskId());
    return stop(live != null ? live : found);
  }

  /** Stops one task: a queued one leaves the queue, an active one is cancelled on its runner. */
  Future<Task> stop(Task t) {
    if (t.status().terminal()) return Future.succeededFuture(t);
    if (t.status() == QUEUED || isCheckpoint(t) || t.runnerId() == null) {
      return Future.succeededFuture(finish(t, CANCELLED, null, "Stopped by the user."));
    }
    return control(t, new TaskControl(t.taskId(), TaskControl.CANCEL, null))
        .map(v -> active.getOrDefault(t.taskId(), t))
        .recover(err -> {
          Task cur = active.get(t.taskId());
          if (cur == null || cur.status().terminal()) return Future.succeededFuture(cur == null ? t : cur);
          log.warn("cancel of {} on {} failed ({}): marking it cancelled", t.taskId(), t.runnerId(), err.getMessage());
          return Future.succeededFuture(finish(cur, CANCELLED, null, "Stopped by the user."));
        });
  }

  private Future<Void> control(Task t, TaskControl c) {
    return runners.request(vertx.eventBus(), t.runnerId(), Addresses.runnerControl(t.runnerId()), c.toJson())
        .mapEmpty();
  }

  /** Forgets a deleted project's tasks, cancelling its running one on its runner. */
  void dropProject(String projectId) {
    Lanes.Lane lane = lanes.remove(projectId);
    latest.remove(projectId);
    for (Task t : new ArrayList<>(active.values())) {
      if (!projectId.equals(t.projectId())) continue;
      if (t.status().active() && t.runnerId() != null) {
        control(t, new TaskControl(t.taskId(), TaskControl.CANCEL, null)).onFailure(err -> { });
      }
      Task gone = t.toBuilder().status(CANCELLED).error("The project was deleted.").build();
      forget(t.taskId()); // its pending output goes too: the project's rows are being deleted
      wake(gone);
    }
    if (lane != null) lane.queue.clear();
  }

  // ---- state changes ----

  /** Ends a task: final state stored, waiters woken once durable, card updated, next task started. */
  Task finish(Task t, TaskStatus status, String result, String error) {
    long now = System.currentTimeMillis();
    Task done = change(t.toBuilder().status(status).result(result).error(error).approval(null).finishedAt(now), true);
    String id = t.taskId();
    boolean freedSlot = lanes.unplace(id);
    gates.remove(id);
    recovery.forget(id);
    confirmed.remove(id);
    lanes.leave(t.projectId(), id);
    Promise<Void> stored = saves.finalStarted(id);
    // The whole output is stored before the final state, so a reader woken by it reads every piece. Pieces
    // the store refused only count as dropped: the task ends either way.
    TaskOutput out = outputs.get(id);
    if (out == null) {
      saves.persistFinal(done, stored, this::finalStored);
    } else {
      out.close().onComplete(x -> {
        Task cur = active.get(id);
        if (cur == done && out.dropped() != done.outputDropped()) {
          cur = done.toBuilder().outputDropped(out.dropped()).build();
          put(cur);
        }
        saves.persistFinal(cur == null || !cur.status().terminal() ? done : cur, stored, this::finalStored);
      });
    }
    // The slot goes to whoever waited longest, then to this project's own next task (fair across chats).
    if (freedSlot) pumpWaiting();
    pump(t.projectId());
    return done;
  }

  /** A final state is durable: the task is forgotten unless a newer state replaced it, and its waiters woken. */
  private void finalStored(Task done) {
    if (active.get(done.taskId()) == done) forget(done.taskId());
    wake(done);
  }

  private void forget(String id) {
    saves.forget(id);
    outputs.remove(id);
    active.remove(id);
    gates.remove(id);
    lanes.unplace(id);
  }

  private void wake(Task t) { waiters.wake(t); }

  /**
   * Applies a change in memory (stamping updated_at) and, for a state change, tells the listener (the cards). A
   * change of state the {@link Transitions} table does not allow (an ended task's above all) is logged and refused:
   * the task stays as it was and that is returned.
   */
  private Task change(Task.Builder b, boolean stateChange) {
    Task t = b.updatedAt(System.currentTimeMillis()).build();
    Task before = active.get(t.taskId());
    if (before != null && !Transitions.allowed(before.status(), t.status())) {
      log.warn("task {}: refused the change {} -> {}", t.taskId(), before.status().wire(), t.status().wire());
      return before;
    }
    if (t.status().terminal() && (before == null || !before.status().terminal())) meters.ended(t.status());
    put(t);
    if (stateChange) {
      listener.taskChanged(t, ahead(t));
      Project p = projects.get(t.projectId());
      if (p != null) listener.workspaceChanged(p, t);
    }
    return t;
  }

  private void put(Task t) {
    active.put(t.taskId(), t);
    // The workspace card shows a prompt snippet: a whole long prompt need not stay for every project.
    latest.put(t.projectId(), wholePrompt(t) && t.prompt().length() > TaskText.SUMMARY_MAX_CHARS
        ? t.toBuilder().prompt(TaskText.summary(t.prompt())).promptChars(t.promptChars()).build() : t);
  }

  /** Adds text to the task's output: its tail in memory, the whole of it on its way to the store. */
  private Task.Builder withOutput(Task t, String text) {
    TaskOutput o = outputs.computeIfAbsent(t.taskId(),
        id -> new TaskOutput(id, store, backlog, t.output(), t.outputChars(), t.outputDropped()));
    o.add(text);
    return t.toBuilder().output(o.tail()).outputChars(o.total()).outputDropped(o.dropped());
  }

  /** Writes live output of running tasks; called on a timer so output costs one write per task per tick. */
  void flushDirty() {
    for (TaskOutput out : outputs.values()) out.flush();
    saves.flushDirty();
  }

  /** Task card message id reported by a gateway: stored at once so later updates patch the same card. */
  Future<Void> bindCard(String taskId, String messageId) {
    Task t = active.get(taskId);
    if (t != null) {
      Task bound = t.toBuilder().cardMessageId(messageId).build();
      put(bound);
      if (saves.unsaved(taskId)) { // stored with its next save, never before its first
        saves.markDirty(taskId);
        return Future.succeededFuture();
      }
      return store.saveTask(bound);
    }
    return store.task(taskId).compose(s -> store.saveTask(s.toBuilder().cardMessageId(messageId).build()));
  }

  /** The project's workspace card(s), after a change of its settings. */
  void showWorkspace(Project p) { listener.workspaceChanged(p, latest.get(p.projectId())); }

  /**
   * Renders again the card of every unfinished task from {@code platform} (null: every platform): after a restart of
   * this orchestrator, or when a gateway starts, so a card whose renders went nowhere catches up.
   */
  void showUnfinished(String platform) {
    for (Task t : new ArrayList<>(active.values())) {
      if (t.status().terminal() || t.originPlatform() == null) continue;
      if (platform == null || platform.equals(t.originPlatform())) listener.taskChanged(t, ahead(t));
    }
  }

  // ---- recovery ----

  /**
   * Loads what a previous run left: queued tasks go back in their lanes, confirmations still wait,
   * and running tasks wait for their runner to claim them (else they become interrupted).
   */
  Future<Void> recover() { return recovery.recover(); }

  JsonObject counts() {
    Map<TaskStatus, Integer> n = statusCounts();
    return new JsonObject().put("queued", n.getOrDefault(QUEUED, 0)).put("running", n.getOrDefault(RUNNING, 0))
        .put("waiting_confirmation", n.getOrDefault(WAITING_CONFIRMATION, 0));
  }

  /** Unfinished tasks by state. */
  Map<TaskStatus, Integer> statusCounts() {
    Map<TaskStatus, Integer> n = new EnumMap<>(TaskStatus.class);
    for (Task t : active.values()) {
      if (!t.status().terminal()) n.merge(t.status(), 1, Integer::sum);
    }
    return n;
  }

  /** Tasks waiting behind each project's active one. */
  Map<String, Integer> queueDepths() { return lanes.queueDepths(); }

  void refreshMeters() {
    meters.refresh(statusCounts(), queueDepths());
  }

  static boolean isCheckpoint(Task t) {
    return t.status() == WAITING_CONFIRMATION && t.approval() != null
        && "checkpoint".equals(t.approval().getString("kind"));
  }

  static boolean isConfirm(String prompt) {
    return prompt.stripLeading().toLowerCase(Locale.ROOT).startsWith(CONFIRM_PREFIX);
  }

  static String stripConfirm(String prompt) {
    return isConfirm(prompt) ? prompt.stripLeading().substring(CONFIRM_PREFIX.length()).strip() : prompt;
  }

  // ---- steering a queued task (added for the Steer button) ----

  /**
   * Sends queued task {@code taskId}'s prompt into its project's running turn instead of waiting (Codex turn/steer);
   * the task then ends COMPLETED, saying where its prompt went. It is held out of the queue while the runner is
   * asked, so it cannot also start meanwhile; when the turn cannot take it (no turn running, the agent cannot be
   * steered, the turn ended) it goes back to its place in the queue and this fails with CONFLICT saying why.
   */
  Future<Task> steerQueued(String taskId) {
    Task t = active.get(taskId);
    Lanes.Lane lane = t == null ? null : lanes.get(t.projectId());
    if (t == null || t.status() != QUEUED || lane == null || !lane.queue.contains(taskId)) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "Only a queued task can be sent into the running turn."));
    }
    if (isConfirm(t.prompt())) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT,
          "This task asks for confirmation before it runs, so it cannot be steered in: it stays queued."));
    }
    Task running = lane.activeId == null ? null : active.get(lane.activeId);
    if (running == null || running.status() != RUNNING || running.runnerId() == null) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "No turn is running to steer: the task stays queued."));
    }
    List<String> order = new ArrayList<>(lane.queue);
    lane.queue.remove(taskId);
    Future<String> prompt = wholePrompt(t) ? Future.succeededFuture(t.prompt()) : store.task(taskId).map(Task::prompt);
    return prompt.compose(text -> steer(t.projectId(), text)).compose(into -> {
      if (into == null) {
        return Future.<Task>failedFuture(Bus.error(Failures.CONFLICT,
            "The running turn ended before it could be steered: the task stays queued."));
      }
      Task cur = active.get(taskId);
      if (cur == null || cur.status().terminal()) return Future.succeededFuture(cur == null ? t : cur);
      return Future.succeededFuture(finish(cur, TaskStatus.COMPLETED,
          "Sent into the running task " + into.taskId() + " as a message to its turn.", null));
    }).recover(err -> {
      requeueAt(taskId, order);
      int code = Bus.code(err);
      String why = code == Failures.CONFLICT && err.getMessage() != null && err.getMessage().endsWith("stays queued.")
          ? err.getMessage() : "This agent cannot be steered mid-turn (" + err.getMessage() + "): the task stays queued.";
      return Future.failedFuture(Bus.error(Failures.CONFLICT, why));
    });
  }

  /** Puts a queued task held out of its lane back at its place in {@code order} (the queue as it was), if still queued. */
  private void requeueAt(String taskId, List<String> order) {
    Task t = active.get(taskId);
    Lanes.Lane lane = t == null ? null : lanes.get(t.projectId());
    if (t == null || t.status() != QUEUED || lane == null || lane.queue.contains(taskId)) return;
    List<String> now = new ArrayList<>(lane.queue);
    ArrayDeque<String> rebuilt = new ArrayDeque<>();
    for (String id : order) if (id.equals(taskId) || now.remove(id)) rebuilt.add(id);
    rebuilt.addAll(now); // queued while the runner was asked
    lane.queue.clear();
    lane.queue.addAll(rebuilt);
    pump(t.projectId());
  }

  /** True when the project's active task is a running turn (one a steer could reach). */
  boolean turnRunning(String projectId) {
    String activeId = lanes.activeId(projectId);
    Task t = activeId == null ? null : active.get(activeId);
    return t != null && t.status() == RUNNING && t.runnerId() != null;
  }
}
