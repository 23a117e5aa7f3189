package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/** A user allowed to drive agents: {@code role} is "owner" (paired first) or "user". */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record AccessEntry(@JsonProperty(required = true) String platform, @JsonProperty(required = true) String userId,
    @JsonProperty(defaultValue = "user") String role, @IsoTime long addedAt) {
  public String key() { return platform + ":" + userId; }

  public JsonObject toJson() { return Records.toJson(this); }

  public static AccessEntry fromJson(JsonObject j) { return Records.fromJson(j, AccessEntry.class); }
}
