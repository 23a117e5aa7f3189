package dev.poco.demoapi;

import dev.poco.contract.Bus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/** Stand-ins for the orchestrator and gateways: consumers on contract addresses that record and answer as told. */
final class FakeBus {
  private final Vertx vertx;
  private final Map<String, List<JsonObject>> received = new ConcurrentHashMap<>();
  private final List<Future<Void>> registered = new ArrayList<>();

  FakeBus(Vertx vertx) { this.vertx = vertx; }

  /**
   * Replies to every request on {@code address} with what {@code answer} makes of its body; an answer that
   * throws (e.g. {@code Bus.error(404, ...)}) fails the request with that code.
   */
  FakeBus reply(String address, Function<JsonObject, JsonObject> answer) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, msg -> {
      record(address, msg.body());
      try {
        msg.reply(answer.apply(msg.body()));
      } catch (RuntimeException e) {
        Bus.fail(msg, e);
      }
    });
    registered.add(consumer.completion());
    return this;
  }

  /** Fails every request on {@code address} with {@code code} and {@code text}, as the orchestrator does. */
  FakeBus fail(String address, int code, String text) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, msg -> {
      record(address, msg.body());
      Bus.fail(msg, Bus.error(code, text));
    });
    registered.add(consumer.completion());
    return this;
  }

  /** Records requests on {@code address} and never answers. */
  FakeBus silent(String address) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, msg -> record(address, msg.body()));
    registered.add(consumer.completion());
    return this;
  }

  Future<Void> ready() { return Future.all(registered).mapEmpty(); }

  List<JsonObject> received(String address) { return received.getOrDefault(address, List.of()); }

  JsonObject last(String address) {
    List<JsonObject> all = received(address);
    if (all.isEmpty()) throw new AssertionError("nothing was sent to " + address);
    return all.get(all.size() - 1);
  }

  private void record(String address, JsonObject body) {
    received.computeIfAbsent(address, k -> new CopyOnWriteArrayList<>()).add(body);
  }
}
