package dev.poco.gateway.slack;

import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import dev.poco.gatewaykit.ChatsByProject;
import dev.poco.gatewaykit.DebugRing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.text.Normalizer;
import java.util.Locale;

/**
 * Project chats ({@link dev.poco.contract.Addresses#gatewayChat}): a create makes a channel named after the project
 * (lowercase letters, digits, hyphens and underscores, at most 80 characters: slack.md §4) and invites the creator;
 * a name already taken gets a short suffix from the project id. Idempotent by project id: the channel made (or being
 * made) per project id is remembered, so the orchestrator's retry answers the same channel. A dissolve archives
 * the channel; one already archived or gone succeeds.
 *
 * <p>Public channels: conversations.create then needs only the {@code channels:manage} scope and the channel's
 * messages arrive with the {@code message.channels} subscription every PoCo install has anyway (a private one needs
 * {@code groups:write} and {@code message.groups} as well); teammates can find and join a project's channel. Who may
 * act stays the orchestrator's decision: buttons and prompts are authorised by the acting user, never by channel
 * membership. A workspace that wants the project's output hidden should use private channels (a later switch).
 */
final class SlackChats {
  static final int MAX_NAME = 80;
  static final int SUFFIX = 6;

  private final SlackApi api;
  private final DebugRing debug;
  private final ChatsByProject byProject = new ChatsByProject(10_000);

  SlackChats(SlackApi api, DebugRing debug) {
    this.api = api;
    this.debug = debug;
  }

  Future<ChatReply> handle(ChatRequest req) {
    return ChatRequest.CREATE.equals(req.op()) ? create(req) : dissolve(req);
  }

  private Future<ChatReply> create(ChatRequest req) {
    String name = channelName(req.name(), req.projectId());
    return byProject.create(req.projectId(), () -> api.createChannel(name, false)
        .recover(err -> err instanceof SlackApiException e && "name_taken".equals(e.error())
            ? api.createChannel(withSuffix(name, req.projectId()), false) : Future.failedFuture(err))
        .compose(ch -> {
          String id = ch.getString("id");
          if (id == null) return Future.failedFuture("Slack answered conversations.create without a channel id");
          ChatReply reply = new ChatReply(id, ch.getString("name", name));
          if (req.userId() == null) return Future.succeededFuture(reply);
          return api.invite(id, req.userId()).map(v -> reply);
        })
        .onComplete(ar -> debug.add(ar.succeeded() ? DebugRing.OUTBOUND : DebugRing.ERROR, new JsonObject()
            .put("op", "create channel").put("project_id", req.projectId())
            .put("channel", ar.succeeded() ? ar.result().chatId() : null)
            .put("error", ar.failed() ? ar.cause().getMessage() : null))));
  }

  private Future<ChatReply> dissolve(ChatRequest req) {
    return api.archive(req.chatId())
        .onComplete(ar -> {
          if (ar.succeeded()) byProject.forget(req.projectId());
          debug.add(ar.succeeded() ? DebugRing.OUTBOUND : DebugRing.ERROR, new JsonObject().put("op", "archive channel")
              .put("project_id", req.projectId()).put("channel", req.chatId())
              .put("error", ar.failed() ? ar.cause().getMessage() : null));
        })
        .map(v -> new ChatReply(null, null));
  }

  /**
   * A valid channel name from a project name: lower case, accents dropped, spaces and other characters as single
   * hyphens, at most 80 characters. A name with nothing usable left (all CJK, say) becomes {@code poco-<id suffix>}.
   */
  static String channelName(String projectName, String projectId) {
    String s = projectName == null ? "" : Normalizer.normalize(projectName, Normalizer.Form.NFKD)
        .replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    s = s.replaceAll("[^a-z0-9_-]+", "-").replaceAll("-{2,}", "-").replaceAll("^[-_]+|[-_]+$", "");
    if (s.length() > MAX_NAME) s = s.substring(0, MAX_NAME).replaceAll("[-_]+$", "");
    return s.isEmpty() ? "poco-" + suffix(projectId) : s;
  }

  /** {@code name} with {@code -<suffix of the project id>}, still within 80 characters. */
  static String withSuffix(String name, String projectId) {
    String sfx = "-" + suffix(projectId);
    String base = name.length() + sfx.length() > MAX_NAME ? name.substring(0, MAX_NAME - sfx.length()) : name;
    return base.replaceAll("[-_]+$", "") + sfx;
  }

  /** The last {@value #SUFFIX} name-safe characters of the project id. */
  static String suffix(String projectId) {
    String s = projectId == null ? "" : projectId.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    if (s.isEmpty()) s = Integer.toHexString(String.valueOf(projectId).hashCode());
    return s.length() <= SUFFIX ? s : s.substring(s.length() - SUFFIX);
  }
}
