package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.orchestrator.StoreClient;
import dev.poco.testkit.fakes.FakeSlack;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackInbound;
import dev.poco.testkit.fakes.SlackMessage;
import dev.poco.testkit.fakes.SlackPusher;
import dev.poco.testkit.fakes.SlackSocketLink;
import dev.poco.testkit.fakes.SlackView;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * The whole system with the Slack gateway against the fake Slack, in either delivery mode (Socket Mode: envelopes over
 * the fake's WebSocket, answers in acks; webhook: signed HTTP to the edge), and what a Slack user sees: the messages,
 * thread replies and ephemeral messages of each channel. Shared by the Slack ITs.
 */
final class SlackRig implements AutoCloseable {
  static final String GATEWAY = "dev.poco.gateway.slack.SlackGatewayVerticle";
  static final String BOT_TOKEN = "xoxb-1111-2222-slackitbottoken";
  static final String APP_TOKEN = "xapp-1-A0FAKEAPP-3333-slackitapptoken";
  static final String SIGNING = "slack-it-signing-secret-5a5a5a";
  static final String ALICE = "U0ALICE";

  enum Mode { SOCKET, WEBHOOK }

  final Vertx platform;
  final FakeSlack fake;
  final EmbeddedPoco system;
  final Mode mode;
  final SlackPusher pusher;

  private SlackRig(Vertx platform, FakeSlack fake, EmbeddedPoco system, Mode mode, SlackPusher pusher) {
    this.platform = platform;
    this.fake = fake;
    this.system = system;
    this.mode = mode;
    this.pusher = pusher;
  }

  /** A fake Slack (rate limits on; apps.connections.open loosened to 20/min so reconnects are not the subject). */
  static FakeSlack fake(Vertx platform) {
    FakeSlack fake = FakeSlack.start(platform, BOT_TOKEN, APP_TOKEN);
    fake.tierPerMinute(1, 20);
    return fake;
  }

  /** The Slack keys for {@code fake} in {@code mode}, Alice allowed. */
  static Map<String, String> config(FakeSlack fake, Mode mode) {
    Map<String, String> c = new HashMap<>(Map.of(ConfigKeys.SLACK_BOT_TOKEN, BOT_TOKEN,
        ConfigKeys.SLACK_DELIVERY_MODE, mode == Mode.SOCKET ? "socket" : "webhook",
        ConfigKeys.SLACK_API_BASE_URL, fake.apiUrl(), ConfigKeys.ALLOWED_USERS, "slack:" + ALICE));
    if (mode == Mode.SOCKET) c.put(ConfigKeys.SLACK_APP_TOKEN, APP_TOKEN);
    else c.put(ConfigKeys.SLACK_SIGNING_SECRET, SIGNING);
    return c;
  }

  static SlackRig start(Path home, Mode mode) { return start(home, mode, Map.of()); }

  static SlackRig start(Path home, Mode mode, Map<String, String> extra) {
    Vertx platform = Vertx.vertx();
    FakeSlack fake = fake(platform);
    Map<String, String> config = config(fake, mode);
    config.putAll(extra);
    return on(platform, fake, EmbeddedPoco.start(home, config), mode);
  }

  /** A rig on a system already started with {@link #config} (and perhaps another platform), the gateway deployed. */
  static SlackRig on(Vertx platform, FakeSlack fake, EmbeddedPoco system, Mode mode) {
    system.vertx.deployVerticle(GATEWAY, new DeploymentOptions().setConfig(system.config)).await();
    SlackPusher pusher = mode == Mode.WEBHOOK ? new SlackPusher(platform, fake, "http://127.0.0.1:"
        + system.config.getString(ConfigKeys.HTTP_PORT), SIGNING) : null;
    SlackRig rig = new SlackRig(platform, fake, system, mode, pusher);
    rig.awaitReady();
    return rig;
  }

  void awaitReady() {
    await("the Slack gateway ready", () -> health().getBoolean("listener_ready", false)
        && (mode == Mode.WEBHOOK || fake.socket().connected() > 0) ? true : null);
  }

  JsonObject health() {
    return Bus.request(system.vertx.eventBus(), Addresses.gatewayHealth("slack"), new JsonObject(), 5_000).await();
  }

  // ---- what users do ----

  /** Delivers as the platform would in this mode (Socket Mode: pushed, not awaited; webhook: posted, retried). */
  void deliver(SlackInbound in) {
    if (mode == Mode.SOCKET) fake.socket().push(in);
    else pusher.deliver(in);
  }

  /** Alice posts {@code text} at the top of {@code channel}: the message's ts (the task's thread). */
  String say(SlackChannel channel, String text) {
    SlackInbound in = SlackInbound.message(fake, channel.id, ALICE, text, null);
    deliver(in);
    return in.messageTs();
  }

  /** Alice runs {@code /poco text} in {@code channel}. */
  void slash(SlackChannel channel, String text) {
    SlackInbound in = SlackInbound.slashCommand(fake, ALICE, channel.id, "/poco", text);
    if (mode == Mode.SOCKET) {
      assertThat(fake.socket().pushAndAwait(in)).as("the slash command acked in time").isNotNull();
    } else {
      assertThat(pusher.deliver(in).last().status()).isEqualTo(200);
    }
  }

  /** Alice clicks the button labelled {@code label} on {@code m}, with {@code form} as the inputs' values. */
  void click(SlackMessage m, String label, Map<String, String> form) {
    String actionId = actionId(m, label);
    assertThat(actionId).as("a button " + label + " on " + m + ": " + visible(m)).isNotNull();
    SlackInbound in = SlackInbound.click(fake, ALICE, m.channel, m.ts, actionId);
    if (form != null) {
      JsonObject values = new JsonObject();
      form.forEach((k, v) -> values.put("in:" + k, new JsonObject().put(k, new JsonObject()
          .put("type", "plain_text_input").put("value", v))));
      in.payload().getJsonObject("state").put("values", values);
    }
    deliver(in);
  }

  void click(SlackMessage m, String label) { click(m, label, null); }

  /** Alice's /poco in {@code channel}: the fresh ephemeral answer. */
  SlackMessage poco(SlackChannel channel) {
    int before = channel.ephemeralsFor(ALICE).size();
    slash(channel, "");
    return await("the /poco answer", () -> channel.ephemeralsFor(ALICE).size() > before
        ? channel.ephemeralsFor(ALICE).get(before) : null);
  }

  /** {@code m} once a reply replaced it with one that has a button {@code label}. */
  SlackMessage once(SlackMessage m, String label) {
    return await("a button " + label + " on " + m, () -> actionId(fake.shown(m.channel, m.ts), label) != null
        ? fake.shown(m.channel, m.ts) : null);
  }

  /** DM /poco → New → the New project modal → a name → Create: the project channel with its workspace message. */
  SlackChannel project(String name) {
    SlackChannel dm = fake.dm(ALICE);
    SlackMessage home = once(poco(dm), "New");
    click(home, "New");
    SlackView form = awaitModal(ALICE, "New project");
    assertThat(fillAndSubmit(form, Map.of("name", name))).as("the modal closes").isEqualTo("clear");
    SlackChannel channel = await("the channel " + name, () -> fake.channelsNamed(name).stream().findFirst()
        .orElse(null));
    await("the workspace message", () -> workspace(channel));
    return channel;
  }

  // ---- modals ----

  /** The newest open modal of {@code user} whose title starts with {@code title}, once Slack shows one. */
  SlackView awaitModal(String user, String title) {
    return await("a modal " + title + " for " + user, () -> openModal(user, title));
  }

  /** The newest open modal of {@code user} whose title starts with {@code title}, or null. */
  SlackView openModal(String user, String title) {
    List<SlackView> open = fake.views().stream().filter(v -> v.userId.equals(user) && !v.closed())
        .filter(v -> modalTitle(v).startsWith(title)).toList();
    return open.isEmpty() ? null : open.get(open.size() - 1);
  }

  static String modalTitle(SlackView v) {
    JsonObject title = v.view().getJsonObject("title");
    return title == null ? "" : title.getString("text", "");
  }

  /**
   * Alice types {@code inputs} (input name → value; a select takes the option's value) into the modal and presses its
   * submit, delivered in this mode; answers the response_action Slack got (in the ack or the HTTP body; "clear"
   * for an empty answer, which closes the modal too).
   */
  String fillAndSubmit(SlackView v, Map<String, String> inputs) {
    SlackInbound in = SlackInbound.viewSubmission(fake, ALICE, v.id, values(v.view(), inputs));
    JsonObject answer;
    if (mode == Mode.SOCKET) {
      SlackSocketLink.Ack ack = fake.socket().pushAndAwait(in);
      assertThat(ack).as("the submission acked in time").isNotNull();
      answer = ack.payload();
    } else {
      SlackPusher.Attempt a = pusher.deliver(in).last();
      assertThat(a.status()).as("the submission answered").isEqualTo(200);
      answer = a.body() == null || a.body().isBlank() ? null : a.json();
    }
    String action = answer == null ? null : answer.getString("response_action");
    return action == null ? "clear" : action;
  }

  /** Alice clicks the button labelled {@code label} inside the open modal, with {@code inputs} typed in it. */
  void clickInModal(SlackView v, String label, Map<String, String> inputs) {
    JsonObject shown = v.view();
    String actionId = actionId(shown.getJsonArray("blocks"), label);
    assertThat(actionId).as("a button " + label + " in the modal " + shown.encodePrettily()).isNotNull();
    deliver(SlackInbound.clickInView(fake, ALICE, v.id, actionId, values(shown, inputs)));
  }

  void clickInModal(SlackView v, String label) { clickInModal(v, label, Map.of()); }

  /** The modal once Slack shows a newer version of it than the {@code seen} ones that has a button {@code label}. */
  SlackView updated(SlackView v, int seen, String label) {
    return await("the modal " + v.id + " updated with " + label, () -> v.history().size() > seen
        && actionId(v.view().getJsonArray("blocks"), label) != null ? v : null);
  }

  /** Everything a modal shows: its title, blocks' texts and button labels, and its submit. */
  static String visible(SlackView v) {
    StringBuilder out = new StringBuilder(modalTitle(v));
    JsonObject view = v.view();
    texts(view.getJsonArray("blocks", new JsonArray()), out);
    if (view.getJsonObject("submit") != null) out.append('\n').append(view.getJsonObject("submit").getString("text"));
    return out.toString();
  }

  /** The state.values Slack sends for {@code inputs} typed into the view's input blocks ({@code in:<name>}). */
  private static JsonObject values(JsonObject view, Map<String, String> inputs) {
    JsonObject values = new JsonObject();
    for (Object b : view.getJsonArray("blocks", new JsonArray())) {
      if (!(b instanceof JsonObject block) || !"input".equals(block.getString("type"))) continue;
      JsonObject el = block.getJsonObject("element", new JsonObject());
      String name = el.getString("action_id");
      if (name == null || !inputs.containsKey(name)) continue;
      String typed = inputs.get(name);
      JsonObject state = new JsonObject().put("type", el.getString("type"));
      if ("static_select".equals(el.getString("type"))) {
        state.put("selected_option", new JsonObject().put("value", typed)
            .put("text", new JsonObject().put("type", "plain_text").put("text", typed)));
      } else {
        state.put("value", typed);
      }
      values.put(block.getString("block_id"), new JsonObject().put(name, state));
    }
    assertThat(values.size()).as("inputs " + inputs.keySet() + " in " + view.encodePrettily())
        .isEqualTo(inputs.size());
    return values;
  }

  // ---- what users see ----

  /** Everything a message shows: its text, its blocks' texts and button labels. */
  static String visible(SlackMessage m) {
    StringBuilder out = new StringBuilder(m.text());
    JsonArray blocks = m.blocks();
    if (blocks != null) texts(blocks, out);
    return out.toString();
  }

  private static void texts(Object node, StringBuilder out) {
    if (node instanceof JsonArray a) {
      a.forEach(x -> texts(x, out));
    } else if (node instanceof JsonObject o) {
      if (o.getValue("text") instanceof String s) out.append('\n').append(s);
      o.forEach(e -> {
        if (!e.getKey().equals("value")) texts(e.getValue(), out);
      });
    }
  }

  /** The action_id of the button labelled {@code label} on {@code m}, or null. */
  static String actionId(SlackMessage m, String label) { return actionId(m.blocks(), label); }

  /** The action_id of the button labelled {@code label} in {@code blocks}, or null. */
  static String actionId(JsonArray blocks, String label) {
    if (blocks == null) return null;
    for (Object b : blocks) {
      if (!(b instanceof JsonObject block) || !"actions".equals(block.getString("type"))) continue;
      for (Object e : block.getJsonArray("elements", new JsonArray())) {
        JsonObject el = (JsonObject) e;
        JsonObject text = el.getJsonObject("text");
        if (text != null && label.equals(text.getString("text"))) return el.getString("action_id");
      }
    }
    return null;
  }

  /** The newest ephemeral message to Alice in {@code channel} with a button {@code label}, or null. */
  static SlackMessage ephemeral(SlackChannel channel, String label) {
    List<SlackMessage> found = channel.ephemeralsFor(ALICE).stream().filter(m -> actionId(m, label) != null).toList();
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  /** The bot's top-level messages with a button {@code label}. */
  static List<SlackMessage> withButton(SlackChannel channel, String label) {
    return channel.messages().stream().filter(SlackMessage::fromBot).filter(m -> actionId(m, label) != null).toList();
  }

  /** The workspace message (the one with Run), or null. */
  static SlackMessage workspace(SlackChannel channel) {
    List<SlackMessage> found = withButton(channel, "Run");
    return found.isEmpty() ? null : found.get(found.size() - 1);
  }

  /** The bot's replies in the thread of {@code promptTs} that are not streams: the task message(s) and notices. */
  static List<SlackMessage> taskMessages(SlackChannel channel, String promptTs) {
    return channel.replies(promptTs).stream().filter(SlackMessage::fromBot).filter(m -> !m.isStream())
        .filter(m -> m.blocks() != null && !m.blocks().isEmpty()).toList();
  }

  /** The task message of the prompt once it shows {@code status} (e.g. ✅), or null. */
  static SlackMessage taskMessage(SlackChannel channel, String promptTs, String status) {
    return taskMessages(channel, promptTs).stream().filter(m -> visible(m).contains(status)).findFirst().orElse(null);
  }

  /** The streamed replies in the thread of {@code promptTs}. */
  static List<SlackMessage> streams(SlackChannel channel, String promptTs) {
    return channel.replies(promptTs).stream().filter(SlackMessage::isStream).toList();
  }

  /** Everything the thread of {@code promptTs} shows of the agent's output: the streams' text and later replies. */
  static String threadText(SlackChannel channel, String promptTs) {
    StringBuilder out = new StringBuilder();
    for (SlackMessage m : channel.replies(promptTs)) {
      if (m.fromBot() && m.blocks() == null || m.isStream()) out.append(m.text());
    }
    return out.toString();
  }

  static String lines(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) b.append("line ").append(i).append('\n');
    return b.toString();
  }

  List<Task> tasks(String prompt) {
    return new StoreClient(system.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await().stream()
        .filter(t -> t.prompt().equals(prompt)).toList();
  }

  List<Task> allTasks() {
    return new StoreClient(system.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await();
  }

  /** The calls of {@code method} on {@code channel}'s message {@code ts}. */
  List<JsonObject> callsOn(String method, String channel, String ts) {
    List<JsonObject> out = new ArrayList<>();
    for (JsonObject c : fake.calls()) {
      if (method.equals(c.getString("method")) && channel.equals(c.getString("channel"))
          && ts.equals(c.getJsonObject("params").getString("ts"))) {
        out.add(c);
      }
    }
    return out;
  }

  <T> T await(String what, Supplier<T> probe) {
    long end = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < end) {
      T v = probe.get();
      if (v != null) return v;
      sleep(100);
    }
    return fail("no " + what + " within 30 s; what Slack shows:\n" + fake.dump() + "\ncalls: " + fake.calls().stream().map(c -> c.getString("method") + " " + c.getInteger("status") + " " + c.getString("error", "")).toList());
  }

  /** Long enough for a wrongly accepted event to have shown (the stub answers in milliseconds). */
  static void settle() { sleep(2_000); }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Every log line of the run (dev.poco at DEBUG, and the root), to check that no secret reaches one. */
  static final class Logs {
    private final ListAppender<ILoggingEvent> seen = new ListAppender<>();
    { seen.list = new java.util.concurrent.CopyOnWriteArrayList<>(); } // appended on other threads, read on this one
    private final Logger poco;
    private final Logger root;
    private final Level before;

    private Logs() {
      LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
      poco = ctx.getLogger("dev.poco");
      root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
      before = poco.getLevel();
    }

    static Logs capture() {
      Logs l = new Logs();
      l.seen.start();
      l.poco.setLevel(Level.DEBUG);
      l.poco.addAppender(l.seen);
      l.root.addAppender(l.seen);
      return l;
    }

    void stop() {
      poco.detachAppender(seen);
      root.detachAppender(seen);
      poco.setLevel(before);
    }

    void assertNone(List<String> secrets) {
      assertThat(seen.list).isNotEmpty();
      for (ILoggingEvent e : List.copyOf(seen.list)) {
        String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
            : ThrowableProxyUtil.asString(e.getThrowableProxy()));
        for (String s : secrets) assertThat(line).as(e.getLoggerName() + " logs a secret").doesNotContain(s);
      }
    }
  }

  @Override
  public void close() {
    System.out.println("what Slack shows at the end (" + mode + "):\n" + fake.dump());
    if (pusher != null) pusher.close();
    system.close();
    fake.close();
    platform.close().await();
  }
}
