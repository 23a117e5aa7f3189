package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.BackendInfo;
import dev.poco.contract.Bus;
import dev.poco.contract.CardBound;
import dev.poco.contract.CardIntent;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Failures;
import dev.poco.contract.GatewayReady;
import dev.poco.contract.Heartbeat;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Project;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.Reply;
import dev.poco.contract.TaskEvent;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskText;
import dev.poco.contract.Jsons;
import dev.poco.runtime.InFlight;
import dev.poco.runtime.NodeEvents;
import dev.poco.runtime.PocoMetrics;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator role: projects, tasks, queues, approvals, card intents and the runner registry.
 * It loads its state from the store before it serves anything, so a request never sees a half-loaded
 * picture, and it asks the runners to announce themselves to settle tasks a restart left running.
 */
public class OrchestratorVerticle extends VerticleBase {
  private static final long STORE_RETRY_MS = 200;
  private static final long STORE_WAIT_LOG_MS = 30_000;
  private long storeWaitLoggedAt;
  private static final Logger log = LoggerFactory.getLogger(OrchestratorVerticle.class);
  /** After a restart in one JVM, how long a runner has to claim a task it still runs: it beats every second. */
  static final long RECOVERY_GRACE_MS = 5_000;
  /** JGroups' merge of two partitions (MERGE3's longest interval in the launcher's stack). */
  private static final long CLUSTER_MERGE_MS = 5_000;
  private long recoveryGraceMs;

  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private StoreClient store;
  /** Store requests by the store's node: a store node that dies fails them at once, and they are retried. */
  private final InFlight storeCalls = new InFlight();
  private RunnerRegistry runners;
  private TaskEngine engine;
  private TaskMeters meters;
  private Projects projects;
  private Access access;
  private Inbound inbound;
  private IntentHandler intents;
  private ProjectLifecycle lifecycle;
  private ClusterView clusterView;
  private Cards cards;
  private JsonObject storeInfo = new JsonObject();
  private long startedAt;

  @Override
  public Future<?> start() {
    startedAt = System.currentTimeMillis();
    Settings settings = new Settings(config());
    recoveryGraceMs = recoveryGraceMs(vertx.isClustered(), settings);
    EventBus bus = vertx.eventBus();
    store = new StoreClient(vertx, storeCalls,
        settings.integer(ConfigKeys.STORE_RETRY_MS, (int) StoreClient.RETRY_FOR_MS));
    runners = new RunnerRegistry();
    projects = new Projects(store);
    CardDesk desk = new CardDesk(vertx, settings.integer(ConfigKeys.RENDER_INTERVAL_MS, 250), this::persistBinding);
    Cards cards = new Cards(desk);
    this.cards = cards;
    meters = new TaskMeters(PocoMetrics.registry(vertx));
    engine = new TaskEngine(vertx, store, projects, runners, settings, cards, meters);
    access = new Access(vertx, store, settings);
    lifecycle = new ProjectLifecycle(vertx, projects, engine, runners, settings, cards);
    TaskScope scope = new TaskScope(projects, access, engine);
    EventMarks events = new EventMarks(store);
    inbound = new Inbound(events, projects, engine, access, lifecycle, scope);
    intents = new IntentHandler(vertx, projects, engine, access, lifecycle, runners, scope, events);
    clusterView = new ClusterView(vertx, settings);

    consume(Addresses.RUNNER_HEARTBEAT, this::onHeartbeat);
    watchNodes();
    return waitForStore(System.currentTimeMillis())
        .compose(v -> projects.load())
        .compose(v -> access.load())
        .compose(v -> engine.recover())
        .compose(v -> serve())
        .onSuccess(v -> {
          bus.publish(Addresses.RUNNER_DISCOVER, new JsonObject());
          vertx.setPeriodic(1_000, id -> {
            engine.flushDirty();
            engine.checkRunners(System.currentTimeMillis() - startedAt > recoveryGraceMs);
            engine.refreshMeters();
          });
          log.info("orchestrator ready: {} projects", projects.all().size());
        });
  }

  /**
   * In a cluster, a runner whose orchestrator node was killed and restarted first has to notice the old node is
   * gone (the membership's heartbeat time) and then merge with the new one before its beat can arrive: 5 s was
   * shorter than that (a CI run interrupted a task its runner still held). In one JVM the runner is right here.
   */
  static long recoveryGraceMs(boolean clustered, Settings settings) {
    if (!clustered) return RECOVERY_GRACE_MS;
    return RECOVERY_GRACE_MS + 2_000L * settings.integer(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS, 5) + CLUSTER_MERGE_MS;
  }

  @Override
  public Future<?> stop() {
    if (meters != null) meters.close();
    return Future.succeededFuture();
  }

  /**
   * In a cluster the store node may come up after this one, or be in the middle of a merge of two halves of a
   * cluster that formed apart on a busy host: wait for it, saying so every 30 s, rather than exit and rejoin (each
   * rejoin moves the cluster's partitions again and slows everyone's join).
   */
  private Future<Void> waitForStore(long since) {
    return store.info().<Void>map(info -> {
      storeInfo = info;
      return null;
    }).recover(err -> {
      long now = System.currentTimeMillis();
      if (now - storeWaitLoggedAt >= STORE_WAIT_LOG_MS && now - since >= STORE_WAIT_LOG_MS) {
        storeWaitLoggedAt = now;
        log.warn("still waiting for the store after {} s ({}): is a node with the store role running in this cluster?",
            (now - since) / 1000, err.getMessage());
      }
      Promise<Void> retry = Promise.promise();
      vertx.setTimer(STORE_RETRY_MS, t -> waitForStore(since).onComplete(retry));
      return retry.future();
    });
  }

  private Future<?> serve() {
    // Only now that recovery has loaded the unfinished tasks: an outcome taken earlier would find no task.
    consumers.add(vertx.eventBus().<JsonObject>consumer(Addresses.ORCHESTRATOR_TASK_EVENT, this::onTaskEvent));
    reply(Addresses.ORCHESTRATOR_INBOUND, body -> inbound.handle(InboundMessage.fromJson(body)).map(Reply::toJson));
    reply(Addresses.ORCHESTRATOR_INTENT, body -> intents.handle(CardIntent.fromJson(body)).map(Reply::toJson));
    reply(Addresses.ORCHESTRATOR_TASK_GET, body -> detail(Jsons.required(body, "task_id"), body));
    reply(Addresses.ORCHESTRATOR_TASK_AWAIT, body -> engine.await(Jsons.required(body, "task_id"),
        Math.min(60_000, body.getLong("timeout_ms", 30_000L))).compose(t -> detail(t.taskId(), body)));
    reply(Addresses.ORCHESTRATOR_TASK_LIST, body -> engine.list(TaskQuery.fromJson(body))
        .map(list -> new JsonObject().put("tasks", Jsons.array(list, t -> t.toJson()))));
    reply(Addresses.ORCHESTRATOR_HEALTH, body -> clusterView.describe().map(this::health));
    consume(Addresses.ORCHESTRATOR_CARD_BOUND, body -> {
      onCardBound(CardBound.fromJson(body));
      return null;
    });
    consume(Addresses.GATEWAY_READY, body -> {
      GatewayReady ready = GatewayReady.fromJson(body);
      log.info("gateway {} of {} is ready: sending it the cards it is owed", ready.gatewayId(), ready.platform());
      cards.gatewayReady(ready.platform(), ready.gatewayId());
      engine.showUnfinished(ready.platform());
      return null;
    });
    // Cards of tasks a restart left unfinished: shown again (the gateways drop what they already show).
    engine.showUnfinished(null);
    List<Future<?>> ready = new ArrayList<>();
    consumers.forEach(c -> ready.add(c.completion()));
    return Future.all(ready);
  }

  /**
   * A node killed with -9 leaves the cluster about 0.5 s later, well before its heartbeats are missed. Requests in
   * flight to it fail then (a runner's start goes back to the queue, a store call is retried on the restarted
   * store) rather than after their reply timeout. {@link NodeEvents} holds the cluster manager's single listener slot.
   */
  private void watchNodes() {
    if (!vertx.isClustered()) return;
    NodeEvents.onLeft(vertx, this::onNodeLeft);
  }

  private void onNodeLeft(String nodeId) {
    int storeCallsFailed = storeCalls.nodeLeft(nodeId);
    if (storeCallsFailed > 0 || nodeId.equals(store.storeNode())) {
      log.warn("the store's node {} left the cluster; {} store calls in flight are retried", nodeId, storeCallsFailed);
    }
    List<String> lost = runners.nodeLeft(nodeId);
    if (lost.isEmpty()) return;
    log.warn("runner(s) {} left the cluster (node {})", lost, nodeId);
    engine.checkRunners(System.currentTimeMillis() - startedAt > recoveryGraceMs);
  }

  /**
   * A runner's task event. A runner sends FINISHED as a request and repeats it until acknowledged, so the
   * ack goes out only once the outcome is stored: acked earlier, a kill -9 of this node before the write
   * would lose it (the runner forgets the task, the store still says running). Other events are sent
   * without a reply address; replying to them does nothing.
   */
  private void onTaskEvent(Message<JsonObject> msg) {
    TaskEvent event;
    try {
      event = TaskEvent.fromJson(msg.body());
    } catch (RuntimeException e) {
      log.warn("bad message on {}: {}", Addresses.ORCHESTRATOR_TASK_EVENT, e.toString());
      msg.reply(null); // a repeat would be just as bad
      return;
    }
    engine.onEvent(event).onComplete(ar -> {
      if (ar.succeeded()) msg.reply(null);
      else fail(Addresses.ORCHESTRATOR_TASK_EVENT, msg, ar.cause());
    });
  }

  private Void onHeartbeat(JsonObject body) {
    Heartbeat hb = Heartbeat.fromJson(body);
    if (runners.beat(hb, System.currentTimeMillis())) {
      log.info("runner {} is up: {}", hb.runnerId(), hb.backends().stream()
          .map(b -> b.name() + (b.ready() ? "" : " (not ready)")).toList());
    }
    if (engine != null) engine.onHeartbeat(hb);
    return null;
  }

  private void onCardBound(CardBound b) {
    String key = b.taskId() != null ? RenderRequest.taskKey(b.taskId())
        : RenderRequest.workspaceKey(b.platform(), b.chatId());
    cards.rebind(key, b.messageId(), b.gatewayId());
    if (b.taskId() != null) {
      engine.bindCard(b.taskId(), b.messageId()).onFailure(err -> log.warn("bind card of {}: {}", b.taskId(), err.getMessage()));
      return;
    }
    bindWorkspace(b.projectId(), b.platform(), b.chatId(), b.messageId());
  }

  /** A card's first post has its message: stored, so later renders (after a restart too) patch it. */
  private void persistBinding(CardDesk.Card card, String messageId) {
    if (card.taskId() != null) {
      engine.bindCard(card.taskId(), messageId)
          .onFailure(err -> log.warn("bind card of {}: {}", card.taskId(), err.getMessage()));
    } else {
      bindWorkspace(card.projectId(), card.target().platform(), card.target().chatId(), messageId);
    }
  }

  private void bindWorkspace(String projectId, String platform, String chatId, String messageId) {
    Project p = projects.get(projectId);
    if (p == null) return;
    projects.saveBinding(p, new ChatBinding(platform, chatId, p.projectId(), messageId))
        .onFailure(err -> log.warn("bind workspace card of {}: {}", p.projectId(), err.getMessage()));
  }

  private JsonObject health(JsonObject cluster) {
    long now = System.currentTimeMillis();
    String backend = lifecycle.defaultBackend();
    BackendInfo info = runners.backend(backend, now);
    JsonArray runnerList = new JsonArray();
    for (Heartbeat hb : runners.alive(now)) {
      runnerList.add(ClusterView.withLoad(hb, cluster).put("last_seen_ms", now - runners.lastSeen(hb.runnerId())));
    }
    JsonArray missing = new JsonArray();
    JsonArray warnings = new JsonArray();
    if (runnerList.isEmpty()) missing.add("no agent runner is connected");
    else if (info == null || !info.ready()) {
      missing.add(info == null || info.detail() == null ? "agent backend '" + backend + "' is not available"
          : info.detail());
    }
    if (access.pairingPending()) {
      warnings.add("nobody is allowed to use chat platforms yet: send /pair <code> (printed at start) to the bot");
    }
    return new JsonObject().put("agent_backend", backend).put("agent_ready", info != null && info.ready())
        .put("agent_detail", info == null ? null : info.detail()).put("runners", runnerList).put("state", storeInfo)
        .put("access", access.health()).put("tasks", engine.counts()).put("projects", projects.all().size())
        .put("cluster", cluster).put("cards", cards.stats()).put("missing", missing).put("warnings", warnings);
  }

  /** A task with a page of its output: {output_offset, output_limit} in the body, the first page by default. */
  private Future<JsonObject> detail(String taskId, JsonObject body) {
    long offset = body.getLong("output_offset", 0L);
    int limit = body.getInteger("output_limit", TaskText.PAGE_MAX_CHARS);
    if (offset < 0 || limit < 1) {
      return Future.failedFuture(Bus.error(Failures.BAD_REQUEST, "output_offset must be 0 or more and output_limit 1 or more"));
    }
    return engine.detail(taskId, offset, Math.min(limit, TaskText.PAGE_MAX_CHARS));
  }

  /**
   * A request/reply consumer: failures become {@code fail(code, message)} with the code the error carries. Errors
   * too (an OutOfMemoryError while building a reply): the caller gets a failure instead of waiting forever.
   */
  private void reply(String address, Function<JsonObject, Future<JsonObject>> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, msg -> {
      Future<JsonObject> f;
      try {
        f = handler.apply(msg.body() == null ? new JsonObject() : msg.body());
      } catch (RuntimeException | Error e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(ar -> {
        try {
          if (ar.succeeded()) msg.reply(ar.result());
          else fail(address, msg, ar.cause());
        } catch (RuntimeException | Error e) {
          fail(address, msg, e);
        }
      });
    }));
  }

  private void consume(String address, Function<JsonObject, Void> handler) {
    consumers.add(vertx.eventBus().<JsonObject>consumer(address, msg -> {
      try {
        handler.apply(msg.body());
      } catch (RuntimeException e) {
        log.warn("bad message on {}: {}", address, e.toString());
      }
      msg.reply(null);
    }));
  }

  private static void fail(String address, Message<?> msg, Throwable err) {
    int code = Bus.code(err);
    if (code >= 500) log.warn("{} failed: {}", address, err.toString());
    Bus.fail(msg, err);
  }
}
