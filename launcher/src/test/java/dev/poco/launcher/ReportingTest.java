package dev.poco.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.poco.contract.ConfigKeys;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ReportingTest {
  @AfterEach
  void clear() { SecretMasking.install(new JsonObject()); }

  @Test
  @DisplayName("log messages and stack traces mask the configured secrets")
  void masksLogs() {
    SecretMasking.install(new JsonObject().put(ConfigKeys.SLACK_BOT_TOKEN, "xoxb-123-secret")
        .put(ConfigKeys.FEISHU_APP_ID, "cli_public")
        .put(ConfigKeys.FEISHU_APP_SECRET, "ab"));
    LoggerContext lc = new LoggerContext();
    LoggingEvent event = new LoggingEvent("x", lc.getLogger("t"), Level.WARN, "token {} rejected for {}",
        new IllegalStateException("bad token xoxb-123-secret"), new Object[] {"xoxb-123-secret", "cli_public"});
    MaskedMessageConverter msg = new MaskedMessageConverter();
    MaskedThrowableConverter ex = new MaskedThrowableConverter();
    ex.setContext(lc);
    ex.start();

    assertThat(msg.convert(event)).isEqualTo("token **** rejected for cli_public");
    assertThat(ex.convert(event)).contains("bad token ****").doesNotContain("xoxb-123-secret");
    assertThat(SecretMasking.mask("about ab")).as("too short to mask safely").isEqualTo("about ab");
  }

  @Test
  @DisplayName("/health reads as a summary line, the usual fields first, then the rest")
  void healthLines() {
    JsonObject runner = new JsonObject().put("runner_id", "r1").put("node_id", "n1")
        .put("backends", new JsonArray().add(new JsonObject().put("name", "codex").put("ready", true).put("version", "0.5"))
            .add(new JsonObject().put("name", "claude_code").put("ready", false)))
        .put("max_tasks", 4).put("task_ids", new JsonArray().add("t1"));
    JsonObject h = new JsonObject().put("status", "ok").put("mode", "feishu")
        .put("agent_backend", "codex").put("agent_ready", false).put("agent_detail", "codex not on PATH")
        .put("runners", new JsonArray().add(runner))
        .put("state", new JsonObject().put("backend", "sqlite").put("path", "/h/poco.db").put("schema_version", 2))
        .put("missing", new JsonArray().add("Slack is off: set A, B")).put("warnings", new JsonArray())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 8000)).put("feishu_listener_ready", false);
    HealthClient.Answer a = new HealthClient.Answer(200, h);

    assertThat(HealthReport.summary(a))
        .isEqualTo("Health: ok, mode feishu, agent codex (not ready), 1 runner, state sqlite, 1 missing");
    assertThat(HealthReport.lines(a)).containsExactly(
        "  mode: feishu",
        "  agent: codex (not ready): codex not on PATH",
        "  runners:",
        "    - r1  codex 0.5✓ (+1 not ready)  1/4 running",
        "  state: sqlite at /h/poco.db",
        "  missing:",
        "    - Slack is off: set A, B",
        "  warnings: none",
        "  http: host=127.0.0.1, port=8000");
    assertThat(a.healthy()).isTrue();
    assertThat(new HealthClient.Answer(200, h.copy().put("status", "degraded")).healthy()).isFalse();
    assertThat(HealthReport.summary(new HealthClient.Answer(502, null))).isEqualTo("Health: HTTP 502 (no JSON body)");
  }
}
