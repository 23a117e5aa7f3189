package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.Addresses;
import dev.poco.contract.Bus;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.orchestrator.StoreClient;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PoCo embedded with the stub agent and a {@link RecordingGateway} for Feishu in front of it; one allowed user,
 * ALICE. The gateway outlives a PoCo restart (as the platform does): {@link #restartPoco} starts PoCo again on the
 * same home and a new gateway instance on it.
 */
final class GatewayScenario implements AutoCloseable {
  static final String PLATFORM = "feishu";
  static final String ALICE = "ou_alice";
  static final String MALLORY = "ou_mallory";

  final Path home;
  final Map<String, String> config;
  final RecordingGateway gw = new RecordingGateway(PLATFORM);
  EmbeddedPoco poco;

  private GatewayScenario(Path home, Map<String, String> config) {
    this.home = home;
    this.config = config;
  }

  static GatewayScenario start(Path home, String... extra) {
    Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.ALLOWED_USERS, PLATFORM + ":" + ALICE));
    for (int i = 0; i < extra.length; i += 2) config.put(extra[i], extra[i + 1]);
    GatewayScenario s = new GatewayScenario(home, config);
    s.poco = EmbeddedPoco.start(home, config);
    s.gw.start(s.poco.vertx);
    return s;
  }

  /** PoCo stops and starts again on the same home (its SQLite file); the platform keeps its chats. */
  void restartPoco() {
    gw.stop();
    poco.close();
    poco = EmbeddedPoco.start(home, config);
    gw.start(poco.vertx);
  }

  /**
   * Alice creates a project as a user does: "hi" in her DM, New, the form submitted with the name. Returns the new
   * project's group chat id.
   */
  String newProject(String name) {
    RecordingGateway.Interaction home = gw.dm(ALICE, "hi");
    assertThat(home.shown()).as("the DM home is shown: %s", home.reply()).isNotNull();
    RecordingGateway.Interaction form = gw.click(home.shown().messageId(), ALICE, "New", null);
    assertThat(form.shown()).as("the new-project form is shown: %s", form.reply()).isNotNull();
    RecordingGateway.Interaction created = gw.click(form.shown().messageId(), ALICE, "Create Project + Group",
        new JsonObject().put("name", name));
    assertThat(created.refused()).as(created.reply().encode()).isZero();
    return chatOf(name);
  }

  /** The group chat the gateway made for the project named {@code name}. */
  String chatOf(String name) {
    return gw.projectChats().stream().filter(c -> c.name().equals(name)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no chat named " + name + "\n" + gw.describe())).chatId();
  }

  /** Alice sends a prompt in the chat; returns the task id the Reply names. */
  String prompt(String chatId, String text) {
    RecordingGateway.Interaction i = gw.say(chatId, ALICE, text);
    assertThat(i.taskId()).as("a task from '%s': %s", text, i.reply()).isNotBlank();
    return i.taskId();
  }

  List<Project> projects() { return new StoreClient(poco.vertx.eventBus()).projects().await(); }

  List<Task> tasks() {
    return new StoreClient(poco.vertx.eventBus()).tasks(new TaskQuery(null, List.of(), 1000)).await();
  }

  /** Waits (over the bus, as the orchestrator's own API) until the task ended; returns its status. */
  String awaitEnded(String taskId, int seconds) {
    JsonObject t = Bus.request(poco.vertx.eventBus(), Addresses.ORCHESTRATOR_TASK_AWAIT,
        new JsonObject().put("task_id", taskId).put("timeout_ms", seconds * 1000L), seconds * 1000L + 5_000).await();
    return t.getString("status");
  }


  Set<String> sentIntents() { return gw.sentIntents(); }

  @Override
  public void close() {
    gw.stop();
    if (poco != null) poco.close();
  }
}
