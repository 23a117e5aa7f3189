package dev.poco.orchestrator;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.RenderAck;
import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's half of the render protocol ({@link RenderRequest} states the rules): per card, its binding to
 * a message, its versions, the pace of its renders, the retries of what must be shown and the gateway instance that
 * renders it. Everything runs on the orchestrator's event loop.
 */
final class CardDesk {
  private static final Logger log = LoggerFactory.getLogger(CardDesk.class);
  static final long RETRY_FIRST_MS = 1_000;
  static final long RETRY_MAX_MS = 30_000;

  /**
   * A card: what it shows and where. {@code knownMessageId} is the message the store knows for it (null when never
   * posted); {@code finalState} a card that will not change again once this is shown (a task that ended).
   */
  record Card(String key, ReplyTarget target, String taskId, String projectId, String knownMessageId,
      boolean finalState) {}

  /** Told once a posted card has its message, to persist the binding. */
  interface Binder {
    void bound(Card card, String messageId);
  }

  private static final class Slot {
    Card card;
    String messageId;
    /** The gateway instance that rendered this card last; null: any instance (the shared address). */
    String renderer;
    Supplier<View> pending;
    boolean pendingMust;
    long paceTimer = -1;
    long lastSentAt;
    /** A post is in flight: nothing else goes out for this card until it is bound. */
    boolean posting;
    RenderRequest lastSent;
    /** The newest must-show render not yet acknowledged (or a newer one shown after it). */
    RenderRequest unacked;
    long retryTimer = -1;
    long retryDelay;
  }

  private final Vertx vertx;
  private final long intervalMs;
  private final long retryFirstMs;
  private final Binder binder;
  private final Map<String, Slot> slots = new HashMap<>();
  private long lastVersion;
  private long sent;
  private long coalesced;

  CardDesk(Vertx vertx, long intervalMs, Binder binder) { this(vertx, intervalMs, RETRY_FIRST_MS, binder); }

  CardDesk(Vertx vertx, long intervalMs, long retryFirstMs, Binder binder) {
    this.vertx = vertx;
    this.intervalMs = Math.max(0, intervalMs);
    this.retryFirstMs = Math.max(1, retryFirstMs);
    this.binder = binder;
  }

  /**
   * The card's current view. A must-show one goes at once (after the post, for an unbound card); another waits for
   * the card's interval, replaced by any newer view meanwhile.
   */
  void show(Card card, Supplier<View> view, boolean mustShow) {
    Slot s = slots.computeIfAbsent(card.key(), k -> newSlot());
    s.card = card;
    if (s.messageId == null) s.messageId = card.knownMessageId();
    if (s.pending != null) coalesced++;
    s.pending = view;
    s.pendingMust |= mustShow || card.finalState();
    if (s.pendingMust) flush(s);
    else pace(s);
  }

  /** Sends the held view once the card's interval since its last render has passed. */
  private void pace(Slot s) {
    if (s.paceTimer != -1) return;
    long wait = s.lastSentAt + intervalMs - System.currentTimeMillis();
    if (wait <= 0) {
      flush(s);
    } else {
      s.paceTimer = vertx.setTimer(wait, id -> {
        s.paceTimer = -1;
        flush(s);
      });
    }
  }

  private Slot newSlot() {
    Slot s = new Slot();
    s.retryDelay = retryFirstMs;
    return s;
  }

  /** A gateway re-posted a card (the old message could no longer be updated): later renders patch the new one. */
  void rebind(String key, String messageId, String gatewayId) {
    Slot s = slots.get(key);
    if (s == null) return;
    s.messageId = messageId;
    if (gatewayId != null) s.renderer = gatewayId;
  }

  /**
   * A gateway instance of {@code platform} (re)started: renders it never acknowledged are sent again now, to the
   * shared address when their renderer is that instance (its old consumers are gone).
   */
  void gatewayReady(String platform, String gatewayId) {
    for (Slot s : new ArrayList<>(slots.values())) {
      if (!platform.equals(s.card.target().platform())) continue;
      if (gatewayId.equals(s.renderer)) s.renderer = null;
      boolean owed = s.unacked != null || s.messageId == null;
      if (!owed || s.lastSent == null) continue;
      cancelRetry(s);
      s.retryDelay = retryFirstMs;
      s.posting = false;
      resend(s);
    }
  }

  /** Cards with something still owed to a gateway (for /health and tests). */
  int owed() {
    int n = 0;
    for (Slot s : slots.values()) if (s.unacked != null || s.posting || s.pending != null) n++;
    return n;
  }

  JsonObject stats() {
    return new JsonObject().put("cards", slots.size()).put("owed", owed()).put("renders_sent", sent)
        .put("renders_coalesced", coalesced).put("interval_ms", intervalMs);
  }

  private void flush(Slot s) {
    if (s.paceTimer != -1) {
      vertx.cancelTimer(s.paceTimer);
      s.paceTimer = -1;
    }
    if (s.pending == null) return;
    if (s.messageId == null && s.posting) return; // held until the post is bound; latest wins
    View view;
    try {
      view = s.pending.get();
    } catch (RuntimeException | Error e) {
      // A view that cannot be built is skipped: the state change that asked for it must still happen.
      log.warn("could not build card {}: {}", s.card.key(), e.toString());
      s.pending = null;
      s.pendingMust = false;
      return;
    }
    boolean must = s.pendingMust;
    s.pending = null;
    s.pendingMust = false;
    Card c = s.card;
    RenderRequest r = new RenderRequest(c.target(), s.messageId, view, c.taskId(), c.projectId(), must,
        nextVersion(), c.key());
    if (must) s.unacked = r;
    send(s, r);
  }

  private void resend(Slot s) {
    RenderRequest last = s.lastSent;
    // Sent again as must-show and to the bound message, should the card have been bound since.
    send(s, new RenderRequest(last.target(), s.messageId, last.view(), last.taskId(), last.projectId(), true,
        last.version(), last.cardKey()));
  }

  private void send(Slot s, RenderRequest r) {
    if (r.messageId() == null) s.posting = true;
    s.lastSent = r;
    s.lastSentAt = System.currentTimeMillis();
    sent++;
    String platform = r.target().platform();
    String renderer = s.renderer;
    String address = renderer == null ? Addresses.gatewayRender(platform)
        : Addresses.gatewayInstanceRender(platform, renderer);
    vertx.eventBus().<JsonObject>request(address, r.toJson(), Bus.options(Bus.RENDER_TIMEOUT_MS)).onComplete(ar -> {
      if (ar.succeeded()) acked(s, r, ar.result().body());
      else failed(s, r, renderer, ar.cause());
    });
  }

  private void acked(Slot s, RenderRequest r, JsonObject body) {
    RenderAck ack;
    try {
      ack = RenderAck.fromJson(body == null ? new JsonObject() : body);
    } catch (RuntimeException e) {
      failed(s, r, s.renderer, e);
      return;
    }
    s.renderer = ack.gatewayId();
    if (r.messageId() == null && s.posting && s.lastSent == r) {
      s.posting = false;
      if (ack.messageId() != null && s.messageId == null) {
        s.messageId = ack.messageId();
        try {
          binder.bound(s.card, ack.messageId());
        } catch (RuntimeException e) {
          log.warn("could not store the binding of card {}: {}", s.card.key(), e.toString());
        }
      }
    }
    // A newer version shown supersedes an older must-show one.
    if (s.unacked != null && s.unacked.version() <= r.version()) {
      s.unacked = null;
      s.retryDelay = retryFirstMs;
      cancelRetry(s);
    }
    if (s.pending != null && s.messageId != null) {
      if (s.pendingMust) flush(s);
      else pace(s);
    }
    forgetIfDone(s);
  }

  private void failed(Slot s, RenderRequest r, String renderer, Throwable err) {
    boolean gone = err instanceof ReplyException re
        && (re.failureType() == ReplyFailure.NO_HANDLERS || re.failureType() == ReplyFailure.TIMEOUT);
    if (gone && renderer != null && renderer.equals(s.renderer)) {
      s.renderer = null; // the instance left: another one takes the card over
      if (((ReplyException) err).failureType() == ReplyFailure.NO_HANDLERS && s.lastSent == r) {
        if (r.messageId() == null) s.posting = false;
        send(s, r);
        return;
      }
    }
    if (s.lastSent != r) return; // a newer render went out; its own outcome decides
    if (r.messageId() == null) s.posting = false;
    if (s.unacked == null && s.messageId != null) return; // a live-output render: the next one carries the state
    log.debug("render of {} v{} failed ({}); retrying", r.cardKey(), r.version(), err.getMessage());
    scheduleRetry(s);
  }

  private void scheduleRetry(Slot s) {
    if (s.retryTimer != -1) return;
    long delay = s.retryDelay;
    s.retryDelay = Math.min(RETRY_MAX_MS, delay * 2);
    s.retryTimer = vertx.setTimer(delay, id -> {
      s.retryTimer = -1;
      if (s.pending != null && !(s.messageId == null && s.posting)) {
        s.pendingMust = true;
        flush(s);
      } else if ((s.unacked != null || s.messageId == null) && !s.posting && s.lastSent != null) {
        resend(s);
      }
    });
  }

  private void cancelRetry(Slot s) {
    if (s.retryTimer != -1) {
      vertx.cancelTimer(s.retryTimer);
      s.retryTimer = -1;
    }
  }

  /** A card that ended and was shown in its final state needs nothing more. */
  private void forgetIfDone(Slot s) {
    if (s.card.finalState() && s.unacked == null && s.pending == null && !s.posting && s.messageId != null
        && s.paceTimer == -1) {
      cancelRetry(s);
      slots.remove(s.card.key(), s);
    }
  }

  /** Strictly increasing, also across restarts: never below the clock in microseconds. */
  private long nextVersion() {
    lastVersion = Math.max(lastVersion + 1, System.currentTimeMillis() * 1000);
    return lastVersion;
  }

  List<String> keys() { return new ArrayList<>(slots.keySet()); }
}
