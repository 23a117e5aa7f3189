package dev.poco.bench;

import dev.poco.contract.Addresses;
import dev.poco.contract.RenderAck;
import dev.poco.contract.TaskEvent;
import dev.poco.contract.TaskStatus;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A platform gateway that only counts, for the render bench: serves project chats (a fresh chat id per project,
 * the same again for a retried create) and every render address of its platform, answering each render with a
 * {@link RenderAck} (a fresh message id for a post), and notes when each render and each runner DELTA crossed the bus.
 */
final class BenchGateway {
  static final String GATEWAY_ID = "bench-gw";

  /** Project name → chat id, so the bench can message the chat of each project it created. */
  final Map<String, String> chatsByName = new ConcurrentHashMap<>();
  private final Map<String, String> chatsByProject = new ConcurrentHashMap<>();
  private final Map<String, String> messagesByCard = new ConcurrentHashMap<>();
  /** Tasks whose terminal must-show render arrived. */
  final Set<String> finished = ConcurrentHashMap.newKeySet();
  final AtomicLong liveRenders = new AtomicLong();
  final AtomicLong taskMustShowRenders = new AtomicLong();
  final AtomicLong otherRenders = new AtomicLong();
  final AtomicLong deltaEvents = new AtomicLong();
  final AtomicLong firstDeltaNanos = new AtomicLong();
  final AtomicLong lastDeltaNanos = new AtomicLong();
  final AtomicLong lastFinalNanos = new AtomicLong();
  /** When any task event last crossed the bus: quiet means the runner's FINISHED events were all acknowledged. */
  final AtomicLong lastTaskEventNanos = new AtomicLong();
  private final AtomicLong chatSeq = new AtomicLong();
  private final AtomicLong messageSeq = new AtomicLong();
  private long[] renderTimes = new long[1 << 16];
  private int renderCount;

  BenchGateway(Vertx vertx, String platform) {
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayChat(platform), this::chat).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayRender(platform), this::render).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.gatewayInstanceRender(platform, GATEWAY_ID), this::render)
        .completion().await();
    vertx.eventBus().addOutboundInterceptor(ctx -> {
      boolean taskEvent = Addresses.ORCHESTRATOR_TASK_EVENT.equals(ctx.message().address());
      if (taskEvent) lastTaskEventNanos.set(System.nanoTime());
      if (taskEvent && ctx.message().body() instanceof JsonObject j && TaskEvent.DELTA.equals(j.getString("type"))) {
        long now = System.nanoTime();
        deltaEvents.incrementAndGet();
        firstDeltaNanos.compareAndSet(0, now);
        lastDeltaNanos.set(now);
      }
      ctx.next();
    });
  }

  private void chat(Message<JsonObject> msg) {
    JsonObject ask = msg.body();
    if (!"create".equals(ask.getString("op"))) {
      msg.reply(new JsonObject());
      return;
    }
    // Keyed by project id when the orchestrator sends one (a retried create answers the same chat), else by name.
    String key = ask.getString("project_id", ask.getString("name"));
    String chat = chatsByProject.computeIfAbsent(key, k -> "oc_bench_" + chatSeq.incrementAndGet());
    chatsByName.put(ask.getString("name"), chat);
    msg.reply(new JsonObject().put("chat_id", chat).put("name", ask.getString("name")));
  }

  private void render(Message<JsonObject> msg) {
    long now = System.nanoTime();
    JsonObject r = msg.body();
    record(now);
    String taskId = r.getString("task_id");
    boolean mustShow = r.getBoolean("must_show", false);
    if (taskId == null) otherRenders.incrementAndGet();
    else if (!mustShow) liveRenders.incrementAndGet();
    else taskMustShowRenders.incrementAndGet();
    JsonObject view = r.getJsonObject("view", new JsonObject());
    String status = view.getString("status");
    if (taskId != null && mustShow && status != null && TaskStatus.of(status).terminal() && finished.add(taskId)) {
      lastFinalNanos.set(now);
    }
    String messageId = r.getString("message_id");
    if (messageId == null) {
      messageId = messagesByCard.computeIfAbsent(r.getString("card_key", "card_" + now),
          k -> "om_bench_" + messageSeq.incrementAndGet());
    }
    msg.reply(new RenderAck(GATEWAY_ID, messageId, false).toJson());
  }

  private synchronized void record(long nanos) {
    if (renderCount == renderTimes.length) renderTimes = Arrays.copyOf(renderTimes, renderCount * 2);
    renderTimes[renderCount++] = nanos;
  }

  synchronized long renders() { return renderCount; }

  /** Renders in each whole second from {@code from} up to {@code to} (one window scaled to a second when shorter). */
  synchronized double[] perSecond(long from, long to) {
    int windows = (int) ((to - from) / 1_000_000_000L);
    if (windows == 0) {
      long n = Arrays.stream(renderTimes, 0, renderCount).filter(t -> t >= from && t <= to).count();
      return new double[] {n * 1e9 / Math.max(1, to - from)};
    }
    double[] out = new double[windows];
    for (int i = 0; i < renderCount; i++) {
      long at = renderTimes[i] - from;
      if (at >= 0 && at / 1_000_000_000L < windows) out[(int) (at / 1_000_000_000L)]++;
    }
    return out;
  }
}
