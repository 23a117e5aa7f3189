package dev.poco.contract;

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
public record BackendInfo(String name, boolean ready, String version, String detail, boolean approvals,
    List<SettingSpec> settings) {
  public BackendInfo {
    settings = settings == null ? List.of() : List.copyOf(settings);
  }

  /** A setting a backend accepts: its key, a label, a default, and the allowed values (empty = free text). */
  public record SettingSpec(String key, String label, String defaultValue, List<String> options) {
    public SettingSpec {
      options = options == null ? List.of() : List.copyOf(options);
    }

    public JsonObject toJson() {
      return new JsonObject().put("key", key).put("label", label).put("default", defaultValue)
          .put("options", Jsons.array(options, s -> s));
    }

    public static SettingSpec fromJson(JsonObject j) {
      return new SettingSpec(j.getString("key"), j.getString("label"), j.getString("default"),
          Jsons.strings(j, "options"));
    }
  }

  public JsonObject toJson() {
    return new JsonObject().put("name", name).put("ready", ready).put("version", version).put("detail", detail)
        .put("approvals", approvals).put("settings", Jsons.array(settings, SettingSpec::toJson));
  }

  public static BackendInfo fromJson(JsonObject j) {
    return new BackendInfo(j.getString("name"), Jsons.bool(j, "ready", false), j.getString("version"),
        j.getString("detail"), Jsons.bool(j, "approvals", false), Jsons.list(j, "settings", SettingSpec::fromJson));
  }
}
