package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.Settings;
import dev.poco.contract.Workspace;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating a project with its chat (undone if any step fails) and deleting it with all it owns. */
final class ProjectLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ProjectLifecycle.class);
  /** Backends PoCo knows even before a runner reports them. */
  static final List<String> KNOWN_BACKENDS = List.of("codex", "claude_code", "cursor_agent", "coco", "capo", "stub");
  static final int MAX_NAME = 64;

  private final Vertx vertx;
  private final Projects projects;
  private final TaskEngine engine;
  private final RunnerRegistry runners;
  private final Settings settings;
  private final Cards cards;

  ProjectLifecycle(Vertx vertx, Projects projects, TaskEngine engine, RunnerRegistry runners, Settings settings,
      Cards cards) {
    this.vertx = vertx;
    this.projects = projects;
    this.engine = engine;
    this.runners = runners;
    this.settings = settings;
    this.cards = cards;
  }

  /** POCO_AGENT_BACKEND when set; else codex where a runner has it ready; else the stub. */
  String defaultBackend() {
    String configured = settings.str(ConfigKeys.AGENT_BACKEND, null);
    if (configured != null) return configured;
    BackendInfo codex = runners.backend("codex", System.currentTimeMillis());
    return codex != null && codex.ready() ? "codex" : "stub";
  }

  Set<String> knownBackends() {
    Set<String> out = new LinkedHashSet<>(KNOWN_BACKENDS);
    runners.backends(System.currentTimeMillis()).forEach(b -> out.add(b.name()));
    return out;
  }

  String checkBackend(String backend) {
    String b = backend == null || backend.isBlank() ? defaultBackend() : backend.trim();
    if (!knownBackends().contains(b)) {
      throw new IllegalArgumentException("Unknown agent backend '" + b + "' (known: "
          + String.join(", ", knownBackends()) + ").");
    }
    return b;
  }

  /**
   * Creates a project and its group chat on {@code platform}, then posts the workspace card there.
   * If the project cannot be stored, the new chat is dissolved again.
   */
  Future<Project> create(String rawName, String rawBackend, String platform, String userId) {
    String name = rawName == null ? "" : rawName.strip();
    if (name.isEmpty()) return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, "Project name is required."));
    if (name.length() > MAX_NAME) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, "Project name is longer than " + MAX_NAME + " characters."));
    }
    for (Project p : projects.all()) {
      if (p.name().equalsIgnoreCase(name)) {
        return Future.failedFuture(Bus.error(Failures.CONFLICT, "A project named '" + p.name() + "' already exists."));
      }
    }
    String backend;
    try {
      backend = checkBackend(rawBackend);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, e.getMessage()));
    }
    if (Platforms.DEMO.equals(platform)) {
      return store(name, backend, platform, userId, "demo-" + slug(name), false);
    }
    JsonObject ask = new JsonObject().put("op", "create").put("name", name).put("user_id", userId);
    return Bus.request(vertx.eventBus(), Addresses.gatewayChat(platform), ask)
        .recover(err -> Future.failedFuture(Bus.error(Bus.code(err) == Failures.UNAVAILABLE ? Failures.UNAVAILABLE
            : Failures.INTERNAL, "Could not create the " + platform + " group: " + err.getMessage())))
        .compose(reply -> store(name, backend, platform, userId, reply.getString("chat_id"), true));
  }

  /** The project of a demo chat, created on first use: every demo chat id is its own project. */
  Future<Project> demoChat(String chatId, String userId) {
    Project p = projects.byChat(Platforms.DEMO, chatId);
    if (p != null) return Future.succeededFuture(p);
    return store("demo " + chatId, defaultBackend(), Platforms.DEMO, userId, chatId, false);
  }

  private Future<Project> store(String name, String backend, String platform, String userId, String chatId,
      boolean dissolveOnFailure) {
    long now = System.currentTimeMillis();
    String id = Ids.project();
    Project p = new Project(id, name, platform, userId, now, now, null,
        new Workspace(id, null, "default", backend, new JsonObject()),
        List.of(new ChatBinding(platform, chatId, id, null)), null, null, null);
    return projects.create(p)
        .onSuccess(created -> {
          log.info("project {} ({}) created with {} chat {}", created.name(), id, platform, chatId);
          cards.post(new ReplyTarget(platform, chatId, null), Views.workspace(created, null), id);
        })
        .recover(err -> {
          if (!dissolveOnFailure) return Future.failedFuture(err);
          log.warn("project {} not stored ({}): dissolving its new {} chat", name, err.getMessage(), platform);
          JsonObject undo = new JsonObject().put("op", "dissolve").put("chat_id", chatId);
          return Bus.request(vertx.eventBus(), Addresses.gatewayChat(platform), undo)
              .transform(x -> Future.failedFuture(err));
        });
  }

  /** Stops the project's work and deletes it with everything it owns. */
  Future<Boolean> delete(Project p) {
    engine.dropProject(p.projectId());
    return projects.delete(p.projectId());
  }

  static String slug(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
    return s.isEmpty() ? Ids.next("", 6) : s;
  }

}
