package dev.poco.testkit;

import static dev.poco.testkit.FeishuWebhookIT.ALICE;
import static dev.poco.testkit.FeishuWebhookIT.APP;
import static dev.poco.testkit.FeishuWebhookIT.GATEWAY;
import static dev.poco.testkit.FeishuWebhookIT.SECRET;
import static dev.poco.testkit.FeishuWebhookIT.VT;
import static dev.poco.testkit.FeishuWebhookIT.await;
import static dev.poco.testkit.FeishuWebhookIT.card;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeFeishu;
import dev.poco.testkit.fakes.FeishuCards;
import dev.poco.testkit.fakes.FeishuChat;
import dev.poco.testkit.fakes.FeishuLongConnection;
import dev.poco.testkit.fakes.FeishuMessage;
import dev.poco.testkit.fakes.FeishuPusher;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A fake Feishu and PoCo (embedded) with the Feishu gateway on it in one delivery mode, and the users' {@link
 * FeishuHands} for that mode. Allowed: {@code ALICE}, unless {@code extra} sets POCO_ALLOWED_USERS.
 */
final class FeishuRig implements AutoCloseable {
  final Vertx platform;
  final FakeFeishu fake;
  final EmbeddedPoco system;
  /** Webhook mode: delivers over HTTP; long connection: only builds the envelopes. */
  final FeishuPusher push;
  /** The fake's long connection (idle in webhook mode). */
  final FeishuLongConnection socket;
  final FeishuHands hands;

  private FeishuRig(Vertx platform, FakeFeishu fake, EmbeddedPoco system, FeishuPusher push, FeishuHands hands) {
    this.platform = platform;
    this.fake = fake;
    this.system = system;
    this.push = push;
    this.socket = fake.longConn();
    this.hands = hands;
  }

  /** Webhook mode; {@code encryptKey} null: plaintext. */
  static FeishuRig webhook(Path home, String encryptKey, Map<String, String> extra) {
    Vertx platform = Vertx.vertx();
    FakeFeishu fake = FakeFeishu.start(platform, APP, SECRET);
    Map<String, String> config = config(fake, "webhook", extra);
    config.put(ConfigKeys.FEISHU_VERIFICATION_TOKEN, VT);
    if (encryptKey != null) config.put(ConfigKeys.FEISHU_ENCRYPT_KEY, encryptKey);
    EmbeddedPoco system = startWithGateway(home, config);
    FeishuPusher push = new FeishuPusher(platform, fake, "http://127.0.0.1:"
        + system.config.getString(ConfigKeys.HTTP_PORT), VT, encryptKey);
    return new FeishuRig(platform, fake, system, push, FeishuHands.webhook(push));
  }

  /** Long-connection mode (the default), every push split into {@code fragments}; returns once the socket is ready. */
  static FeishuRig longConnection(Path home, Map<String, String> extra, int fragments) {
    Vertx platform = Vertx.vertx();
    FakeFeishu fake = FakeFeishu.start(platform, APP, SECRET);
    fake.longConn().fragments(fragments);
    EmbeddedPoco system = startWithGateway(home, config(fake, "longconn", extra));
    // nothing goes over HTTP: the pusher builds the envelopes the socket carries
    FeishuPusher envelopes = new FeishuPusher(platform, fake, "http://127.0.0.1:1", VT, null);
    FeishuRig rig = new FeishuRig(platform, fake, system, envelopes,
        FeishuHands.longConnection(fake.longConn(), envelopes));
    await(fake, "the gateway's long connection", () -> rig.socket.connected() > 0 ? true : null);
    await(fake, "health listener_ready", () -> rig.health().getBoolean("listener_ready") ? true : null);
    return rig;
  }

  private static Map<String, String> config(FakeFeishu fake, String mode, Map<String, String> extra) {
    Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.FEISHU_APP_ID, APP,
        ConfigKeys.FEISHU_APP_SECRET, SECRET, ConfigKeys.FEISHU_DELIVERY_MODE, mode,
        ConfigKeys.FEISHU_API_BASE_URL, fake.baseUrl(), ConfigKeys.ALLOWED_USERS, "feishu:" + ALICE));
    config.putAll(extra);
    return config;
  }

  private static EmbeddedPoco startWithGateway(Path home, Map<String, String> config) {
    EmbeddedPoco system = EmbeddedPoco.start(home, config);
    system.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(system.config)).await();
    return system;
  }

  /** The gateway's health, as /health shows it. */
  JsonObject health() {
    return Bus.request(system.vertx.eventBus(), Addresses.gatewayHealth("feishu"), new JsonObject(), 5_000).await();
  }

  /** ALICE's project: DM hi, New, the name submitted; the project group once its workspace card is there. */
  FeishuChat project(String name) { return project(ALICE, name); }

  /** {@code user}'s project: DM hi, New, the name submitted; the project group once its workspace card is there. */
  FeishuChat project(String user, String name) {
    FeishuChat dm = fake.p2pChat(user);
    hands.say(user, dm, "hi");
    FeishuMessage home = await(fake, "a home card", () -> card(dm, "New"));
    hands.click(user, home, "New", null);
    FeishuMessage form = await(fake, "the new-project form", () -> card(dm, "Create Project + Group"));
    hands.click(user, form, "Create Project + Group", FeishuCards.formValue(form.json(), "name",
        new JsonObject().put("name", name)));
    FeishuChat group = await(fake, "the group", () -> fake.groupsNamed(name).stream().findFirst().orElse(null));
    await(fake, "the workspace card", () -> card(group, "Run"));
    return group;
  }

  @Override
  public void close() {
    System.out.println("what Feishu shows at the end (" + hands + "):\n" + fake.dump());
    if (socket.opened() > 0) {
      System.out.println("pushes " + socket.pushes().size() + ", acks " + socket.acks().size() + ", pings "
          + socket.pings() + ", sockets opened " + socket.opened());
    }
    push.close();
    system.close();
    fake.close();
    platform.close().await();
  }
}
