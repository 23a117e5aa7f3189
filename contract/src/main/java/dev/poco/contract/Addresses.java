package dev.poco.contract;

/**
 * Every event-bus address in PoCo. Roles meet only here: a role sends to or serves an address
 * named in this class, never another role's class. Bodies are JSON objects shaped by the records
 * of this package ({@code toJson()} / {@code fromJson(JsonObject)}). This module holds the wire only;
 * code roles share (settings, metrics, cluster membership) lives in library modules such as runtime.
 */
public final class Addresses {
  private Addresses() {}

  /** Request/reply, served by the orchestrator. Body: InboundMessage. Reply: Reply. */
  public static final String ORCHESTRATOR_INBOUND = "poco.orchestrator.inbound";
  /**
   * Request/reply, served by the orchestrator. Body: CardIntent. Reply: Reply.
   * <p>The 3-second rule: Feishu and Slack give a card callback 3 s. A gateway waits at most
   * {@link Bus#PLATFORM_ANSWER_MS} for this reply; past that it answers the platform itself (an empty answer or a
   * toast) and, when the reply comes, applies it by updating the card (placement REPLACE) or posting it. A
   * redelivered callback carries the same event_id and is answered as a duplicate.
   */
  public static final String ORCHESTRATOR_INTENT = "poco.orchestrator.intent";
  /**
   * Send, served by the orchestrator. Body: TaskEvent, ordered per task by its seq. FINISHED comes as a
   * request, repeated until the empty reply acknowledges it. DELTA (at most TaskText.CHUNK_CHARS) comes as a request
   * too: the empty reply, held while the store is far behind on output, paces the runner.
   */
  public static final String ORCHESTRATOR_TASK_EVENT = "poco.orchestrator.task.event";
  /**
   * Request/reply, served by the orchestrator. Body: {task_id, output_offset?, output_limit?}. Reply: Task with its
   * whole prompt (its summary past the first page) and {@code output} = a page of the full output, plus output_offset,
   * output_next_offset (null at the end) and output_stored_chars; or failure 404.
   */
  public static final String ORCHESTRATOR_TASK_GET = "poco.orchestrator.task.get";
  /** Request/reply, served by the orchestrator. Body: {task_id, timeout_ms, output_offset?, output_limit?}. Reply: as TASK_GET, once terminal or at timeout. */
  public static final String ORCHESTRATOR_TASK_AWAIT = "poco.orchestrator.task.await";
  /** Request/reply, served by the orchestrator. Body: TaskQuery. Reply: {tasks: [Task]}, summaries only (see StoreOp.TASK_LIST). */
  public static final String ORCHESTRATOR_TASK_LIST = "poco.orchestrator.task.list";
  /** Request/reply, served by the orchestrator. Body: {}. Reply: OrchestratorHealth JSON (runners, backends, store, access). */
  public static final String ORCHESTRATOR_HEALTH = "poco.orchestrator.health";
  /** Send, served by the orchestrator. Body: CardBound. A gateway re-posted a card that could no longer be updated. */
  public static final String ORCHESTRATOR_CARD_BOUND = "poco.orchestrator.card.bound";
  /** Publish, from a gateway instance that is ready (see GatewayReady). Served by the orchestrator. */
  public static final String GATEWAY_READY = "poco.gateway.ready";

  /** Publish, from every runner every few seconds and on start. Body: Heartbeat. */
  public static final String RUNNER_HEARTBEAT = "poco.runner.heartbeat";
  /** Publish, from the orchestrator when it starts: every runner answers with a heartbeat at once. Body: {}. */
  public static final String RUNNER_DISCOVER = "poco.runner.discover";

  /** Request/reply, served by runner {@code runnerId}. Body: StartTask. Reply: {accepted: true}. */
  public static String runnerStart(String runnerId) { return "poco.runner." + runnerId + ".start"; }
  /** Request/reply, served by runner {@code runnerId}. Body: TaskControl. Reply: {ok: true}, or 404 when it no longer holds the task. */
  public static String runnerControl(String runnerId) { return "poco.runner." + runnerId + ".control"; }
  /** Request/reply, served by runner {@code runnerId}. Body: FsRequest. Reply: FsListing, or 400 for a path outside its roots. */
  public static String runnerFs(String runnerId) { return "poco.runner." + runnerId + ".fs"; }

  /**
   * Request/reply, served by every node the launcher started (embedded: node id "local"). Body: {}. Reply:
   * NodeInfo. The orchestrator's health asks each cluster node with a short timeout.
   */
  public static String nodeInfo(String nodeId) { return "poco.node." + nodeId + ".info"; }

  /**
   * Request/reply, served by every instance of the gateway of {@code platform}. Body: RenderRequest of a card no
   * instance renders yet (unbound, or its renderer is gone). Reply: RenderAck. See RenderRequest for the rules.
   */
  public static String gatewayRender(String platform) { return "poco.gateway." + platform + ".render"; }
  /** Request/reply, served by one gateway instance: renders of the cards it renders. Body: RenderRequest. Reply: RenderAck. */
  public static String gatewayInstanceRender(String platform, String gatewayId) {
    return "poco.gateway." + platform + ".instance." + gatewayId + ".render";
  }
  /**
   * Request/reply, served by the gateway of {@code platform}: create or dissolve a project's chat, idempotent by
   * project id. Body: ChatRequest. Reply: ChatReply. Timeout: Bus.CHAT_TIMEOUT_MS.
   */
  public static String gatewayChat(String platform) { return "poco.gateway." + platform + ".chat"; }
  /**
   * Request/reply, served by the gateway of {@code platform}. Body: RawHttpRequest. Reply: RawHttpResponse.
   * <p>The 3-second rule: the platform waits 3 s for the HTTP answer. The edge waits at most
   * {@link Bus#PLATFORM_ANSWER_MS}; the gateway answers within that (verify, ack) and does the work after.
   */
  public static String gatewayWebhook(String platform) { return "poco.gateway." + platform + ".webhook"; }
  /**
   * Request/reply, served by the gateway of {@code platform}. Body: {}. Reply, answered at once from memory:
   * <pre>{
   *   "configured": bool,           // the gateway's node has this platform's credentials
   *   "delivery_mode": string,      // feishu: longconn | webhook; slack: socket | webhook
   *   "listener_ready": bool,       // events can arrive now: long connection / socket open, or webhook mode
   *   "connected_since": string?,   // ISO-8601, when the current connection opened; null when none is open
   *   "last_event_at": string?,     // ISO-8601, the last event or callback received; null before the first
   *   "last_error": string?,        // the last connection or platform error, secrets redacted; null when none
   *   "gateway_id": string?         // this instance (as in RenderAck.gatewayId)
   * }</pre>
   * The edge's /health puts these fields, and deployed: true, into its platform entry; it drops any secret-looking
   * key. No handler (or no answer within 2 s) means no such gateway runs: the entry says listener_ready: false,
   * deployed: false, and /health says degraded when the platform is configured.
   */
  public static String gatewayHealth(String platform) { return "poco.gateway." + platform + ".health"; }
  /**
   * Request/reply, served by the gateway of {@code platform}. Body: {limit?}. Reply: the gateway's debug ring, newest
   * first: {gateway_id, entries: [{at, kind: inbound|reply|outbound|error, ...}]}, secrets redacted. The edge's
   * /debug/feishu and /debug/slack ask it.
   */
  public static String gatewayDebug(String platform) { return "poco.gateway." + platform + ".debug"; }

  /**
   * Publish, local to one JVM: the launcher's config retriever saw the configuration change (file edited).
   * Body: the new flat config with secret keys removed. Consumers register with {@code localConsumer}, so a
   * node only hears its own configuration; today the orchestrator takes the new POCO_ALLOWED_USERS from it.
   */
  public static final String CONFIG_CHANGED = "poco.config.changed";

  /**
   * Publish, from any node of a trusted cluster: the newest revocation list it holds. Body: {crl: PEM}, signed by the
   * cluster's CA (whoever relays it). A node keeps the newest valid one and answers an older one with its own.
   */
  public static final String CLUSTER_CRL = "poco.cluster.crl";

  /** Prefix of every store operation; the full address is {@code STORE_PREFIX + StoreOp.name}. Request/reply, served by the store. */
  public static final String STORE_PREFIX = "poco.store.";
}
