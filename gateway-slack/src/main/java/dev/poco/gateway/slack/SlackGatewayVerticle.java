package dev.poco.gateway.slack;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatRequest;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.GatewayReady;
import dev.poco.contract.Platforms;
import dev.poco.gatewaykit.DebugRing;
import dev.poco.gatewaykit.RenderEndpoint;
import dev.poco.gatewaykit.PlatformLimits;
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
 * The Slack gateway (GATEWAYS.md): Socket Mode (the default delivery mode, {@link SlackSocketMode}) or signed HTTP
 * delivery (Events API, interactivity, slash commands), the Web API client, Block Kit rendering, project channels,
 * health and debug. The task message is edited with chat.update at most once every 3 s per card; the agent's output
 * streams into its thread ({@link SlackStreamer}), or stays on the message where the workspace cannot stream.
 *
 * <p>Without a bot token and the delivery mode's secret (app token for socket, signing secret for webhook) the
 * verticle only answers health ({@code configured: false}) and debug, so an embedded PoCo with no Slack config starts
 * as before.
 */
public class SlackGatewayVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(SlackGatewayVerticle.class);

  private final String gatewayId = "sl-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  private final DebugRing debug = new DebugRing(200);
  private final ButtonValues buttonValues = new ButtonValues();
  private final List<MessageConsumer<JsonObject>> consumers = new ArrayList<>();
  private SlackConfig config;
  private SlackApi api;
  private SlackRenderer renderer;
  private SlackSocketMode socketMode;
  private volatile String botUserId;
  private volatile String teamId;
  private volatile boolean listenerReady;
  private volatile String connectedSince;
  private volatile String lastEventAt;
  private volatile String lastError;

  public String gatewayId() { return gatewayId; }

  @Override
  public Future<?> start() {
    config = SlackConfig.from(new Settings(config()));
    EventBus bus = vertx.eventBus();
    consumers.add(bus.consumer(Addresses.gatewayHealth(Platforms.SLACK), this::onHealth));
    consumers.add(bus.consumer(Addresses.gatewayDebug(Platforms.SLACK), this::onDebug));
    if (!config.configured()) {
      log.debug("Slack gateway idle: {} and {} are not both set", ConfigKeys.SLACK_BOT_TOKEN,
          config.webhook() ? ConfigKeys.SLACK_SIGNING_SECRET : ConfigKeys.SLACK_APP_TOKEN);
      return registered();
    }
    api = new SlackApi(vertx, config, this::error);
    renderer = new SlackRenderer(vertx, api, gatewayId, debug, buttonValues,
        bound -> bus.send(Addresses.ORCHESTRATOR_CARD_BOUND, bound.toJson()),
        PlatformLimits.SLACK_UPDATE_MIN_INTERVAL_MS, SlackRenderer.APP_WRITES_PER_SECOND,
        new SlackStreamer(vertx, api, debug, System::currentTimeMillis, () -> teamId, StreamLimits.SLACK),
        new SlackSessions(api, debug, config.agentSessions()));
    SlackChats chats = new SlackChats(api, debug);
    consumers.add(bus.consumer(Addresses.gatewayRender(Platforms.SLACK), RenderEndpoint.handler(renderer::render)));
    consumers.add(bus.consumer(Addresses.gatewayInstanceRender(Platforms.SLACK, gatewayId),
        RenderEndpoint.handler(renderer::render)));
    consumers.add(bus.consumer(Addresses.gatewayChat(Platforms.SLACK), (Message<JsonObject> msg) -> {
      ChatRequest req;
      try {
        req = ChatRequest.fromJson(msg.body());
      } catch (RuntimeException e) {
        Bus.fail(msg, e);
        return;
      }
      chats.handle(req).onSuccess(r -> msg.reply(r.toJson())).onFailure(err -> msg.fail(500, err.getMessage()));
    }));
    SlackSignature signature = config.signingSecret() == null ? null
        : new SlackSignature(config.signingSecret(), System::currentTimeMillis);
    SlackIntake intake = new SlackIntake(vertx, api, signature, buttonValues, debug,
        () -> lastEventAt = Instant.now().toString(), () -> botUserId, SlackIntake.COMMAND_ANSWER_MS, renderer.sessions());
    if (config.webhook()) {
      consumers.add(bus.consumer(Addresses.gatewayWebhook(Platforms.SLACK), intake::onWebhook));
    } else {
      socketMode = new SlackSocketMode(vertx, config, intake, debug, socketTiming(), reason -> lastError = reason);
    }
    return registered().onSuccess(v -> {
      if (config.webhook()) {
        listenerReady = true;
        connectedSince = Instant.now().toString();
      }
      log.info("Slack gateway {} ready ({})", gatewayId, config);
      bus.publish(Addresses.GATEWAY_READY, new GatewayReady(Platforms.SLACK, gatewayId).toJson());
      // learns the bot's user id (loop prevention, mention stripping) and checks the token early
      api.authTest().onSuccess(j -> {
        botUserId = j.getString("user_id");
        teamId = j.getString("team_id");
        debug.add(DebugRing.OUTBOUND, new JsonObject().put("op", "auth.test").put("bot_user_id", botUserId)
            .put("team_id", teamId));
      }).onFailure(err -> log.warn("Slack auth.test: {}", err.getMessage()))
          .onComplete(ar -> { // the socket after auth.test: its events need the bot's id
            if (socketMode != null) socketMode.start();
          });
    });
  }

  /** Socket Mode's clocks: Slack's, unless a test shortens them ({@code socketTiming} in the verticle's config). */
  private SlackSocketMode.Timing socketTiming() {
    JsonObject t = config().getJsonObject("socketTiming");
    SlackSocketMode.Timing d = SlackSocketMode.Timing.slack();
    if (t == null) return d;
    return new SlackSocketMode.Timing(t.getLong("serverPingTimeoutMs", d.serverPingTimeoutMs()),
        t.getLong("clientPingEveryMs", d.clientPingEveryMs()), t.getLong("pongTimeoutMs", d.pongTimeoutMs()),
        t.getLong("forceCloseMs", d.forceCloseMs()), t.getLong("helloTimeoutMs", d.helloTimeoutMs()),
        t.getLong("backoffBaseMs", d.backoffBaseMs()), t.getLong("backoffMaxMs", d.backoffMaxMs()),
        t.getLong("tickMs", d.tickMs()));
  }

  private Future<Void> registered() {
    return Future.all(consumers.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  @Override
  public Future<?> stop() {
    if (socketMode != null) socketMode.close();
    if (renderer != null) renderer.close();
    if (api != null) api.close();
    return Future.all(consumers.stream().map(MessageConsumer::unregister).toList());
  }

  private void onHealth(Message<JsonObject> msg) { msg.reply(health()); }

  JsonObject health() {
    if (!config.configured()) return new JsonObject().put("configured", false).put("listener_ready", false)
        .put("delivery_mode", config.deliveryMode()).put("gateway_id", gatewayId);
    JsonObject h = new JsonObject().put("configured", true).put("delivery_mode", config.deliveryMode())
        .put("listener_ready", listenerReady).put("connected_since", connectedSince)
        .put("last_event_at", lastEventAt).put("last_error", lastError).put("gateway_id", gatewayId);
    if (socketMode != null) h.put("listener_ready", socketMode.listenerReady())
        .put("connected_since", socketMode.connectedSince()).put("socket_mode", socketMode.status());
    return h;
  }

  private void onDebug(Message<JsonObject> msg) {
    int limit = Math.max(1, Math.min(200, msg.body() == null ? 50 : msg.body().getInteger("limit", 50)));
    msg.reply(new JsonObject().put("gateway_id", gatewayId).put("configured", config.configured())
        .put("delivery_mode", config.deliveryMode()).put("bot_user_id", botUserId).put("team_id", teamId)
        .put("socket_mode", socketMode == null ? null : socketMode.status())
        .put("streaming", renderer != null ? renderer.streamingStatus() : null)
        .put("entries", debug.newest(limit)));
  }

  /** A failed Web API call: health's last_error and the debug ring (reasons carry error codes, never tokens). */
  private void error(String reason) {
    lastError = reason;
    debug.add(DebugRing.ERROR, new JsonObject().put("api", reason));
  }
}
