package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * One agent backend as a runner sees it.
 *
 * @param ready its command was found and answered
 * @param version what the command printed as its version
 * @param detail why it is not ready ("codex not found: set POCO_CODEX_COMMAND"), or a note
 * @param approvals true when the agent can ask for approval mid-turn
 * @param settings the settings a workspace may choose for it
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record BackendInfo(String name, boolean ready, String version, String detail, boolean approvals,
    List<SettingSpec> settings) {
  public BackendInfo {
    settings = settings == null ? List.of() : List.copyOf(settings);
  }

  /** A setting a backend accepts: its key, a label, a default, and the allowed values (empty = free text). */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record SettingSpec(String key, String label, @JsonProperty("default") String defaultValue, List<String> options) {
    public SettingSpec {
      options = options == null ? List.of() : List.copyOf(options);
    }

    public JsonObject toJson() { return Records.toJson(this); }

    public static SettingSpec fromJson(JsonObject j) { return Records.fromJson(j, SettingSpec.class); }
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static BackendInfo fromJson(JsonObject j) { return Records.fromJson(j, BackendInfo.class); }
}
