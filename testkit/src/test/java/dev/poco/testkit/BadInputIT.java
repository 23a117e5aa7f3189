package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
@DisplayName("Bad input gets a clear 4xx, stores nothing, and the server stays healthy")
class BadInputIT {
  @TempDir static Path home;
  static EmbeddedPoco poco;
  static Demo demo;

  @BeforeAll
  static void up() {
    poco = EmbeddedPoco.start(home, Map.of());
    demo = new Demo(poco.http);
  }

  @AfterAll
  static void down() { poco.close(); }

  private int taskCount() { return poco.http.get("/tasks?limit=1000").json().getJsonArray("tasks").size(); }

  private int projectCount() {
    return demo.cardAction("dm", null, "project.manage", null, null).json().getJsonObject("view")
        .getJsonArray("actions").size();
  }

  @Test
  @DisplayName("malformed JSON, unknown intent, unknown task, 2 MB body, missing text")
  void badInput() {
    demo.awaitDone(demo.run("c-bad", "Reply with exactly: BEFORE"), 10);
    int tasks = taskCount();
    int projects = projectCount();

    Http.Result malformed = poco.http.postRaw("/demo/command", Buffer.buffer("{\"text\": \"/run hi\""));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.str("error")).containsIgnoringCase("json");

    Http.Result notObject = poco.http.postRaw("/demo/command", Buffer.buffer("[1,2]"));
    assertThat(notObject.status()).isEqualTo(400);

    Http.Result noText = poco.http.post("/demo/command", new JsonObject().put("chat_id", "c-bad"));
    assertThat(noText.status()).isEqualTo(400);
    assertThat(noText.str("error")).contains("text");

    Http.Result unknownIntent = demo.cardAction("group", "c-bad", "project.explode", null, null);
    assertThat(unknownIntent.status()).isEqualTo(400);
    assertThat(unknownIntent.str("error")).contains("project.explode");

    Http.Result noIntent = poco.http.post("/demo/card-actions", new JsonObject().put("event", new JsonObject()));
    assertThat(noIntent.status()).isEqualTo(400);

    assertThat(poco.http.get("/tasks/t_doesnotexist").status()).isEqualTo(404);
    assertThat(poco.http.get("/tasks/t_doesnotexist").str("error")).contains("t_doesnotexist");
    assertThat(demo.approve("t_doesnotexist").status()).isEqualTo(404);
    assertThat(demo.reject("t_doesnotexist").status()).isEqualTo(404);

    byte[] big = new byte[2 * 1024 * 1024];
    java.util.Arrays.fill(big, (byte) 'a');
    String bigJson = "{\"text\":\"" + new String(big, java.nio.charset.StandardCharsets.US_ASCII) + "\"}";
    Http.Result tooBig = poco.http.postRaw("/demo/command", Buffer.buffer(bigJson));
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.json()).isNotNull();

    assertThat(taskCount()).as("nothing stored").isEqualTo(tasks);
    assertThat(projectCount()).as("no project created").isEqualTo(projects);
    Http.Result health = poco.http.get("/health");
    assertThat(health.status()).isEqualTo(200);
    assertThat(demo.awaitDone(demo.run("c-bad", "Reply with exactly: AFTER"), 10).getString("result"))
        .isEqualTo("AFTER");
  }

  @Test
  @DisplayName("/debug/env shows presence and length only, never a value")
  void debugEnvHidesValues() {
    Http.Result env = poco.http.get("/debug/env");
    assertThat(env.status()).isEqualTo(200);
    assertThat(env.raw()).doesNotContain(home.toString());
  }

  @Test
  @DisplayName("/health reports local mode, the stub agent ready and the SQLite state backend")
  void health() {
    Http.Result h = poco.http.get("/health");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.str("mode")).isEqualTo("local");
    assertThat(h.raw()).contains("sqlite").contains("stub");
  }
}
