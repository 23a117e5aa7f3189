package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.Platforms;
import dev.poco.contract.Project;
import dev.poco.contract.Workspace;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating a project with its chat (undone if any step fails) and deleting it with all it owns. */
final class ProjectLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ProjectLifecycle.class);
  /** Backends PoCo knows even before a runner reports them. */
  static final List<String> KNOWN_BACKENDS = List.of("codex", "claude_code", "cursor_agent", "coco", "capo", "stub");

  private final Vertx vertx;
  private final Projects projects;
  private final TaskEngine engine;
  private final RunnerRegistry runners;
  private final Settings settings;
  private final Cards cards;
  /** Normalised names of projects being created, so two at once cannot both take a name. */
  private final Set<String> creatingNames = new HashSet<>();
  /** Demo chats whose project is being created, and the creation their other messages wait for. */
  private final Map<String, Future<Project>> creatingChats = new HashMap<>();

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
    return create(rawName, rawBackend, platform, userId, null);
  }

  /** As above; {@code eventKey} (may be null), the card action's event, is marked with the project (one transaction). */
  Future<Project> create(String rawName, String rawBackend, String platform, String userId, String eventKey) {
    String name;
    String backend;
    try {
      name = ProjectNames.check(rawName);
      backend = checkBackend(rawBackend);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, e.getMessage()));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String id = Ids.project();
    if (Platforms.DEMO.equals(platform)) {
      return reserve(name, () -> store(id, name, backend, platform, userId, "demo-" + slug(name), false, eventKey));
    }
    // The project id is the chat's idempotency key: a create repeated after a timeout gets the same chat.
    ChatRequest ask = ChatRequest.create(id, name, userId);
    return reserve(name, () -> createChat(platform, ask, 1)
        .recover(err -> Future.failedFuture(Bus.error(Bus.code(err) == Failures.UNAVAILABLE ? Failures.UNAVAILABLE
            : Failures.INTERNAL, "Could not create the " + platform + " group: " + err.getMessage())))
        .compose(chat -> store(id, name, backend, platform, userId, chat.chatId(), true, eventKey)));
  }

  private long chatTimeoutMs() { return settings.integer(ConfigKeys.CHAT_TIMEOUT_MS, (int) Bus.CHAT_TIMEOUT_MS); }

  /** Asks the gateway for the project's chat, once more after a timeout (same project id, so never two chats). */
  private Future<ChatReply> createChat(String platform, ChatRequest ask, int retries) {
    return Bus.request(vertx.eventBus(), Addresses.gatewayChat(platform), ask.toJson(), chatTimeoutMs())
        .map(ChatReply::fromJson)
        .compose(chat -> chat.chatId() == null || chat.chatId().isBlank()
            ? Future.failedFuture("the gateway answered without a chat id") : Future.succeededFuture(chat))
        .recover(err -> {
          if (retries > 0 && Bus.code(err) == 504) {
            log.warn("creating the {} chat of {} timed out; asking again", platform, ask.projectId());
            return createChat(platform, ask, retries - 1);
          }
          return Future.failedFuture(err);
        });
  }

  /**
   * The project of a demo chat, created on first use: every demo chat id is its own project, named after it.
   * Messages that race to a new chat share one creation, so the chat gets exactly one project.
   */
  Future<Project> demoChat(String chatId, String userId) {
    Project p = projects.byChat(Platforms.DEMO, chatId);
    if (p != null) return Future.succeededFuture(p);
    Future<Project> pending = creatingChats.get(chatId);
    if (pending != null) return pending;
    String name;
    try {
      name = ProjectNames.check("demo " + chatId);
    } catch (RuntimeException e) {
      return Future.failedFuture(Bus.error(Bus.code(e), "A demo chat names its project 'demo <chat_id>': "
          + e.getMessage()));
    }
    Future<Project> created = reserve(name,
        () -> store(Ids.project(), name, defaultBackend(), Platforms.DEMO, userId, chatId, false, null));
    creatingChats.put(chatId, created);
    created.onComplete(ar -> creatingChats.remove(chatId));
    return created;
  }

  /**
   * Runs {@code create} while {@code name} is taken: refused when a project, or one being created, has a name
   * equal to it after normalisation and case folding.
   */
  private Future<Project> reserve(String name, Supplier<Future<Project>> create) {
    String key = ProjectNames.key(name);
    boolean taken = creatingNames.contains(key);
    String existing = name;
    for (Project p : projects.all()) {
      if (ProjectNames.key(p.name()).equals(key)) {
        taken = true;
        existing = p.name();
      }
    }
    if (taken) {
      return Future.failedFuture(Bus.error(Failures.CONFLICT, "A project named '" + existing + "' already exists."));
    }
    creatingNames.add(key);
    Future<Project> f;
    try {
      f = create.get();
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    return f.onComplete(ar -> creatingNames.remove(key));
  }

  private Future<Project> store(String id, String name, String backend, String platform, String userId,
      String chatId, boolean dissolveOnFailure, String eventKey) {
    long now = System.currentTimeMillis();
    Project p = new Project(id, name, platform, userId, now, now, null,
        new Workspace(id, null, "default", backend, new JsonObject()),
        List.of(new ChatBinding(platform, chatId, id, null)), null, null, null);
    return projects.create(p, eventKey)
        .onSuccess(created -> {
          log.info("project {} ({}) created with {} chat {}", created.name(), id, platform, chatId);
          cards.workspace(created, null);
        })
        .recover(err -> {
          if (!dissolveOnFailure) return Future.failedFuture(err);
          log.warn("project {} not stored ({}): dissolving its new {} chat", name, err.getMessage(), platform);
          return Bus.request(vertx.eventBus(), Addresses.gatewayChat(platform),
                  ChatRequest.dissolve(id, chatId).toJson(), chatTimeoutMs())
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
