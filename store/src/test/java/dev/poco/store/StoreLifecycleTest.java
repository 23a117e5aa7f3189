package dev.poco.store;

import static dev.poco.store.Fixtures.project;
import static dev.poco.store.Fixtures.task;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.AgentSession;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.DirPreset;
import dev.poco.contract.Project;
import dev.poco.contract.Task;
import dev.poco.contract.TaskQuery;
import dev.poco.contract.TaskStatus;
import dev.poco.runtime.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Store: file, schema and backends")
class StoreLifecycleTest {
  @TempDir Path dir;

  @Test
  @DisplayName("everything written survives an undeploy and a new deploy on the same file")
  void survivesRedeploy(Vertx vertx) {
    Path db = dir.resolve("nested/state/poco.db");
    String id = Fixtures.deploy(vertx, Fixtures.config(db));
    StoreTestClient store = new StoreTestClient(vertx.eventBus());
    Project created = store.createProject(project("p1", "feishu", "oc_1")).await();
    store.saveSession(new AgentSession("p1", "codex", "th-1", "/work", "r1", 5)).await();
    store.savePreset(new DirPreset("p1", "src", "/work/src")).await();
    store.touchRecentDir("p1", "/work/src").await();
    Task t = task("t1", "p1", TaskStatus.COMPLETED, 77);
    store.saveTask(t).await();
    store.addAccess(new AccessEntry("feishu", "ou_1", "owner", 9)).await();
    store.markEvent("evt-1").await();
    Project before = store.project("p1").await();
    vertx.undeploy(id).await();

    Fixtures.deploy(vertx, Fixtures.config(db));
    assertThat(store.project("p1").await()).isEqualTo(before);
    assertThat(before.createdAt()).isEqualTo(created.createdAt());
    assertThat(before.sessions()).hasSize(1);
    assertThat(before.recentDirs()).containsExactly("/work/src");
    assertThat(store.task("t1").await()).isEqualTo(t);
    assertThat(store.accessList().await()).containsExactly(new AccessEntry("feishu", "ou_1", "owner", 9));
    assertThat(store.markEvent("evt-1").await()).isFalse();
  }

  @Test
  @DisplayName("the database, its WAL, SHM and lock files are rw------- and a folder the store makes is rwx------")
  void ownerOnlyFiles(Vertx vertx) throws Exception {
    Path db = dir.resolve("outside-home/state/poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    new StoreTestClient(vertx.eventBus()).createProject(project("p1", "feishu", "oc_1")).await();

    for (String suffix : List.of("", "-wal", "-shm", ".lock")) {
      Path f = Path.of(db + suffix);
      assertThat(f).exists();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
          .isEqualTo("rw-------");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db.getParent().getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  @DisplayName("a database left world-readable by an older version is tightened on start")
  void tightensExisting(Vertx vertx) throws Exception {
    Path db = dir.resolve("old.db");
    Files.createFile(db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));
    Fixtures.deploy(vertx, Fixtures.config(db));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(db))).isEqualTo("rw-------");
  }

  @Test
  @DisplayName("a relative POCO_STATE_DB_PATH lies under POCO_HOME, not the working directory")
  void relativePath(Vertx vertx) {
    JsonObject config = new JsonObject().put(ConfigKeys.HOME, dir.toString()).put(ConfigKeys.STATE_DB_PATH, "data/x.db");
    Fixtures.deploy(vertx, config);
    assertThat(new StoreTestClient(vertx.eventBus()).info().await().getString("path"))
        .isEqualTo(dir.resolve("data/x.db").toString());
    assertThat(dir.resolve("data/x.db")).exists();
  }

  @Test
  @DisplayName("the file runs in WAL mode and every store connection enforces foreign keys")
  void pragmas(Vertx vertx) throws Exception {
    Path db = dir.resolve("poco.db");
    Fixtures.deploy(vertx, Fixtures.config(db));
    JsonObject info = new StoreTestClient(vertx.eventBus()).info().await();

    assertThat(info.getString("backend")).isEqualTo("sqlite");
    assertThat(info.getString("path")).isEqualTo(db.toString());
    assertThat(info.getInteger("schema_version")).isEqualTo(Migrations.latest());
    assertThat(info.getString("journal_mode")).isEqualTo("wal");
    assertThat(info.getBoolean("foreign_keys")).isTrue();
    assertThat(Fixtures.pragma(db, "journal_mode")).isEqualTo("wal");
    assertThat(Fixtures.pragma(db, "user_version")).isEqualTo(String.valueOf(Migrations.latest()));
  }

  @Test
  @DisplayName("a version 1 database is migrated at start and keeps its rows")
  void migratesVersion1(Vertx vertx) throws Exception {
    Path db = dir.resolve("old.db");
    List<String> v1 = new ArrayList<>(Migrations.V1);
    v1.add("PRAGMA user_version = 1");
    v1.add("INSERT INTO projects VALUES ('p1', 'Old', 'feishu', 'ou_1', NULL, 1000, 1000)");
    v1.add("INSERT INTO workspaces VALUES ('p1', '/old', 'manual', 'codex', '{\"model\":\"o3\"}')");
    v1.add("INSERT INTO chat_bindings VALUES ('feishu', 'oc_1', 'p1', 'om_1')");
    v1.add("INSERT INTO tasks (task_id, project_id, prompt, status, created_at, updated_at)"
        + " VALUES ('t1', 'p1', 'hi', 'completed', 2000, 2000)");
    Fixtures.exec(db, v1.toArray(String[]::new));

    Fixtures.deploy(vertx, Fixtures.config(db));
    StoreTestClient store = new StoreTestClient(vertx.eventBus());

    assertThat(store.info().await().getInteger("schema_version")).isEqualTo(Migrations.latest());
    Project p = store.projectByChat("feishu", "oc_1").await();
    assertThat(p.name()).isEqualTo("Old");
    assertThat(p.workspace().settings().getString("model")).isEqualTo("o3");
    assertThat(store.task("t1").await().status()).isEqualTo(TaskStatus.COMPLETED);
    for (int i = 0; i < 11; i++) store.touchRecentDir("p1", "/d" + i).await();
    store.savePreset(new DirPreset("p1", "src", "/old/src")).await();
    p = store.project("p1").await();
    assertThat(p.recentDirs()).hasSize(10).startsWith("/d10");
    assertThat(p.presets()).hasSize(1);
  }

  @Test
  @DisplayName("a database from a newer PoCo refuses to start with a clear message and is left alone")
  void refusesNewerSchema(Vertx vertx) throws Exception {
    Path db = dir.resolve("future.db");
    Fixtures.exec(db, "CREATE TABLE t (x)", "PRAGMA user_version = 99");

    Future<String> deploy = vertx.deployVerticle(new StoreVerticle(),
        new DeploymentOptions().setConfig(Fixtures.config(db)));

    assertThat(Fixtures.message(deploy)).contains("schema version 99")
        .contains("newer than this PoCo supports (" + Migrations.latest() + ")").contains(db.toString());
    assertThat(Fixtures.pragma(db, "user_version")).isEqualTo("99");
  }

  @Test
  @DisplayName("the memory backend serves the same operations and leaves no file behind")
  void memoryBackend(Vertx vertx) throws Exception {
    Path db = dir.resolve("poco.db");
    JsonObject config = Fixtures.config(db).put(ConfigKeys.STATE_BACKEND, "memory");
    String id = Fixtures.deploy(vertx, config);
    StoreTestClient store = new StoreTestClient(vertx.eventBus());

    assertThat(store.info().await().getString("backend")).isEqualTo("memory");
    store.createProject(project("p1", "feishu", "oc_1")).await();
    List<Future<Void>> saves = new ArrayList<>();
    for (int i = 0; i < 200; i++) saves.add(store.saveTask(task("t" + i, "p1", TaskStatus.QUEUED, 1 + i)));
    Future.all(saves).await();
    assertThat(store.tasks(new TaskQuery("p1", null, 1000)).await()).hasSize(200);
    assertThat(store.deleteProject("p1").await()).isTrue();
    assertThat(store.tasks(new TaskQuery(null, null, 1000)).await()).as("cascade").isEmpty();
    vertx.undeploy(id).await();

    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
    try (Stream<Path> files = Files.list(Path.of("").toAbsolutePath())) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.startsWith("poco-"));
    }

    Fixtures.deploy(vertx, config);
    assertThat(store.projects().await()).as("nothing persists").isEmpty();
  }

  @Test
  @DisplayName("an unknown backend fails the deployment and names the setting")
  void unknownBackend(Vertx vertx) {
    JsonObject config = Fixtures.config(dir.resolve("poco.db")).put(ConfigKeys.STATE_BACKEND, "postgres");
    Future<String> deploy = vertx.deployVerticle(new StoreVerticle(), new DeploymentOptions().setConfig(config));
    assertThat(Fixtures.message(deploy)).contains(ConfigKeys.STATE_BACKEND).contains("postgres");
  }

  @Test
  @DisplayName("the database path expands a leading ~ and defaults under POCO_HOME")
  void paths() {
    String home = System.getProperty("user.home");
    assertThat(StoreConfig.from(new Settings(new JsonObject().put(ConfigKeys.STATE_DB_PATH, "~/x/poco.db"))).path())
        .isEqualTo(Path.of(home, "x", "poco.db").toString());
    assertThat(StoreConfig.from(new Settings(new JsonObject())).path())
        .isEqualTo(Path.of(home, ".poco", "poco.db").toString());
    assertThat(StoreConfig.from(new Settings(new JsonObject().put(ConfigKeys.HOME, dir.toString()))).path())
        .isEqualTo(dir.resolve("poco.db").toString());
  }
}
