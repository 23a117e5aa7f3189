package dev.poco.gateway.feishu;

import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.RenderEndpoint;
import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatRequest;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.GatewayReady;
import dev.poco.contract.Platforms;
import dev.poco.runtime.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Feishu gateway (GATEWAYS.md): delivery over the long connection ({@link FeishuLongConn}, the default) or
 * webhooks, both into one {@link FeishuIntake}; the open API client, Card JSON 2.0 rendering, project chats, health
 * and debug.
 *
 * <p>Without app credentials the verticle only answers health ({@code configured: false}) and debug, so an embedded
 * PoCo with no Feishu config starts as before.
 */
public class FeishuGatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(FeishuGatewayVerticle.class);

  private final String gatewayId = "fs-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final DebugRing debug = new DebugRing(200);
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private FeishuConfig config;
  private FeishuApi api;
  private FeishuRenderer renderer;
  private FeishuLongConn longConn;
  private volatile boolean listenerReady;
  private volatile String connectedSince;
  private volatile String lastEventAt;
  private volatile String lastError;

  public String gatewayId() { return gatewayId; }

  @Override
  public Future<?> start() {
    config = FeishuConfig.from(new Settings(config()));
    EventBus bus = vertx.eventBus();
    consumers.add(bus.consumer(Addresses.gatewayHealth(Platforms.FEISHU), this::onHealth));
    consumers.add(bus.consumer(Addresses.gatewayDebug(Platforms.FEISHU), this::onDebug));
    if (!config.configured()) {
      log.debug("Feishu gateway idle: {} / {} are not set", ConfigKeys.FEISHU_APP_ID, ConfigKeys.FEISHU_APP_SECRET);
      return registered();
    }
    api = new FeishuApi(vertx, config, this::error);
    renderer = new FeishuRenderer(vertx, api, gatewayId, debug,
        bound -> bus.send(Addresses.ORCHESTRATOR_CARD_BOUND, bound.toJson()));
    FeishuChats chats = new FeishuChats(api, debug);
    consumers.add(bus.consumer(Addresses.gatewayRender(Platforms.FEISHU), RenderEndpoint.handler(renderer::render)));
    consumers.add(bus.consumer(Addresses.gatewayInstanceRender(Platforms.FEISHU, gatewayId),
        RenderEndpoint.handler(renderer::render)));
    consumers.add(bus.consumer(Addresses.gatewayChat(Platforms.FEISHU), (Message<JsonObject> msg) -> {
      ChatRequest req;
      try {
        req = ChatRequest.fromJson(msg.body());
      } catch (RuntimeException e) {
        Bus.fail(msg, e);
        return;
      }
      chats.handle(req).onSuccess(r -> msg.reply(r.toJson())).onFailure(err -> msg.fail(500, err.getMessage()));
    }));
    WebhookVerifier verifier = new WebhookVerifier(config.verificationToken(), config.encryptKey(),
        System::currentTimeMillis);
    FeishuIntake intake = new FeishuIntake(vertx, api, verifier, debug, () -> lastEventAt = Instant.now().toString());
    if (config.webhook()) {
      consumers.add(bus.consumer(Addresses.gatewayWebhook(Platforms.FEISHU), intake::onWebhook));
      if (config.verificationToken() == null && config.encryptKey() == null) {
        log.warn("Feishu webhook mode without {} or {}: anyone who can reach /platform/feishu/* can post events",
            ConfigKeys.FEISHU_VERIFICATION_TOKEN, ConfigKeys.FEISHU_ENCRYPT_KEY);
      }
    } else if (config.longConn()) {
      longConn = new FeishuLongConn(vertx, config, intake, debug, () -> lastEventAt = Instant.now().toString(),
          this::error);
    } else {
      String why = "Feishu delivery mode '" + config.deliveryMode() + "' is unknown: set " + ConfigKeys.FEISHU_DELIVERY_MODE
          + " to longconn or webhook";
      log.warn(why);
      lastError = why;
    }
    return registered().onSuccess(v -> {
      if (config.webhook()) {
        listenerReady = true;
        connectedSince = Instant.now().toString();
      }
      if (longConn != null) longConn.start();
      log.info("Feishu gateway {} ready ({})", gatewayId, config);
      bus.publish(Addresses.GATEWAY_READY, new GatewayReady(Platforms.FEISHU, gatewayId).toJson());
      // checks the credentials early; a failure shows in health's last_error, the next call tries again
      api.token().onFailure(err -> log.warn("Feishu tenant token: {}", err.getMessage()));
    });
  }

  private Future<Void> registered() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    if (longConn != null) longConn.stop();
    if (renderer != null) renderer.close();
    if (api != null) api.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void onHealth(Message<JsonObject> msg) { msg.reply(health()); }

  JsonObject health() {
    boolean ready = longConn != null ? longConn.connected() : listenerReady;
    String since = longConn != null ? longConn.connectedSince() : connectedSince;
    JsonObject h = new JsonObject().put("configured", config.configured()).put("delivery_mode", config.deliveryMode())
        .put("listener_ready", config.configured() && ready).put("connected_since", since)
        .put("last_event_at", lastEventAt).put("last_error", lastError).put("gateway_id", gatewayId);
    if (longConn != null) h.put("reconnects", longConn.reconnects()).put("long_connection", longConn.health());
    return h;
  }

  private void onDebug(Message<JsonObject> msg) {
    int limit = Math.max(1, Math.min(200, msg.body() == null ? 50 : msg.body().getInteger("limit", 50)));
    msg.reply(new JsonObject().put("gateway_id", gatewayId).put("configured", config.configured())
        .put("delivery_mode", config.deliveryMode())
        .put("long_connection", longConn == null ? null : longConn.health()).put("entries", debug.newest(limit))
        .put("streaming", renderer == null ? null : renderer.streamingStatus()));
  }

  /** A failed open API call: health's last_error and the debug ring (reasons carry codes, never tokens). */
  private void error(String reason) {
    lastError = reason;
    debug.add(DebugRing.ERROR, new JsonObject().put("api", reason));
  }
}
