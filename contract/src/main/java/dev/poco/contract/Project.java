package dev.poco.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A project and everything it owns, as the store returns it. Writes go through the finer store
 * operations ({@link StoreOp}); deleting the project deletes all of it.
 *
 * @param runnerId the runner the project is pinned to (its agent sessions live there), or null
 * @param recentDirs most recent first
 */
@JsonInclude(JsonInclude.Include.ALWAYS) // unset fields go on the wire as null, as they always have
public record Project(@JsonProperty(required = true) String projectId, String name, String ownerPlatform,
    String ownerUserId, @IsoTime long createdAt, @IsoTime long updatedAt, String runnerId, Workspace workspace, List<ChatBinding> bindings, List<AgentSession> sessions,
    List<DirPreset> presets, List<String> recentDirs) {

  public Project {
    bindings = bindings == null ? List.of() : List.copyOf(bindings);
    sessions = sessions == null ? List.of() : List.copyOf(sessions);
    presets = presets == null ? List.of() : List.copyOf(presets);
    recentDirs = recentDirs == null ? List.of() : List.copyOf(recentDirs);
  }

  /** The session this project holds with {@code backend}, or null. */
  public AgentSession session(String backend) {
    for (AgentSession s : sessions) if (s.backend().equals(backend)) return s;
    return null;
  }

  /** The chat bound on {@code platform}, or null. */
  public ChatBinding binding(String platform) {
    for (ChatBinding b : bindings) if (b.platform().equals(platform)) return b;
    return null;
  }

  public JsonObject toJson() { return Records.toJson(this); }

  public static Project fromJson(JsonObject j) { return Records.fromJson(j, Project.class); }

  /** Copy with one part changed; the store stays the truth, this keeps the orchestrator's cache in step. */
  public Project withWorkspace(Workspace w) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runnerId, w, bindings,
        sessions, presets, recentDirs);
  }

  public Project withRunner(String runner) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runner, workspace, bindings,
        sessions, presets, recentDirs);
  }

  public Project withBindings(List<ChatBinding> b) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runnerId, workspace, b,
        sessions, presets, recentDirs);
  }

  public Project withSessions(List<AgentSession> s) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runnerId, workspace,
        bindings, s, presets, recentDirs);
  }

  public Project withPresets(List<DirPreset> p) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runnerId, workspace,
        bindings, sessions, p, recentDirs);
  }

  public Project withRecentDirs(List<String> r) {
    return new Project(projectId, name, ownerPlatform, ownerUserId, createdAt, updatedAt, runnerId, workspace,
        bindings, sessions, presets, r);
  }
}
