package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/**
 * Orchestrator → runner: act on a running turn.
 *
 * @param action one of {@link #APPROVE}, {@link #APPROVE_SESSION}, {@link #REJECT}, {@link #CANCEL}, {@link #STEER}
 * @param text the steering message for {@link #STEER}
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record TaskControl(@JsonProperty(required = true) String taskId, @JsonProperty(required = true) String action,
    @JsonInclude(JsonInclude.Include.NON_NULL) String text) {
  public static final String APPROVE = "approve";
  public static final String APPROVE_SESSION = "approve_session";
  public static final String REJECT = "reject";
  public static final String CANCEL = "cancel";
  public static final String STEER = "steer";

  public JsonObject toJson() { return Records.toJson(this); }

  public static TaskControl fromJson(JsonObject j) { return Records.fromJson(j, TaskControl.class); }
}
