package dev.poco.testkit;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.CardIntent;
import dev.poco.contract.ChatReply;
import dev.poco.contract.ChatRequest;
import dev.poco.contract.GatewayReady;
import dev.poco.contract.InboundMessage;
import dev.poco.contract.Placement;
import dev.poco.contract.Platforms;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.Reply;
import dev.poco.contract.View;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A faithful in-JVM gateway for one platform, with the platform's chats behind it ({@link PlatformChats}): it serves
 * the render, instance-render, chat, health and debug addresses as the contract says a gateway must, publishes
 * GATEWAY_READY when started, and records everything it received and showed. It is also the user's hands: messages
 * and clicks on the buttons the user sees, each Reply applied by its placement as a real gateway would.
 * <p>Start and stop it like a gateway node (each start is a new instance with its own gateway id); the platform's
 * state lives on. Call the blocking methods from the test thread, never from an event loop.
 */
public final class RecordingGateway {
  /** What a message or a click led to: the orchestrator's Reply and where the gateway showed it. */
  public record Interaction(String eventId, JsonObject reply, String placement, boolean duplicate, int refused,
      String taskId, String toast, ShownMessage shown) {
    public View view() { return View.fromJson(reply.getJsonObject("view")); }
  }

  /** A chat on the platform, as seen now. */
  public record ChatInfo(String chatId, String name, String projectId, boolean dm, Set<String> members,
      boolean dissolved) {}

  /**
   * A short line the gateway posted as a reply to the prompt when its task card turned waiting or ended (an in-place
   * card update notifies nobody's phone), mentioning the user who asked.
   */
  public record PhoneNotice(String chatId, String replyTo, String mentions, String taskId, String status,
      String text) {}

  /** Task statuses whose card change must also reach the phone. */
  private static final Set<String> NOTIFYING = Set.of("waiting_confirmation", "completed", "failed", "cancelled",
      "interrupted");
  private static final int DEBUG_RING = 200;
  private final String platform;
  private final PlatformChats chats = new PlatformChats();
  private final GatewayFaults faults = new GatewayFaults();
  private final List<ReceivedRender> renders = new ArrayList<>();
  private final List<JsonObject> chatRequests = new ArrayList<>();
  private final Deque<JsonObject> debug = new ArrayDeque<>();
  private final Set<String> sentIntents = new LinkedHashSet<>();
  private final List<PhoneNotice> notices = new ArrayList<>();
  private final AtomicInteger nextEvent = new AtomicInteger();
  private final AtomicInteger starts = new AtomicInteger();
  /** What each event id delivered, so the platform can deliver it again byte for byte. */
  private final Map<String, Delivery> deliveries = new ConcurrentHashMap<>();

  private record Delivery(String address, JsonObject body, String chatId, String userId, String clickedId) {}
  private volatile Vertx vertx;
  private volatile Instance running;

  public RecordingGateway(String platform) { this.platform = platform; }

  public String platform() { return platform; }

  public GatewayFaults faults() { return faults; }

  /** Starts a new gateway instance on {@code vertx} (a fresh gateway id); returns once GATEWAY_READY is published. */
  public RecordingGateway start(Vertx vertx) {
    return start(vertx, platform + "-gw-" + starts.incrementAndGet());
  }

  public RecordingGateway start(Vertx vertx, String gatewayId) {
    if (running != null) throw new IllegalStateException("gateway " + running.id + " already runs");
    this.vertx = vertx;
    Instance i = new Instance(gatewayId);
    i.deployment = vertx.deployVerticle(i).await();
    running = i;
    return this;
  }

  /** Stops the instance (its consumers go away, a delayed ack is never sent), as a gateway node that dies. */
  public void stop() {
    Instance i = running;
    if (i == null) return;
    running = null;
    i.alive = false;
    try {
      vertx.undeploy(i.deployment).await();
    } catch (RuntimeException e) {
      // the Vert.x it ran on is already closed (a PoCo restart): the consumers are gone anyway
    }
  }

  public boolean running() { return running != null; }

  /** The running instance's gateway id, null while stopped. */
  public String gatewayId() {
    Instance i = running;
    return i == null ? null : i.id;
  }

  // ---------------------------------------------------------------- the gateway: renders, chats, health, debug

  private final class Instance extends VerticleBase {
    final String id;
    volatile boolean alive = true;
    String deployment;

    Instance(String id) { this.id = id; }

    @Override
    public Future<?> start() {
      EventBus bus = vertx.eventBus();
      String shared = Addresses.gatewayRender(platform);
      String own = Addresses.gatewayInstanceRender(platform, id);
      List<Future<Void>> ready = new ArrayList<>();
      ready.add(bus.<JsonObject>consumer(shared, m -> onRender(this, m, shared)).completion());
      ready.add(bus.<JsonObject>consumer(own, m -> onRender(this, m, own)).completion());
      ready.add(bus.<JsonObject>consumer(Addresses.gatewayChat(platform), m -> onChat(this, m)).completion());
      ready.add(bus.<JsonObject>consumer(Addresses.gatewayHealth(platform), m -> m.reply(new JsonObject()
          .put("listener_ready", true).put("gateway_id", id).put("platform", platform))).completion());
      ready.add(bus.<JsonObject>consumer(Addresses.gatewayDebug(platform), m -> m.reply(debugRing(m.body())))
          .completion());
      return Future.all(ready).onSuccess(x -> {
        bus.publish(Addresses.GATEWAY_READY, new GatewayReady(platform, id).toJson());
        note("outbound", new JsonObject().put("ready", id));
      });
    }
  }

  private void onRender(Instance in, Message<JsonObject> msg, String address) {
    RenderRequest r;
    try {
      r = RenderRequest.fromJson(msg.body());
    } catch (RuntimeException e) {
      note("error", new JsonObject().put("bad_render", String.valueOf(e.getMessage())));
      msg.fail(400, "bad render: " + e.getMessage());
      return;
    }
    long now = System.currentTimeMillis();
    ReceivedRender rec = new ReceivedRender(address, r.cardKey(), r.version(), r.mustShow(), r.messageId(),
        r.view().status(), r.taskId(), null, null, now, 0, msg.body().copy());
    int at;
    synchronized (renders) {
      renders.add(rec);
      at = renders.size() - 1;
    }
    note("inbound", new JsonObject().put("render", rec.toString()));
    String fault = faults.nextRender();
    if ("drop".equals(fault)) {
      settle(at, "dropped", null, 0);
      return;
    }
    if ("fail".equals(fault)) {
      settle(at, "failed", null, now);
      msg.fail(500, "the platform refused the card (scripted)");
      return;
    }
    PlatformChats.Applied done = chats.render(r);
    if ("not_found".equals(done.outcome())) {
      settle(at, "not_found", null, System.currentTimeMillis());
      msg.fail(404, "no message " + r.messageId() + " in chat " + r.target().chatId());
      return;
    }
    if (!"stale".equals(done.outcome())) notifyPhone(r);
    if ("lose_ack".equals(fault)) {
      settle(at, done.outcome() + ",ack_lost", done.messageId(), 0);
      return; // shown, but the answer never reaches the orchestrator
    }
    JsonObject ack = new RenderAck(in.id, done.messageId(), "stale".equals(done.outcome())).toJson();
    long delay = "posted".equals(done.outcome()) ? faults.postAckDelayMs() : 0;
    if (delay <= 0) {
      settle(at, done.outcome(), done.messageId(), System.currentTimeMillis());
      msg.reply(ack);
      return;
    }
    settle(at, done.outcome(), null, 0);
    vertx.setTimer(delay, t -> {
      if (!in.alive) return; // a gateway that died before its ack: the orchestrator hears nothing
      settle(at, done.outcome(), done.messageId(), System.currentTimeMillis());
      msg.reply(ack);
    });
  }

  /** Once per task and status: a waiting or ended task card also answers the prompt, mentioning its user. */
  private void notifyPhone(RenderRequest r) {
    String status = r.view().status();
    if (r.taskId() == null || status == null || !NOTIFYING.contains(status)) return;
    String user = r.view().refs().getString("user_id");
    synchronized (notices) {
      for (PhoneNotice n : notices) if (n.taskId().equals(r.taskId()) && n.status().equals(status)) return;
      notices.add(new PhoneNotice(r.target().chatId(), r.target().threadId(), user, r.taskId(), status,
          "@" + user + " task " + r.taskId() + ": " + status));
    }
  }

  private void settle(int at, String outcome, String ackedId, long ackedAt) {
    synchronized (renders) {
      renders.set(at, renders.get(at).acked(outcome, ackedId, ackedAt));
    }
  }

  private void onChat(Instance in, Message<JsonObject> msg) {
    ChatRequest c;
    try {
      c = ChatRequest.fromJson(msg.body());
    } catch (RuntimeException e) {
      msg.fail(400, "bad chat request: " + e.getMessage());
      return;
    }
    synchronized (chatRequests) {
      chatRequests.add(msg.body().copy().put("at", System.currentTimeMillis()).put("gateway_id", in.id));
    }
    note("inbound", new JsonObject().put("chat", msg.body().copy()));
    if (ChatRequest.DISSOLVE.equals(c.op())) {
      chats.dissolve(c.chatId());
      msg.reply(new ChatReply(null, null).toJson());
      return;
    }
    boolean[] fresh = new boolean[1];
    PlatformChats.Chat chat = chats.createChat(c.projectId(), c.name(), c.userId(), fresh);
    JsonObject answer = new ChatReply(chat.chatId, chat.name).toJson();
    long delay = fresh[0] ? faults.takeChatCreateDelay() : 0;
    if (delay <= 0) {
      msg.reply(answer);
    } else {
      vertx.setTimer(delay, t -> msg.reply(answer)); // late: the orchestrator has given up and asks again
    }
  }

  private JsonObject debugRing(JsonObject body) {
    int limit = body == null ? 50 : body.getInteger("limit", 50);
    JsonArray entries = new JsonArray();
    synchronized (debug) {
      debug.stream().limit(limit).forEach(entries::add);
    }
    return new JsonObject().put("gateway_id", gatewayId()).put("entries", entries);
  }

  private void note(String kind, JsonObject what) {
    synchronized (debug) {
      debug.addFirst(what.put("at", System.currentTimeMillis()).put("kind", kind));
      while (debug.size() > DEBUG_RING) debug.removeLast();
    }
  }

  // ---------------------------------------------------------------- the user's hands

  /** A fresh platform event id; pass the same id again for a redelivery. */
  public String freshEventId() { return "evt_" + platform + "_" + nextEvent.incrementAndGet(); }

  /** The id of the user's DM chat with the bot. */
  public String dmChat(String userId) { return chats.dm(userId).chatId; }

  /** The user writes {@code text} in a chat (a DM when the chat is one). */
  public Interaction say(String chatId, String userId, String text) {
    return say(chatId, userId, text, freshEventId());
  }

  public Interaction say(String chatId, String userId, String text, String eventId) {
    return sayAsync(chatId, userId, text, eventId, false).await();
  }

  /** Without waiting, for deliveries in flight together; never await it on an event loop. */
  public Future<Interaction> sayAsync(String chatId, String userId, String text, String eventId, boolean slash) {
    String type = chats.isDm(chatId) ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    String messageId = "um_" + eventId;
    // Feishu: what answers a message in a group belongs under it (the thread id is the prompt's message id)
    String thread = Platforms.CHAT_GROUP.equals(type) && !slash ? messageId : null;
    InboundMessage m = new InboundMessage(platform, chatId, type, userId, text, messageId, eventId, thread,
        false, slash);
    note("inbound", new JsonObject().put("message", eventId).put("chat_id", chatId));
    return deliver(eventId, new Delivery(Addresses.ORCHESTRATOR_INBOUND, m.toJson(), chatId, userId, null));
  }

  /** The user writes {@code text} to the bot in their DM. */
  public Interaction dm(String userId, String text) { return say(dmChat(userId), userId, text); }

  /** The platform's slash command (Slack's {@code /poco}) with its text, in a chat. */
  public Interaction slash(String chatId, String userId, String text) {
    return sayAsync(chatId, userId, text, freshEventId(), true).await();
  }

  /** The user clicks a button they see on a message: matched by its label, else by its intent key. */
  public Interaction click(String messageId, String userId, String labelOrIntent, JsonObject form) {
    return click(messageId, userId, labelOrIntent, form, freshEventId());
  }

  public Interaction click(String messageId, String userId, String labelOrIntent, JsonObject form, String eventId) {
    return clickAsync(messageId, userId, labelOrIntent, form, eventId).await();
  }

  public Future<Interaction> clickAsync(String messageId, String userId, String labelOrIntent, JsonObject form,
      String eventId) {
    ShownMessage m = chats.message(messageId);
    if (m == null) throw new AssertionError("no message " + messageId + "\n" + describe());
    if (m.ephemeral() && !m.visibleTo().equals(userId)) {
      throw new AssertionError(userId + " cannot see ephemeral " + m);
    }
    View v = m.view();
    View.Action a = button(v, labelOrIntent);
    JsonObject submitted = new JsonObject();
    if (a.submitsForm()) {
      for (View.Input i : v.inputs()) if (i.value() != null) submitted.put(i.name(), i.value());
    }
    if (form != null) submitted.mergeIn(form);
    String type = chats.isDm(m.chatId()) ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    CardIntent intent = new CardIntent(platform, m.chatId(), type, userId, m.messageId(), a.intentKey(),
        a.requestId(), a.value().copy(), submitted, false, eventId);
    synchronized (sentIntents) {
      sentIntents.add(a.intentKey());
    }
    note("inbound", new JsonObject().put("click", a.intentKey()).put("message_id", messageId));
    return deliver(eventId, new Delivery(Addresses.ORCHESTRATOR_INTENT, intent.toJson(), m.chatId(), userId,
        m.messageId()));
  }

  /**
   * A card callback for a button no card on screen offers (an intent a platform sends from its own surfaces, or one
   * no view carries yet). Prefer {@link #click}: tests should press what a user sees.
   */
  public Interaction intent(String chatId, String userId, String intentKey, JsonObject params, JsonObject form,
      String eventId) {
    JsonObject value = new JsonObject().put("intent_key", intentKey).put("request_id", "req_" + eventId);
    if (params != null) value.mergeIn(params);
    String type = chats.isDm(chatId) ? Platforms.CHAT_DM : Platforms.CHAT_GROUP;
    CardIntent in = new CardIntent(platform, chatId, type, userId, null, intentKey, value.getString("request_id"),
        value, form == null ? new JsonObject() : form, false, eventId);
    synchronized (sentIntents) {
      sentIntents.add(intentKey);
    }
    return deliver(eventId, new Delivery(Addresses.ORCHESTRATOR_INTENT, in.toJson(), chatId, userId, null)).await();
  }

  /**
   * The platform delivers event {@code eventId} (a message or a click sent before) again, exactly as the first time,
   * as Feishu and Slack do after a timeout or a failure; its Reply is applied like any other.
   */
  public Interaction redeliver(String eventId) {
    Delivery d = deliveries.get(eventId);
    if (d == null) throw new AssertionError("no delivery with event id " + eventId);
    return deliver(eventId, d).await();
  }

  private Future<Interaction> deliver(String eventId, Delivery d) {
    deliveries.put(eventId, d);
    ShownMessage clicked = d.clickedId() == null ? null : chats.message(d.clickedId());
    return ask(d.address(), d.body().copy()).map(reply -> apply(d.chatId(), d.userId(), clicked, reply, eventId));
  }

  private static View.Action button(View v, String labelOrIntent) {
    for (View.Action a : v.actions()) if (a.label().equals(labelOrIntent)) return a;
    for (View.Action a : v.actions()) if (labelOrIntent.equals(a.intentKey())) return a;
    for (View.Action a : v.actions()) if (a.label().startsWith(labelOrIntent)) return a;
    throw new AssertionError("no button '" + labelOrIntent + "' on " + v.kind() + " '" + v.title() + "'; it has "
        + v.actions().stream().map(x -> x.label() + "=" + x.intentKey()).toList());
  }

  private Future<JsonObject> ask(String address, JsonObject body) {
    Vertx v = vertx;
    if (v == null || running == null) throw new IllegalStateException("the gateway is not running");
    return Bus.request(v.eventBus(), address, body, Bus.EDGE_TIMEOUT_MS);
  }

  /** Shows a Reply where its placement says, as a real gateway does. */
  private Interaction apply(String chatId, String userId, ShownMessage clicked, JsonObject json, String eventId) {
    note("reply", new JsonObject().put("event_id", eventId).put("placement", json.getString("placement")));
    Reply r = Reply.fromJson(json);
    ShownMessage shown = null;
    if (!r.duplicate()) {
      if (r.toast() != null) chats.toast(chatId, userId, r.toast());
      // an orchestrator that predates placement: a click replaced its card, a message got a new one
      String how = r.placement() != null ? r.placement() : clicked != null ? Placement.REPLACE : Placement.NEW;
      switch (how) {
        case Placement.REPLACE -> {
          if (clicked != null) {
            chats.replace(clicked, r.view());
            shown = clicked;
          } else {
            shown = chats.post(chatId, r.view()); // answering a message: posted like NEW
          }
        }
        case Placement.NEW -> shown = chats.post(chatId, r.view());
        case Placement.EPHEMERAL -> shown = chats.ephemeral(chatId, userId, r.view());
        default -> { } // TOAST: the toast alone; the change shows on a rendered card
      }
    }
    return new Interaction(eventId, json, r.placement(), r.duplicate(), r.refused(), r.taskId(), r.toast(), shown);
  }

  // ---------------------------------------------------------------- what was recorded

  /** Every render received, in arrival order. */
  public List<ReceivedRender> renders() {
    synchronized (renders) {
      return List.copyOf(renders);
    }
  }

  public List<ReceivedRender> renders(String cardKey) {
    return renders().stream().filter(r -> cardKey.equals(r.cardKey())).toList();
  }

  /** The replies to prompts that told the phone a task waits or ended, in order. */
  public List<PhoneNotice> phoneNotices() {
    synchronized (notices) {
      return List.copyOf(notices);
    }
  }

  /** Every ChatRequest received (op, project_id, ..., at, gateway_id). */
  public List<JsonObject> chatRequests() {
    synchronized (chatRequests) {
      return chatRequests.stream().map(JsonObject::copy).toList();
    }
  }

  /** The intents this gateway's clicks (and raw intents) sent. */
  public Set<String> sentIntents() {
    synchronized (sentIntents) {
      return Set.copyOf(sentIntents);
    }
  }

  public List<ChatInfo> chats() {
    return chats.chats().stream().map(c -> new ChatInfo(c.chatId, c.name, c.projectId, c.dm,
        Set.copyOf(c.members), c.dissolved)).toList();
  }

  /** The group chats made for projects, dissolved ones included. */
  public List<ChatInfo> projectChats() { return chats().stream().filter(c -> c.projectId() != null).toList(); }

  public ShownMessage message(String messageId) { return chats.message(messageId); }

  /** The messages everyone in the chat sees, oldest first (ephemeral cards left out). */
  public List<ShownMessage> messages(String chatId) {
    return chats.all().stream().filter(m -> m.chatId().equals(chatId) && !m.ephemeral()).toList();
  }

  /** The ephemeral cards {@code userId} was shown in the chat. */
  public List<ShownMessage> ephemerals(String chatId, String userId) {
    return chats.all().stream().filter(m -> m.chatId().equals(chatId) && userId.equals(m.visibleTo())).toList();
  }

  public List<ShownMessage> allMessages() { return chats.all(); }

  public List<PlatformToast> toasts() {
    return chats.toasts().stream().map(t -> new PlatformToast(t.chatId(), t.userId(), t.text())).toList();
  }

  /** A toast shown to one user in a chat. */
  public record PlatformToast(String chatId, String userId, String text) {}

  /** The message showing task {@code taskId}'s card, or null before it is posted. */
  public ShownMessage taskCard(String taskId) { return chats.byCardKey(RenderRequest.taskKey(taskId)); }

  /** The workspace card of a chat, or null. */
  public ShownMessage workspaceCard(String chatId) {
    return chats.byCardKey(RenderRequest.workspaceKey(platform, chatId));
  }

  // ---------------------------------------------------------------- waits

  /** Polls {@code probe} until {@code ok} holds; fails with {@code what} and the platform's state otherwise. */
  public <T> T await(String what, Supplier<T> probe, Predicate<T> ok, long timeoutMs) {
    long end = System.currentTimeMillis() + timeoutMs;
    while (true) {
      T v = probe.get();
      if (ok.test(v)) return v;
      if (System.currentTimeMillis() > end) {
        throw new AssertionError("waited " + timeoutMs + " ms for " + what + "; last: " + v + "\n" + describe());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  /** Waits for a message (any chat, ephemeral ones included) matching {@code p}. */
  public ShownMessage awaitMessage(Predicate<ShownMessage> p, long timeoutMs) {
    return await("a message matching the predicate",
        () -> chats.all().stream().filter(p).findFirst().orElse(null), m -> m != null, timeoutMs);
  }

  /** Waits until task {@code taskId}'s card is posted and its current view matches {@code p}. */
  public ShownMessage awaitTaskCard(String taskId, Predicate<View> p, long timeoutMs) {
    return await("task " + taskId + "'s card in the expected state", () -> taskCard(taskId),
        m -> m != null && p.test(m.view()), timeoutMs);
  }

  /** Waits until task {@code taskId}'s card shows {@code status}. */
  public ShownMessage awaitTaskStatus(String taskId, String status, long timeoutMs) {
    return await("task " + taskId + "'s card showing " + status, () -> taskCard(taskId),
        m -> m != null && status.equals(m.view().status()), timeoutMs);
  }

  /**
   * Waits until every render of {@code cardKey} received so far was answered (or scripted away) and none came for
   * {@code quietMs}: the card has settled.
   */
  public List<ReceivedRender> awaitQuiet(String cardKey, long quietMs, long timeoutMs) {
    return await("renders of " + cardKey + " to settle", () -> renders(cardKey), list -> {
      if (list.isEmpty()) return false;
      long last = list.get(list.size() - 1).receivedAt();
      boolean answered = list.stream().allMatch(r -> r.ackedAt() > 0 || "dropped".equals(r.outcome())
          || String.valueOf(r.outcome()).endsWith("ack_lost"));
      return answered && System.currentTimeMillis() - last >= quietMs;
    }, timeoutMs);
  }

  /** Chats, messages and the last renders, for a failing test's message. */
  public String describe() {
    StringBuilder sb = new StringBuilder("platform ").append(platform).append(" gateway ").append(gatewayId());
    for (PlatformChats.Chat c : chats.chats()) {
      sb.append("\n  chat ").append(c.chatId).append(" '").append(c.name).append("'")
          .append(c.projectId == null ? "" : " project " + c.projectId).append(c.dissolved ? " (dissolved)" : "");
    }
    for (ShownMessage m : chats.all()) sb.append("\n    ").append(m).append(" ").append(m.statuses());
    List<ReceivedRender> all = renders();
    sb.append("\n  renders (").append(all.size()).append(", last 30):");
    for (ReceivedRender r : all.subList(Math.max(0, all.size() - 30), all.size())) sb.append("\n    ").append(r);
    return sb.toString();
  }
}
