package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/**
 * Runner → orchestrator: something happened in a task's turn. Events of one task carry increasing
 * {@code seq} numbers from 1; the orchestrator applies them in that order.
 *
 * <ul>
 *   <li>{@link #STARTED}: the agent process took the turn</li>
 *   <li>{@link #SESSION}: the agent's session id is known (data.session_id) — persisted at once</li>
 *   <li>{@link #DELTA}: more answer text (text), already coalesced</li>
 *   <li>{@link #ACTIVITY}: a tool call or command, for the card (text)</li>
 *   <li>{@link #APPROVAL}: the agent asks permission (data: kind, title, detail, options)</li>
 *   <li>{@link #RESUMED}: the agent withdrew its question; the task runs on</li>
 *   <li>{@link #USAGE}: token usage and cost so far (data)</li>
 *   <li>{@link #DIFF}: the files the turn changed so far (data: files [{path, added, removed}], added, removed)</li>
 *   <li>{@link #FINISHED}: the turn ended (data.status: completed, failed, cancelled, interrupted; data.result; data.error)</li>
 * </ul>
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record TaskEvent(@JsonProperty(required = true) String taskId, String runnerId, long seq,
    @JsonProperty(required = true) String type, @JsonInclude(JsonInclude.Include.NON_NULL) String text, JsonObject data) {
  public static final String STARTED = "started";
  public static final String SESSION = "session";
  public static final String DELTA = "delta";
  public static final String ACTIVITY = "activity";
  public static final String APPROVAL = "approval";
  public static final String RESUMED = "resumed";
  public static final String USAGE = "usage";
  public static final String DIFF = "diff";
  public static final String FINISHED = "finished";

  public TaskEvent {
    data = data == null ? new JsonObject() : data;
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static TaskEvent fromJson(JsonObject j) { return Records.fromJson(j, TaskEvent.class); }
}
