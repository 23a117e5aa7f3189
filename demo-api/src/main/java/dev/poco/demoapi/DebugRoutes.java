package dev.poco.demoapi;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/** GET /debug/env: which whitelisted keys are set and how long they are. Values never leave, secret or not. */
final class DebugRoutes {
  static final List<String> BACKENDS = List.of("codex", "claude_code", "cursor_agent", "coco", "capo");
  static final List<String> BACKEND_SETTINGS = List.of("COMMAND", "WORKDIR", "MODEL", "SANDBOX",
      "APPROVAL_POLICY", "PERMISSION_MODE", "MODE", "TIMEOUT_SECONDS", "TRANSPORT_IDLE_SECONDS", "APPROVAL_MODE");
  static final SortedSet<String> KEYS = whitelist();

  private final Settings settings;
  private final Responses responses;

  DebugRoutes(Settings settings, Responses responses) {
    this.settings = settings;
    this.responses = responses;
  }

  void mount(Router router) {
    router.get("/debug/env").handler(this::env);
  }

  private void env(RoutingContext ctx) {
    JsonObject keys = new JsonObject();
    for (String key : KEYS) {
      String value = settings.str(key, null);
      keys.put(key, new JsonObject().put("present", value != null).put("length", value == null ? 0 : value.length()));
    }
    responses.ok(ctx, new JsonObject().put("keys", keys));
  }

  /** Every key constant of ConfigKeys (read reflectively, so a new key shows up here) and the backend keys. */
  private static SortedSet<String> whitelist() {
    SortedSet<String> keys = new TreeSet<>();
    for (Field f : ConfigKeys.class.getFields()) {
      int m = f.getModifiers();
      if (Modifier.isStatic(m) && Modifier.isFinal(m) && f.getType() == String.class) {
        try {
          keys.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException("cannot read ConfigKeys." + f.getName(), e);
        }
      }
    }
    for (String backend : BACKENDS) {
      for (String setting : BACKEND_SETTINGS) keys.add(ConfigKeys.backendKey(backend, setting));
    }
    return Collections.unmodifiableSortedSet(keys);
  }
}
