package dev.poco.store;

import static dev.poco.store.Fixtures.code;
import static dev.poco.store.Fixtures.count;
import static dev.poco.store.Fixtures.project;
import static dev.poco.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.AgentSession;
import dev.poco.contract.Bus;
import dev.poco.contract.ChatBinding;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Project;
import dev.poco.contract.StoreOp;
import dev.poco.contract.TaskStatus;
import dev.poco.contract.Workspace;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Store: projects and what they own")
class ProjectStoreTest {
  @TempDir Path dir;
  Path db;
  StoreTestClient store;

  @BeforeEach
  void deploy(Vertx vertx) {
    db = dir.resolve("poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    store = new StoreTestClient(vertx.eventBus());
  }

  @Test
  @DisplayName("a created project reads back whole by id, by its chat and in the list, oldest first")
  void createAndRead() {
    Project created = store.createProject(project("p1", "feishu", "oc_1")).await();
    store.createProject(project("p2", "slack", "C2")).await();

    assertThat(created.createdAt()).isPositive();
    assertThat(created.updatedAt()).isEqualTo(created.createdAt());
    assertThat(created.workspace()).isEqualTo(
        new Workspace("p1", "/work/p1", "manual", "codex", new JsonObject().put("model", "gpt-5")));
    assertThat(created.bindings()).containsExactly(new ChatBinding("feishu", "oc_1", "p1", null));

    assertThat(store.project("p1").await()).isEqualTo(created);
    assertThat(store.projectByChat("feishu", "oc_1").await()).isEqualTo(created);
    assertThat(store.projects().await()).extracting(Project::projectId).containsExactly("p1", "p2");
  }

  @Test
  @DisplayName("deleting a project removes its workspace, bindings, sessions, presets, recent dirs and tasks")
  void deleteCascades() throws Exception {
    for (String id : List.of("p1", "p2")) {
      store.createProject(project(id, "feishu", "oc_" + id)).await();
      store.saveSession(new AgentSession(id, "codex", "thread-" + id, "/work", "r1", 0)).await();
      store.savePreset(new DirPreset(id, "src", "/work/src")).await();
      store.touchRecentDir(id, "/work/a").await();
      store.saveTask(task("t-" + id, id, TaskStatus.COMPLETED, 1_000)).await();
    }

    assertThat(store.deleteProject("p1").await()).isTrue();
    assertThat(store.deleteProject("p1").await()).isFalse();

    assertThat(code(store.project("p1"))).isEqualTo(404);
    assertThat(code(store.projectByChat("feishu", "oc_p1"))).isEqualTo(404);
    assertThat(code(store.task("t-p1"))).isEqualTo(404);
    for (String table : List.of("projects", "workspaces", "chat_bindings", "sessions", "dir_presets", "recent_dirs",
        "tasks")) {
      assertThat(count(db, "SELECT count(*) FROM " + table + " WHERE project_id = 'p1'")).as(table).isZero();
      assertThat(count(db, "SELECT count(*) FROM " + table + " WHERE project_id = 'p2'")).as(table).isOne();
    }
  }

  @Test
  @DisplayName("binding a chat that another project holds fails with 409 and writes nothing")
  void chatBoundTwice() throws Exception {
    store.createProject(project("p1", "feishu", "oc_1")).await();
    Project second = project("p2", "feishu", "oc_1")
        .withBindings(List.of(new ChatBinding("slack", "C9", "p2", null),
            new ChatBinding("feishu", "oc_1", "p2", null)));

    assertThat(code(store.createProject(second))).isEqualTo(409);
    assertThat(Fixtures.message(store.createProject(second))).contains("oc_1").contains("p1");

    assertThat(code(store.project("p2"))).isEqualTo(404);
    assertThat(code(store.projectByChat("slack", "C9"))).isEqualTo(404);
    assertThat(store.projectByChat("feishu", "oc_1").await().projectId()).isEqualTo("p1");
    assertThat(count(db, "SELECT count(*) FROM workspaces WHERE project_id = 'p2'")).isZero();
    assertThat(code(store.createProject(project("p1", "slack", "C1")))).as("same id twice").isEqualTo(409);
  }

  @Test
  @DisplayName("unknown projects answer 404, and a body missing a field answers 400 naming the field")
  void notFoundAndBadRequests(Vertx vertx) {
    assertThat(code(store.project("nope"))).isEqualTo(404);
    assertThat(code(store.projectByChat("feishu", "nope"))).isEqualTo(404);
    assertThat(code(store.pinProject("nope", "r1"))).isEqualTo(404);
    assertThat(code(store.saveWorkspace(new Workspace("nope", "/w", "manual", "codex", null)))).isEqualTo(404);

    var bus = vertx.eventBus();
    assertThat(Fixtures.message(Bus.request(bus, StoreOp.PROJECT_GET.address(), new JsonObject())))
        .contains("project_id");
    assertThat(code(Bus.request(bus, StoreOp.PROJECT_CREATE.address(), new JsonObject()))).isEqualTo(400);
    assertThat(Fixtures.message(Bus.request(bus, StoreOp.PROJECT_CREATE.address(), new JsonObject())))
        .contains("project");
    assertThat(Fixtures.message(Bus.request(bus, StoreOp.BINDING_SAVE.address(),
        new JsonObject().put("binding", new JsonObject().put("platform", "feishu").put("chat_id", "c")))))
        .contains("project_id");
    assertThat(code(bus.request(StoreOp.TASK_GET.address(), "not json"))).isEqualTo(400);
    assertThat(store.projects().await()).as("the store still serves").isEmpty();
  }

  @Test
  @DisplayName("workspace, binding, session and preset saves update the project; deletes remove them")
  void parts() {
    store.createProject(project("p1", "feishu", "oc_1")).await();
    store.saveWorkspace(new Workspace("p1", "/work/other", "preset", "claude_code", new JsonObject())).await();
    store.saveBinding(new ChatBinding("feishu", "oc_1", "p1", "om_card")).await();
    store.saveBinding(new ChatBinding("slack", "C1", "p1", null)).await();
    store.saveSession(new AgentSession("p1", "codex", "th-1", "/work", "r1", 0)).await();
    store.saveSession(new AgentSession("p1", "codex", "th-2", "/work", "r1", 0)).await();
    store.saveSession(new AgentSession("p1", "claude_code", "cs-1", "/work", "r2", 0)).await();
    store.savePreset(new DirPreset("p1", "api", "/work/api")).await();
    store.savePreset(new DirPreset("p1", "web", "/work/web")).await();
    store.savePreset(new DirPreset("p1", "API", "/work/api")).await();

    Project p = store.project("p1").await();
    assertThat(p.workspace().workdir()).isEqualTo("/work/other");
    assertThat(p.workspace().backend()).isEqualTo("claude_code");
    assertThat(p.binding("feishu").workspaceMessageId()).isEqualTo("om_card");
    assertThat(p.binding("slack").chatId()).isEqualTo("C1");
    assertThat(p.session("codex").sessionId()).isEqualTo("th-2");
    assertThat(p.session("codex").updatedAt()).isPositive();
    assertThat(p.sessions()).hasSize(2);
    assertThat(p.presets()).containsExactly(new DirPreset("p1", "API", "/work/api"),
        new DirPreset("p1", "web", "/work/web"));

    store.deleteSession("p1", "codex").await();
    store.deletePreset("p1", "/work/web").await();
    p = store.project("p1").await();
    assertThat(p.session("codex")).isNull();
    assertThat(p.presets()).extracting(DirPreset::path).containsExactly("/work/api");
    assertThat(store.projectByChat("slack", "C1").await().projectId()).isEqualTo("p1");
  }

  @Test
  @DisplayName("recent dirs keep the 10 most recently touched, newest first")
  void recentDirs() throws Exception {
    store.createProject(project("p1", "feishu", "oc_1")).await();
    for (int i = 0; i < 12; i++) store.touchRecentDir("p1", "/d" + i).await();
    store.touchRecentDir("p1", "/d5").await();

    List<String> recent = store.project("p1").await().recentDirs();
    assertThat(recent).containsExactly("/d5", "/d11", "/d10", "/d9", "/d8", "/d7", "/d6", "/d4", "/d3", "/d2");
    assertThat(count(db, "SELECT count(*) FROM recent_dirs")).isEqualTo(10);
  }

  @Test
  @DisplayName("pinning sets the project's runner and pinning to null clears it")
  void pin() {
    store.createProject(project("p1", "feishu", "oc_1")).await();
    store.pinProject("p1", "runner-a").await();
    assertThat(store.project("p1").await().runnerId()).isEqualTo("runner-a");
    store.pinProject("p1", null).await();
    assertThat(store.project("p1").await().runnerId()).isNull();
  }
}
