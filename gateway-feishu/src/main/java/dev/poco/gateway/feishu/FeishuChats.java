package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.ChatsByProject;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Set;

/**
 * Project chats ({@link dev.poco.contract.Addresses#gatewayChat}): a create makes a private group named after the
 * project with the creator as member, idempotent by project id twice over: Feishu's {@code uuid} on the create
 * (feishu.md §3, an hour's idempotency) and, here, the chat made per project id (so a retry answers the same chat
 * even while the first create is still on its way). A dissolve deletes the chat; one already gone succeeds.
 */
final class FeishuChats {
  /** Feishu's uuid query parameter is at most 50 characters. */
  static final int MAX_UUID = 50;
  /**
   * Answers of a DELETE of a chat that no longer exists: HTTP 404, or the codes Feishu gives for an unknown or
   * dissolved chat (232006, 232011: inferred from practice, not in the notes).
   */
  static final Set<Integer> CHAT_GONE = Set.of(232006, 232011);

  private final FeishuApi api;
  private final DebugRing debug;
  private final ChatsByProject byProject = new ChatsByProject(10_000);

  FeishuChats(FeishuApi api, DebugRing debug) {
    this.api = api;
    this.debug = debug;
  }

  Future<ChatReply> handle(ChatRequest req) {
    return ChatRequest.CREATE.equals(req.op()) ? create(req) : dissolve(req);
  }

  private Future<ChatReply> create(ChatRequest req) {
    return byProject.create(req.projectId(), () -> api.createChat(req.name(), req.userId(), uuid(req.projectId()))
        .compose(data -> {
          String chatId = data.getString("chat_id");
          if (chatId == null) return Future.failedFuture("Feishu answered a chat create without chat_id");
          return Future.succeededFuture(new ChatReply(chatId, data.getString("name", req.name())));
        })
        .onComplete(ar -> debug.add(ar.succeeded() ? DebugRing.OUTBOUND : DebugRing.ERROR, new JsonObject()
            .put("op", "create chat").put("project_id", req.projectId())
            .put("chat_id", ar.succeeded() ? ar.result().chatId() : null)
            .put("error", ar.failed() ? ar.cause().getMessage() : null))));
  }

  private Future<ChatReply> dissolve(ChatRequest req) {
    return api.dissolveChat(req.chatId())
        .recover(err -> err instanceof FeishuApiException fe && (fe.httpStatus() == 404 || CHAT_GONE.contains(fe.code()))
            ? Future.succeededFuture() : Future.failedFuture(err))
        .onComplete(ar -> {
          if (ar.succeeded()) byProject.forget(req.projectId());
          debug.add(ar.succeeded() ? DebugRing.OUTBOUND : DebugRing.ERROR, new JsonObject().put("op", "dissolve chat")
              .put("project_id", req.projectId()).put("chat_id", req.chatId())
              .put("error", ar.failed() ? ar.cause().getMessage() : null));
        })
        .map(v -> new ChatReply(null, null));
  }

  /** The project id, or a digest of it when longer than Feishu's uuid allows. */
  static String uuid(String projectId) {
    if (projectId.length() <= MAX_UUID) return projectId;
    return HexFormat.of().formatHex(FeishuCrypto.sha256().digest(projectId.getBytes(StandardCharsets.UTF_8)))
        .substring(0, MAX_UUID);
  }
}
