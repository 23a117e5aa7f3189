package dev.poco.gateway.slack;

import dev.poco.contract.RenderRequest;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The task threads this gateway shows, and (with {@code POCO_SLACK_AGENT_SESSIONS=true}) their agent session status
 * (slack.md §10.3): {@code agents.sessions.setStatus} processing while the task is queued or running (Slack shows its
 * Stop button), suspended while it waits for an approval, active once it ended (the thread stays a conversation:
 * a follow-up in it is a new task). An app that is not declared as an agent (the method unknown or not allowed) gets
 * {@code assistant.threads.setStatus} lines instead ("is working on your task…", "is waiting for your approval",
 * cleared at the end); when that fails too, sessions are off and /debug says why. Best effort: a failed status call
 * never fails a render.
 *
 * <p>The thread → task map serves {@link AgentSessionStop}: Slack's Stop button names a thread, not a task.
 */
final class SlackSessions {
  static final String SESSIONS = "agents.sessions", ASSISTANT = "assistant.threads", OFF = "off";

  /** A task shown in a thread: the task and its task message. */
  record ThreadTask(String taskId, String messageTs) {}

  private final SlackApi api;
  private final DebugRing debug;
  private final boolean enabled;
  private final Map<String, ThreadTask> threads = lru();
  private final Map<String, String> shownStatus = lru();
  private String mode = SESSIONS;
  private String offReason;
  private long calls;

  SlackSessions(SlackApi api, DebugRing debug, boolean enabled) {
    this.api = api;
    this.debug = debug;
    this.enabled = enabled;
  }

  /** The task whose thread is {@code threadTs} in {@code channel}, or null. */
  ThreadTask taskInThread(String channel, String threadTs) {
    synchronized (threads) {
      return threads.get(channel + " " + threadTs);
    }
  }

  /** A task card is shown in {@code threadTs} (the thread its output streams in) as the message {@code messageTs}. */
  void shown(RenderRequest r, String threadTs, String messageTs) {
    if (r.taskId() == null || threadTs == null) return;
    String channel = r.target().chatId();
    synchronized (threads) {
      threads.put(channel + " " + threadTs, new ThreadTask(r.taskId(), messageTs));
    }
    String status = sessionStatus(r.view().status());
    if (!enabled || OFF.equals(mode) || status == null || status.equals(shownStatus.get(r.cardKey()))) return;
    boolean first = !shownStatus.containsKey(r.cardKey());
    shownStatus.put(r.cardKey(), status);
    set(r, channel, threadTs, status, first);
  }

  private void set(RenderRequest r, String channel, String threadTs, String status, boolean first) {
    calls++;
    String title = first ? title(r) : null;
    String user = first ? r.view().refs().getString("user_id") : null;
    var call = SESSIONS.equals(mode) ? api.setSessionStatus(channel, threadTs, status, title, user)
        : api.setThreadStatus(channel, threadTs, assistantLine(status));
    String usedMode = mode;
    call.onComplete(ar -> {
      JsonObject d = new JsonObject().put("op", usedMode + ".setStatus").put("card_key", r.cardKey())
          .put("status", status);
      if (ar.succeeded()) {
        String warning = ar.result().getString("warning");
        if (warning != null) d.put("warning", warning);
        debug.add(DebugRing.OUTBOUND, d);
        return;
      }
      debug.add(DebugRing.ERROR, d.put("error", ar.cause().getMessage()));
      if (ar.cause() instanceof SlackApiException e && e.methodUnavailable()) {
        if (usedMode.equals(mode)) {
          offReason = (offReason == null ? "" : offReason + "; ") + usedMode + ".setStatus: " + e.error();
          mode = SESSIONS.equals(usedMode) ? ASSISTANT : OFF;
        }
        if (!OFF.equals(mode) && status.equals(shownStatus.get(r.cardKey()))) set(r, channel, threadTs, status, first);
      } else {
        shownStatus.remove(r.cardKey(), status); // the next render tries again
      }
    });
  }

  /** agents.sessions status of a task status: processing, suspended (waiting for the user) or active (ended). */
  static String sessionStatus(String taskStatus) {
    if (taskStatus == null) return null;
    return switch (taskStatus) {
      case "queued", "running" -> "processing";
      case "waiting_confirmation" -> "suspended";
      case "completed", "failed", "cancelled", "interrupted" -> "active";
      default -> null;
    };
  }

  static String assistantLine(String sessionStatus) {
    return switch (sessionStatus) {
      case "processing" -> "is working on your task…";
      case "suspended" -> "is waiting for your approval";
      default -> "";
    };
  }

  private static String title(RenderRequest r) {
    String t = r.view().title() == null ? "PoCo task" : r.view().title().replaceFirst("^\\[[^\\]]*\\] ", "").strip();
    return t.length() > 200 ? t.substring(0, 199) + "…" : t;
  }

  JsonObject status() {
    JsonObject j = new JsonObject().put("enabled", enabled).put("mode", enabled ? mode : OFF).put("calls", calls);
    if (offReason != null) j.put("reason", offReason);
    return j;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> e) { return size() > 10_000; }
    };
  }
}
