package dev.poco.agentrunner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AgentEnvironmentTest {
  @Test
  @DisplayName("PoCo's own and the chat platforms' variables are withheld; an agent's keys, PATH, HOME and proxies pass")
  void withheld() {
    Map<String, String> env = new HashMap<>();
    for (String k : new String[] {"POCO_FEISHU_APP_SECRET", "POCO_SLACK_BOT_TOKEN", "POCO_HTTP_TOKEN", "POCO_HOME",
        "poco_lower", "SLACK_BOT_TOKEN", "FEISHU_APP_SECRET", "LARK_APP_ID", "OPENAI_API_KEY", "ANTHROPIC_API_KEY",
        "CODEX_HOME", "PATH", "HOME", "HTTPS_PROXY", "no_proxy", "LANG", "LC_ALL"}) {
      env.put(k, "v");
    }
    AgentEnvironment.clean(env);
    assertThat(env.keySet()).containsExactlyInAnyOrder("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "CODEX_HOME", "PATH",
        "HOME", "HTTPS_PROXY", "no_proxy", "LANG", "LC_ALL");
  }
}
