package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import io.vertx.core.json.JsonObject;

/** Gateway → HTTP edge: the response to write for a webhook request. */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record RawHttpResponse(@JsonProperty(defaultValue = "200") int status,
    @JsonProperty(defaultValue = "application/json") String contentType, @JsonSetter(nulls = Nulls.AS_EMPTY) String body) {
  public JsonObject toJson() { return Records.toJson(this); }

  public static RawHttpResponse fromJson(JsonObject j) { return Records.fromJson(j, RawHttpResponse.class); }
}
