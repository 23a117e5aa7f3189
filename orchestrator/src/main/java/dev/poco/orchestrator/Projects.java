package dev.poco.orchestrator;

import dev.poco.contract.AgentSession;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Project;
import dev.poco.contract.Workspace;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The orchestrator's copy of every project. The store stays the truth: each change is written
 * there first and mirrored here once it is durable, so reads never wait on the store.
 */
final class Projects {
  private final StoreClient store;
  private final Map<String, Project> byId = new LinkedHashMap<>();
  private final Map<String, String> byChat = new HashMap<>();

  Projects(StoreClient store) { this.store = store; }

  Future<Void> load() {
    return store.projects().map(list -> {
      list.forEach(this::put);
      return null;
    });
  }

  Project get(String projectId) { return projectId == null ? null : byId.get(projectId); }

  Project byChat(String platform, String chatId) { return get(byChat.get(key(platform, chatId))); }

  Collection<Project> all() { return byId.values(); }

  /** How many projects are pinned to each runner, by runner id: placement spreads new projects by it. */
  Map<String, Integer> pinnedPerRunner() {
    Map<String, Integer> out = new HashMap<>();
    for (Project p : byId.values()) if (p.runnerId() != null) out.merge(p.runnerId(), 1, Integer::sum);
    return out;
  }

  Future<Project> create(Project p) { return create(p, null); }

  /** Creates the project, marking the platform event that asked for it in the same transaction (eventKey may be null). */
  Future<Project> create(Project p, String eventKey) { return store.createProject(p, eventKey).map(this::put); }

  Future<Boolean> delete(String projectId) {
    return store.deleteProject(projectId).map(deleted -> {
      Project p = byId.remove(projectId);
      if (p != null) p.bindings().forEach(b -> byChat.remove(key(b.platform(), b.chatId())));
      return deleted;
    });
  }

  Future<Project> saveWorkspace(Project p, Workspace w) {
    return store.saveWorkspace(w).map(v -> put(current(p).withWorkspace(w)));
  }

  Future<Project> pin(Project p, String runnerId) {
    return store.pinProject(p.projectId(), runnerId).map(v -> put(current(p).withRunner(runnerId)));
  }

  Future<Project> saveSession(Project p, AgentSession s) {
    return store.saveSession(s).map(v -> {
      Project cur = current(p);
      List<AgentSession> sessions = new ArrayList<>();
      for (AgentSession old : cur.sessions()) if (!old.backend().equals(s.backend())) sessions.add(old);
      sessions.add(s);
      return put(cur.withSessions(sessions));
    });
  }

  Future<Project> savePreset(Project p, DirPreset preset) {
    return store.savePreset(preset).map(v -> {
      Project cur = current(p);
      List<DirPreset> presets = new ArrayList<>();
      for (DirPreset old : cur.presets()) if (!old.path().equals(preset.path())) presets.add(old);
      presets.add(preset);
      return put(cur.withPresets(presets));
    });
  }

  Future<Project> touchRecent(Project p, String dir) {
    return store.touchRecentDir(p.projectId(), dir).map(v -> {
      Project cur = current(p);
      List<String> recent = new ArrayList<>();
      recent.add(dir);
      for (String old : cur.recentDirs()) if (!old.equals(dir) && recent.size() < 10) recent.add(old);
      return put(cur.withRecentDirs(recent));
    });
  }

  Future<Project> saveBinding(Project p, ChatBinding binding) {
    return store.saveBinding(binding).map(v -> {
      Project cur = current(p);
      List<ChatBinding> bindings = new ArrayList<>();
      for (ChatBinding old : cur.bindings()) if (!old.platform().equals(binding.platform())) bindings.add(old);
      bindings.add(binding);
      return put(cur.withBindings(bindings));
    });
  }

  private Project current(Project p) {
    Project cur = byId.get(p.projectId());
    return cur == null ? p : cur;
  }

  private Project put(Project p) {
    byId.put(p.projectId(), p);
    p.bindings().forEach(b -> byChat.put(key(b.platform(), b.chatId()), p.projectId()));
    return p;
  }

  private static String key(String platform, String chatId) { return platform + '\u0000' + chatId; }
}
