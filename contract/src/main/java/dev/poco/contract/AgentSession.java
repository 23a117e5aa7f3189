package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/**
 * The agent's own conversation id for a project (Codex thread, Claude session, ...), with the
 * working dir and runner it lives in: resuming needs both.
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record AgentSession(@JsonProperty(required = true) String projectId, @JsonProperty(required = true) String backend,
    @JsonProperty(required = true) String sessionId, String workdir, String runnerId, @IsoTime long updatedAt) {
  public JsonObject toJson() { return Records.toJson(this); }

  public static AgentSession fromJson(JsonObject j) { return Records.fromJson(j, AgentSession.class); }
}
