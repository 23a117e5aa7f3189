package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/**
 * One task: a prompt run by one agent backend in one working directory, for one project.
 * Times are epoch millis (0 = not yet); on the wire they are ISO-8601.
 *
 * @param prompt the prompt; in lists, in memory and in later saves a summary ({@link TaskText#summary}) when
 *     longer than {@link TaskText#SUMMARY_MAX_CHARS}: the full text comes from a single task's read
 * @param output the newest live agent output ({@link TaskText#TAIL_CHARS} at most; lists carry less); the
 *     full output is read in pages from the store
 * @param result the final answer once completed
 * @param error why it failed, was cancelled or interrupted
 * @param approval the pending confirmation while waiting: {kind, title, detail, options}; the
 *     {@code confirm:} checkpoint has kind "checkpoint"
 * @param cardMessageId the platform message that shows this task's card, once posted, as its gateway named it in
 *     the {@link RenderAck} (opaque: it may carry the gateway's own binding, e.g. Feishu's CardKit entity)
 * @param diff what the turn changed: {files: [{path, added, removed}], added, removed}, or null
 * @param promptChars the full prompt's length
 * @param outputChars how much output the agent produced, notes included (what the store keeps may be less)
 * @param outputDropped output characters the store did not keep (beyond {@link TaskText#STORED_MAX_CHARS}, or
 *     lost to a failed write)
 */
public record Task(String taskId, String projectId, String prompt, TaskStatus status, String backend, String workdir,
    String originPlatform, String originChatId, String originUserId, String originThreadId, String cardMessageId,
    String output, String result, String error, JsonObject usage, JsonObject approval, String runnerId,
    String sessionId, JsonObject diff, long createdAt, long updatedAt, long startedAt, long finishedAt,
    long promptChars, long outputChars, long outputDropped) {

  public ReplyTarget target() { return new ReplyTarget(originPlatform, originChatId, originThreadId); }

  public Builder toBuilder() { return new Builder(this); }

  public JsonObject toJson() {
    JsonObject j = new JsonObject().put("task_id", taskId).put("project_id", projectId).put("prompt", prompt)
        .put("status", status.wire()).put("backend", backend).put("workdir", workdir)
        .put("origin", Jsons.putIf(new JsonObject().put("platform", originPlatform).put("chat_id", originChatId)
            .put("user_id", originUserId), "thread_id", originThreadId))
        .put("card_message_id", cardMessageId).put("output", output == null ? "" : output).put("result", result)
        .put("error", error).put("usage", usage).put("approval", approval).put("runner_id", runnerId)
        .put("session_id", sessionId).put("diff", diff).put("created_at", Jsons.time(createdAt)).put("updated_at", Jsons.time(updatedAt))
        .put("started_at", Jsons.time(startedAt)).put("finished_at", Jsons.time(finishedAt))
        .put("prompt_chars", promptChars).put("output_chars", outputChars).put("output_dropped", outputDropped);
    return j;
  }

  public static Task fromJson(JsonObject j) {
    JsonObject o = Jsons.obj(j, "origin");
    return new Task(Jsons.required(j, "task_id"), j.getString("project_id"), j.getString("prompt", ""),
        TaskStatus.of(Jsons.string(j, "status", "queued")), j.getString("backend"), j.getString("workdir"),
        o.getString("platform"), o.getString("chat_id"), o.getString("user_id"), o.getString("thread_id"),
        j.getString("card_message_id"), j.getString("output", ""), j.getString("result"), j.getString("error"),
        j.getJsonObject("usage"), j.getJsonObject("approval"), j.getString("runner_id"), j.getString("session_id"),
        j.getJsonObject("diff"), Jsons.time(j, "created_at"), Jsons.time(j, "updated_at"), Jsons.time(j, "started_at"),
        Jsons.time(j, "finished_at"), j.getLong("prompt_chars", 0L), j.getLong("output_chars", 0L),
        j.getLong("output_dropped", 0L)).toBuilder().build();
  }

  /** Copy-and-change for the orchestrator's state machine. */
  public static final class Builder {
    private String taskId, projectId, prompt, backend, workdir, originPlatform, originChatId, originUserId,
        originThreadId, cardMessageId, output, result, error, runnerId, sessionId;
    private TaskStatus status = TaskStatus.QUEUED;
    private JsonObject usage, approval, diff;
    private long createdAt, updatedAt, startedAt, finishedAt, promptChars, outputChars, outputDropped;

    public Builder() {}

    private Builder(Task t) {
      taskId = t.taskId; projectId = t.projectId; prompt = t.prompt; status = t.status; backend = t.backend;
      workdir = t.workdir; originPlatform = t.originPlatform; originChatId = t.originChatId;
      originUserId = t.originUserId; originThreadId = t.originThreadId; cardMessageId = t.cardMessageId;
      output = t.output; result = t.result; error = t.error; usage = t.usage; approval = t.approval;
      runnerId = t.runnerId; sessionId = t.sessionId; diff = t.diff; createdAt = t.createdAt; updatedAt = t.updatedAt;
      startedAt = t.startedAt; finishedAt = t.finishedAt; promptChars = t.promptChars; outputChars = t.outputChars;
      outputDropped = t.outputDropped;
    }

    public Builder taskId(String v) { taskId = v; return this; }
    public Builder projectId(String v) { projectId = v; return this; }
    public Builder prompt(String v) { prompt = v; return this; }
    public Builder status(TaskStatus v) { status = v; return this; }
    public Builder backend(String v) { backend = v; return this; }
    public Builder workdir(String v) { workdir = v; return this; }
    public Builder origin(ReplyTarget t, String userId) {
      originPlatform = t.platform(); originChatId = t.chatId(); originThreadId = t.threadId();
      originUserId = userId; return this;
    }
    public Builder cardMessageId(String v) { cardMessageId = v; return this; }
    public Builder output(String v) { output = v; return this; }
    public Builder result(String v) { result = v; return this; }
    public Builder error(String v) { error = v; return this; }
    public Builder usage(JsonObject v) { usage = v; return this; }
    public Builder approval(JsonObject v) { approval = v; return this; }
    public Builder runnerId(String v) { runnerId = v; return this; }
    public Builder sessionId(String v) { sessionId = v; return this; }
    public Builder diff(JsonObject v) { diff = v; return this; }
    public Builder createdAt(long v) { createdAt = v; return this; }
    public Builder updatedAt(long v) { updatedAt = v; return this; }
    public Builder startedAt(long v) { startedAt = v; return this; }
    public Builder finishedAt(long v) { finishedAt = v; return this; }
    public Builder promptChars(long v) { promptChars = v; return this; }
    public Builder outputChars(long v) { outputChars = v; return this; }
    public Builder outputDropped(long v) { outputDropped = v; return this; }

    /** The lengths are never less than the texts carried: a text set without its length is whole. */
    public Task build() {
      String out = output == null ? "" : output;
      long pChars = Math.max(promptChars, prompt == null ? 0 : prompt.length());
      return new Task(taskId, projectId, prompt, status, backend, workdir, originPlatform, originChatId, originUserId,
          originThreadId, cardMessageId, out, result, error, usage, approval, runnerId, sessionId, diff, createdAt,
          updatedAt, startedAt, finishedAt, pChars, Math.max(outputChars, out.length()), outputDropped);
    }
  }
}
