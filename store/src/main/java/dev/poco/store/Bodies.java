package dev.poco.store;

import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Jsons;
import dev.poco.contract.Task;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.Workspace;
import io.vertx.core.json.JsonObject;

/** Field reads of request bodies that fail with IllegalArgumentException (a 400) naming the field. */
final class Bodies {
  private Bodies() {}

  static String required(JsonObject body, String key) { return Jsons.required(body, key); }

  static JsonObject object(JsonObject body, String key) {
    if (!(body.getValue(key) instanceof JsonObject o)) {
      throw new IllegalArgumentException("missing field '" + key + "' (an object)");
    }
    return o;
  }

  static Task task(JsonObject body) {
    JsonObject j = object(body, "task");
    String status = j.getString("status");
    if (status != null) {
      try {
        TaskStatus.of(status);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown task status '" + status + "'");
      }
    }
    return Task.fromJson(j);
  }

  static String statusWire(String status) {
    try {
      return TaskStatus.of(status).wire();
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown task status '" + status + "'");
    }
  }

  static Workspace workspace(JsonObject body) {
    JsonObject j = object(body, "workspace");
    required(j, "project_id");
    return Workspace.fromJson(j);
  }

  static ChatBinding binding(JsonObject body) {
    JsonObject j = object(body, "binding");
    required(j, "project_id");
    return ChatBinding.fromJson(j);
  }

  static DirPreset preset(JsonObject body) {
    JsonObject j = object(body, "preset");
    required(j, "project_id");
    return DirPreset.fromJson(j);
  }
}
