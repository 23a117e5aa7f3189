package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;

/** A named working directory saved for a project. */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record DirPreset(String projectId, String label, @JsonProperty(required = true) String path) {
  public JsonObject toJson() { return Records.toJson(this); }

  public static DirPreset fromJson(JsonObject j) { return Records.fromJson(j, DirPreset.class); }
}
