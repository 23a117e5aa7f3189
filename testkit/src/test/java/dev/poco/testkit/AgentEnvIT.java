package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
@DisplayName("An agent process never sees PoCo's secrets, and still gets what it needs")
class AgentEnvIT {
  @TempDir Path home;
  Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() { vertx.close().await(); }

  @Test
  @DisplayName("a cursor agent asked for its environment: no POCO_* or platform secret, OPENAI_API_KEY and PATH arrive")
  void cleanEnvironment() {
    Map<String, String> env = Map.of(
        "POCO_AGENT_BACKEND", "cursor_agent",
        "POCO_CURSOR_COMMAND", Fakes.install(home.resolve("bin"), "fake-cursor.mjs").toString(),
        "POCO_CURSOR_HOME", home.resolve("cursor-home").toString(),
        "POCO_FEISHU_APP_SECRET", "feishu-secret-1f2e3d",
        "POCO_SLACK_SIGNING_SECRET", "slack-signing-9a8b7c",
        "SLACK_BOT_TOKEN", "xoxb-raw-platform-token",
        "LARK_APP_SECRET", "lark-secret-5c5c5c",
        "OPENAI_API_KEY", "sk-agent-own-key");
    ChildPoco poco = ChildPoco.start(home, Ports.free(), env);
    try (Http http = new Http(vertx, poco.port)) {
      Demo demo = new Demo(http);
      for (String withheld : new String[] {"POCO_FEISHU_APP_SECRET", "POCO_SLACK_SIGNING_SECRET", "POCO_HOME",
          "POCO_AGENT_BACKEND", "SLACK_BOT_TOKEN", "LARK_APP_SECRET"}) {
        assertThat(demo.awaitDone(demo.run("c-env", "ENV:" + withheld), 15).getString("result"))
            .as(withheld).isEqualTo("env: unset");
      }
      assertThat(demo.awaitDone(demo.run("c-env", "ENV:OPENAI_API_KEY"), 15).getString("result"))
          .isEqualTo("env: sk-agent-own-key");
      assertThat(demo.awaitDone(demo.run("c-env", "ENV:PATH"), 15).getString("result"))
          .isEqualTo("env: " + System.getenv("PATH"));
    } finally {
      poco.stop();
    }
  }
}
