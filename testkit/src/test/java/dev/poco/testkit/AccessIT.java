package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.AccessEntry;
import dev.poco.contract.Addresses;
import dev.poco.contract.ConfigKeys;
import dev.poco.contract.Platforms;
import dev.poco.orchestrator.StoreClient;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("No one gets in: pairing, intents bound to their chat and action, project names, the allow-list")
class AccessIT {
  static final String TOKEN = "access-it-token-7f3c21d9";

  /**
   * Trust off: the HTTP edge speaks only for the token's user {@code tokenUser} (allow-list key demo:tokenUser);
   * every other user arrives through a {@link BusGateway}, as a verified platform gateway delivers them.
   */
  private static Map<String, String> untrusted(String tokenUser, String... more) {
    Map<String, String> config = new HashMap<>(Map.of(ConfigKeys.DEMO_TRUST_LOCAL, "false",
        ConfigKeys.HTTP_TOKEN, TOKEN, ConfigKeys.HTTP_TOKEN_USER, tokenUser));
    for (int i = 0; i < more.length; i += 2) config.put(more[i], more[i + 1]);
    return config;
  }

  @TempDir Path home;

  private static String body(Http.Result r) { return r.json().getJsonObject("view").getString("body"); }

  private static String body(JsonObject reply) { return reply.getJsonObject("view").getString("body"); }

  private String code() throws Exception {
    return Files.readString(home.resolve("pairing-code")).strip();
  }

  @Test
  @DisplayName("50 wrong codes from one user, then from 10 users, lock them out; the owner's code still works")
  void bruteForce() throws Exception {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, untrusted("mallory")); Http mallory = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(mallory);
      BusGateway gateway = new BusGateway(poco.vertx, Platforms.DEMO);
      String code = code();
      assertThat(code).matches("[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}");
      String wrong = code.equals("2222-2222-2222") ? "3333-3333-3333" : "2222-2222-2222";

      List<Integer> statuses = new ArrayList<>();
      for (int i = 0; i < 50; i++) statuses.add(demo.command("c-brute", "/pair " + wrong).status());
      assertThat(statuses.subList(0, 4)).containsOnly(403);
      assertThat(statuses.subList(4, 50)).as("locked out after five").containsOnly(429);
      Http.Result locked = demo.command("c-brute", "/pair " + code);
      assertThat(locked.status()).as("a locked user's right code is not even tried").isEqualTo(429);
      assertThat(locked.str("error")).contains("Try again in");
      assertThat(locked.json().getBoolean("ok")).isFalse();

      List<Future<JsonObject>> many = new ArrayList<>();
      for (int u = 0; u < 10; u++) {
        for (int i = 0; i < 5; i++) many.add(gateway.messageAsync("c-brute", "bot" + u, "/pair " + wrong));
      }
      Future.all(many).await();
      assertThat(many).allSatisfy(f -> assertThat(BusGateway.refused(f.result())).as(f.result().encode())
          .isIn(403, 429));
      assertThat(mallory.get("/tasks").json().getJsonArray("tasks")).isEmpty();
      assertThat(code()).as("misses never replace the owner's code").isEqualTo(code);

      JsonObject owner = gateway.message("c-brute", "alice", "/pair " + code.toLowerCase().replace("-", " "));
      assertThat(BusGateway.refused(owner)).as(owner.encode()).isZero();
      assertThat(body(owner)).contains("owner");
      assertThat(home.resolve("pairing-code")).doesNotExist();
      String mine = gateway.message("c-brute", "alice", "Reply with exactly: MINE").getString("task_id");
      assertThat(mine).as("the new owner runs tasks").isNotNull();
      assertThat(demo.awaitDone(mine, 10).getString("result")).isEqualTo("MINE");
      assertThat(demo.command("c-brute", "/run hello").status()).isEqualTo(403);
    }
  }

  @Test
  @DisplayName("20 concurrent /pair with the right code make exactly one owner")
  void oneOwner() throws Exception {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, untrusted("observer")); Http http = poco.http.withToken(TOKEN)) {
      BusGateway gateway = new BusGateway(poco.vertx, Platforms.DEMO);
      String code = code();
      List<Future<JsonObject>> all = new ArrayList<>();
      for (int u = 0; u < 20; u++) all.add(gateway.messageAsync("c-race", "racer" + u, "/pair " + code));
      Future.all(all).await();
      long paired = all.stream().filter(f -> BusGateway.refused(f.result()) == 0).count();
      assertThat(paired).isEqualTo(1);
      assertThat(all).allSatisfy(f -> assertThat(BusGateway.refused(f.result())).as(f.result().encode())
          .isIn(0, 403, 409));
      List<AccessEntry> stored = new StoreClient(poco.vertx.eventBus()).accessList().await();
      assertThat(stored).hasSize(1);
      assertThat(stored.get(0).role()).isEqualTo("owner");
      assertThat(stored.get(0).key()).startsWith("demo:racer");
      JsonObject access = http.get("/health").json().getJsonObject("access");
      if (access != null) assertThat(access.getInteger("allowed_users")).isEqualTo(1);
    }
  }

  @Test
  @DisplayName("an expired code is replaced by a new one in the file; the old one no longer pairs")
  void expiry() throws Exception {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, untrusted("alice", ConfigKeys.PAIRING_CODE_TTL, "3"));
        Http alice = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(alice);
      String first = code();
      String second = first;
      long end = System.currentTimeMillis() + 10_000;
      while ((second.isEmpty() || second.equals(first)) && System.currentTimeMillis() < end) {
        Thread.sleep(50);
        second = code();
      }
      assertThat(second).isNotEqualTo(first).matches("[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}");
      assertThat(demo.command("c-exp", "/pair " + first).status()).isEqualTo(403);
      Http.Result ok = demo.command("c-exp", "/pair " + second);
      assertThat(ok.status()).as(ok.raw()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("a request_id replayed on another task is refused and does nothing; the task's own id then works")
  void replayedRequestId() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      Demo demo = new Demo(poco.http);
      String a = demo.run("c-rep-a", "/run confirm: Reply with exactly: A");
      String b = demo.run("c-rep-b", "/run confirm: Reply with exactly: B");
      demo.awaitStatus(a, "waiting_confirmation", 5_000);
      demo.awaitStatus(b, "waiting_confirmation", 5_000);
      JsonObject onA = new JsonObject().put("task_id", a).put("request_id", "req-shared");
      assertThat(demo.cardAction("group", "c-rep-a", "task.approve", onA, null).status()).isEqualTo(200);
      assertThat(demo.awaitDone(a, 10).getString("result")).isEqualTo("A");
      Http.Result again = demo.cardAction("group", "c-rep-a", "task.approve", onA, null);
      assertThat(again.status()).as("a platform's retry of the same click gets the first answer").isEqualTo(200);
      assertThat(again.str("toast")).isEqualTo("Approved");

      Http.Result replay = demo.cardAction("group", "c-rep-b", "task.approve",
          new JsonObject().put("task_id", b).put("request_id", "req-shared"), null);
      assertThat(replay.status()).isEqualTo(409);
      assertThat(replay.json().getBoolean("ok")).isFalse();
      assertThat(replay.str("error")).contains("req-shared").contains("another action");
      assertThat(demo.task(b).getString("status")).isEqualTo("waiting_confirmation");

      Http.Result own = demo.cardAction("group", "c-rep-b", "task.approve", new JsonObject().put("task_id", b), null);
      assertThat(own.status()).isEqualTo(200);
      assertThat(demo.awaitDone(b, 10).getString("result")).isEqualTo("B");
    }
  }

  @Test
  @DisplayName("/approve, /reject, /status, ?chat_id= and card clicks from another chat find no task; the DM reaches it")
  void otherChat() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      Demo demo = new Demo(poco.http);
      String t = demo.run("c-mine", "/run confirm: Reply with exactly: MINE");
      demo.awaitStatus(t, "waiting_confirmation", 5_000);
      demo.awaitDone(demo.run("c-theirs", "Reply with exactly: THEIRS"), 10);

      for (String cmd : List.of("/approve ", "/reject ", "/status ")) {
        Http.Result r = demo.command("c-theirs", cmd + t);
        assertThat(r.status()).as(cmd).isEqualTo(404);
        assertThat(r.str("error")).contains("not found in this project");
      }
      assertThat(demo.command("c-unbound", "/approve " + t).status()).isEqualTo(404);
      assertThat(poco.http.post("/demo/tasks/" + t + "/approve?chat_id=c-theirs", new JsonObject()).status())
          .isEqualTo(404);
      assertThat(poco.http.post("/demo/tasks/" + t + "/reject?chat_id=c-theirs", new JsonObject()).status())
          .isEqualTo(404);
      assertThat(demo.cardAction("group", "c-theirs", "task.approve", new JsonObject().put("task_id", t), null)
          .status()).isEqualTo(404);
      assertThat(demo.task(t).getString("status")).as("nothing happened").isEqualTo("waiting_confirmation");

      assertThat(poco.http.post("/demo/tasks/" + t + "/approve?chat_id=c-mine", new JsonObject()).status())
          .isEqualTo(200);
      assertThat(demo.awaitDone(t, 10).getString("result")).isEqualTo("MINE");
      String u = demo.run("c-mine", "/run confirm: Reply with exactly: FROM_DM");
      demo.awaitStatus(u, "waiting_confirmation", 5_000);
      assertThat(demo.approve(u).status()).as("the owner's DM reaches every project").isEqualTo(200);
      assertThat(demo.awaitDone(u, 10).getString("result")).isEqualTo("FROM_DM");
    }
  }

  @Test
  @DisplayName("50 concurrent first messages to a new chat: all accepted, one project")
  void burstToNewChat() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      List<Future<Http.Result>> all = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        all.add(poco.http.postAsync("/demo/command",
            new JsonObject().put("chat_id", "c-burst").put("text", "Reply with exactly: N" + i)));
      }
      Future.all(all).await();
      Set<String> projects = new HashSet<>();
      Demo demo = new Demo(poco.http);
      for (Future<Http.Result> f : all) {
        assertThat(f.result().status()).as(f.result().raw()).isEqualTo(200);
        projects.add(demo.task(f.result().str("task_id")).getString("project_id"));
      }
      assertThat(projects).hasSize(1);
      String manage = body(demo.cardAction("dm", null, "project.manage", null, null));
      assertThat(manage.split("c\\\\-burst|c-burst", -1)).hasSize(2);
    }
  }

  @Test
  @DisplayName("project names: one rule on every path (length, Unicode form, case, types) and escaped in Markdown")
  void names() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, Map.of())) {
      Demo demo = new Demo(poco.http);
      String nfc = Normalizer.normalize("Café", Normalizer.Form.NFC);
      String nfd = Normalizer.normalize("Café", Normalizer.Form.NFD);
      assertThat(create(demo, nfc).status()).isEqualTo(200);
      Http.Result dup = create(demo, nfd);
      assertThat(dup.status()).isEqualTo(409);
      assertThat(dup.str("error")).contains("already exists");
      assertThat(create(demo, "CAFÉ").status()).isEqualTo(409);

      assertThat(demo.command("chat-" + nfc, "Reply with exactly: X").status()).isEqualTo(200);
      Http.Result dupChat = demo.command("chat-" + nfd, "Reply with exactly: Y");
      assertThat(dupChat.status()).isEqualTo(409);

      String huge = "n".repeat(1_000_000);
      Http.Result hugeName = create(demo, huge);
      assertThat(hugeName.status()).isEqualTo(400);
      assertThat(hugeName.str("error")).contains("longer than 64");
      Http.Result hugeChat = demo.command(huge, "Reply with exactly: Z");
      assertThat(hugeChat.status()).isEqualTo(400);
      assertThat(hugeChat.raw().length()).isLessThan(1_000);

      for (Object wrong : List.of(42, new JsonArray().add("a"), new JsonObject().put("x", 1))) {
        Http.Result r = demo.cardAction("dm", null, "project.create", null,
            new JsonObject().put("name", wrong).put("backend", "stub"));
        assertThat(r.status()).as(String.valueOf(wrong)).isEqualTo(400);
        assertThat(r.str("error")).contains("'name'").contains("must be text");
      }

      assertThat(create(demo, "[x](http://evil)").status()).isEqualTo(200);
      String manage = body(demo.cardAction("dm", null, "project.manage", null, null));
      assertThat(manage).contains("\\[x\\]\\(http://evil\\)").doesNotContain("[x](http://evil)");
      assertThat(manage.split("\n")).hasSize(3); // Café, its demo chat's project, the link name: nothing else
    }
  }

  private static Http.Result create(Demo demo, String name) {
    return demo.cardAction("dm", null, "project.create", null, new JsonObject().put("name", name).put("backend", "stub"));
  }

  @Test
  @DisplayName("an allow-list change published on poco.config.changed applies without a restart; a bad one is ignored")
  void allowListReload() {
    try (EmbeddedPoco poco = EmbeddedPoco.start(home, untrusted("dave", ConfigKeys.ALLOWED_USERS, "demo:carol"));
        Http dave = poco.http.withToken(TOKEN)) {
      Demo demo = new Demo(dave);
      BusGateway gateway = new BusGateway(poco.vertx, Platforms.DEMO);
      assertThat(demo.command("c-reload", "/run Reply with exactly: D").status()).isEqualTo(403);

      publish(poco, dave, "demo:carol, demo:dave");
      assertThat(demo.awaitDone(demo.run("c-reload", "Reply with exactly: D"), 10).getString("result"))
          .isEqualTo("D");

      publish(poco, dave, "demo:carol, dave-without-platform");
      assertThat(demo.command("c-reload", "/run Reply with exactly: STILL").status())
          .as("a malformed list keeps the old one").isEqualTo(200);

      publish(poco, dave, "demo:carol");
      assertThat(demo.command("c-reload", "/run Reply with exactly: GONE").status()).isEqualTo(403);
      JsonObject carol = gateway.message("c-reload", "carol", "/run Reply with exactly: C");
      assertThat(BusGateway.refused(carol)).as(carol.encode()).isZero();
      assertThat(demo.awaitDone(carol.getString("task_id"), 10).getString("result")).isEqualTo("C");
    }
  }

  /** As the launcher does when the config file changes: a local publish, then one round trip so it has been handled. */
  private static void publish(EmbeddedPoco poco, Http http, String allowed) {
    poco.vertx.eventBus().publish(Addresses.CONFIG_CHANGED, new JsonObject().put(ConfigKeys.ALLOWED_USERS, allowed));
    http.get("/health");
  }
}
