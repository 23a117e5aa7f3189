package dev.poco.contract;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.time.DateTimeException;

/**
 * The one place that sets event-bus delivery options. Every request carries a timeout: the default
 * 30 s would turn a dead node into a 30 s stall (VERTX.md §3, pitfall 4).
 */
public final class Bus {
  private Bus() {}

  /** Store and orchestrator calls: a store write under load commits well inside this. */
  public static final long TIMEOUT_MS = 10_000;
  /** How long the orchestrator's store calls keep trying while the store is away: a store restarts well inside this. */
  public static final long STORE_RETRY_FOR_MS = 30_000;
  /**
   * An edge or gateway asking the orchestrator to act on a user's message or card: longer than the
   * orchestrator's store retries ({@link #STORE_RETRY_FOR_MS}), so the user learns whether the prompt
   * was taken; a timeout while the store restarts would leave a task that runs after a "failed" answer.
   */
  public static final long EDGE_TIMEOUT_MS = STORE_RETRY_FOR_MS + 10_000;
  /** Calls to a runner: it answers at once and streams the rest as events. */
  public static final long RUNNER_TIMEOUT_MS = 5_000;
  /**
   * Creating or dissolving a project's chat: a platform call or two, slower than a bus hop. A create that times out
   * is sent again with the same project id, which the gateway answers with the chat it made (see ChatRequest).
   */
  public static final long CHAT_TIMEOUT_MS = 20_000;
  /** A render: the gateway acks once the platform has the view, which its pacing may delay by a few seconds. */
  public static final long RENDER_TIMEOUT_MS = 15_000;
  /**
   * A platform gives a card callback, a slash command or a webhook 3 s. The edge waits at most this for a gateway's
   * answer to a forwarded webhook, and a gateway waits at most this for the orchestrator before it answers the
   * platform on its own (an ack or a toast) and applies the orchestrator's later reply by updating the card.
   */
  public static final long PLATFORM_ANSWER_MS = 2_500;

  private static final DeliveryOptions DEFAULT = new DeliveryOptions().setSendTimeout(TIMEOUT_MS);

  public static DeliveryOptions options(long timeoutMs) {
    return timeoutMs == TIMEOUT_MS ? DEFAULT : new DeliveryOptions().setSendTimeout(timeoutMs);
  }

  public static Future<JsonObject> request(EventBus bus, String address, JsonObject body) {
    return request(bus, address, body, TIMEOUT_MS);
  }

  public static Future<JsonObject> request(EventBus bus, String address, JsonObject body, long timeoutMs) {
    return bus.<JsonObject>request(address, body, options(timeoutMs)).map(Message::body);
  }

  /** The failure code a caller should report: the server's own code, 503 when nobody serves the address, 504 on timeout. */
  public static int code(Throwable err) {
    if (err instanceof ReplyException re) {
      if (re.failureType() == ReplyFailure.NO_HANDLERS) return Failures.UNAVAILABLE;
      if (re.failureType() == ReplyFailure.TIMEOUT) return 504;
      return re.failureCode() > 0 ? re.failureCode() : Failures.INTERNAL;
    }
    // a missing field, a value of the wrong type, an unreadable time: the body's fault, as the store answers them
    if (err instanceof IllegalArgumentException || err instanceof ClassCastException
        || err instanceof DateTimeException) {
      return Failures.BAD_REQUEST;
    }
    return Failures.INTERNAL;
  }

  /** Fails a message with the code {@link #code(Throwable)} gives and the error's message (never a stack trace). */
  public static void fail(Message<?> msg, Throwable err) {
    String text = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
    msg.fail(code(err), text);
  }

  /** An error that carries a failure code, for a serving side to throw or fail a future with. */
  public static ReplyException error(int code, String text) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, text);
  }
}
