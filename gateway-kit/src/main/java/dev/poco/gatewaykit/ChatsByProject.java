package dev.poco.gatewaykit;

import dev.poco.contract.ChatReply;
import io.vertx.core.Future;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The chat each project's create made, by project id: a create repeated for the same project (the orchestrator's
 * retry after a timeout, or a second click while the first is in flight) gets the first one's answer, never a second
 * chat. A failed create is forgotten, so the next one tries again. Bounded; the platform's own idempotency key (the
 * project id) covers what falls out. Event loop only.
 */
public final class ChatsByProject {
  private final Map<String, Future<ChatReply>> byProject;

  public ChatsByProject(int max) {
    byProject = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Future<ChatReply>> eldest) { return size() > max; }
    };
  }

  /** The chat of {@code projectId}: the one being or already made, else what {@code create} makes. */
  public Future<ChatReply> create(String projectId, Supplier<Future<ChatReply>> create) {
    Future<ChatReply> known = byProject.get(projectId);
    if (known != null) return known;
    Future<ChatReply> f = create.get();
    byProject.put(projectId, f);
    f.onFailure(err -> byProject.remove(projectId, f));
    return f;
  }

  /** The project's chat is gone (dissolved): a later create makes a new one. */
  public void forget(String projectId) {
    if (projectId != null) byProject.remove(projectId);
  }
}
