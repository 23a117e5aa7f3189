package dev.poco.contract;

import io.vertx.core.json.JsonObject;

/** A user allowed to drive agents: {@code role} is "owner" (paired first) or "user". */
public record AccessEntry(String platform, String userId, String role, long addedAt) {
  public String key() { return platform + ":" + userId; }

  public JsonObject toJson() {
    return new JsonObject().put("platform", platform).put("user_id", userId).put("role", role)
        .put("added_at", Jsons.time(addedAt));
  }

  public static AccessEntry fromJson(JsonObject j) {
    return new AccessEntry(Jsons.required(j, "platform"), Jsons.required(j, "user_id"), j.getString("role", "user"),
        Jsons.time(j, "added_at"));
  }
}
