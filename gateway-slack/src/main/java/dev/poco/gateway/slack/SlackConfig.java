package dev.poco.gateway.slack;

import dev.poco.contract.ConfigKeys;
import dev.poco.runtime.Settings;
import java.util.Locale;

/**
 * The Slack gateway's settings. {@code toString} names which secrets are set, never their values.
 *
 * @param deliveryMode {@link #WEBHOOK} (Events API, interactivity and slash commands over signed HTTP, through the
 *     edge's /platform/slack/* routes) or {@link #SOCKET} (the default: Socket Mode, {@link SlackSocketMode}, with
 *     the app-level token)
 * @param apiBaseUrl the Web API prefix, https://slack.com/api unless a fake is used (no trailing slash)
 * @param agentSessions a task's thread is an agent session (slack.md §10.3: processing, suspended while waiting,
 *     active when done), with assistant.threads.setStatus when the app is not an agent app
 */
public record SlackConfig(String botToken, String appToken, String signingSecret, String deliveryMode,
    String apiBaseUrl, boolean agentSessions) {
  public static final String WEBHOOK = "webhook";
  public static final String SOCKET = "socket";
  public static final String DEFAULT_BASE_URL = "https://slack.com/api";

  public SlackConfig(String botToken, String appToken, String signingSecret, String deliveryMode, String apiBaseUrl) {
    this(botToken, appToken, signingSecret, deliveryMode, apiBaseUrl, false);
  }

  public static SlackConfig from(Settings s) {
    String base = s.str(ConfigKeys.SLACK_API_BASE_URL, DEFAULT_BASE_URL);
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    return new SlackConfig(s.str(ConfigKeys.SLACK_BOT_TOKEN, null), s.str(ConfigKeys.SLACK_APP_TOKEN, null),
        s.str(ConfigKeys.SLACK_SIGNING_SECRET, null),
        s.str(ConfigKeys.SLACK_DELIVERY_MODE, SOCKET).toLowerCase(Locale.ROOT), base,
        s.bool(ConfigKeys.SLACK_AGENT_SESSIONS, false));
  }

  /**
   * The gateway can work: the bot token (Web API) is set, and what its delivery mode needs: the signing secret (HTTP
   * intake) in webhook mode, the app-level {@code xapp-} token ({@code apps.connections.open}) in socket mode.
   */
  public boolean configured() { return botToken != null && (webhook() ? signingSecret != null : appToken != null); }

  public boolean webhook() { return WEBHOOK.equals(deliveryMode); }

  @Override
  public String toString() {
    return "SlackConfig[delivery_mode=" + deliveryMode + ", api=" + apiBaseUrl + ", agent_sessions=" + agentSessions
        + ", bot_token "
        + (botToken != null ? "set" : "unset") + ", app_token " + (appToken != null ? "set" : "unset")
        + ", signing_secret " + (signingSecret != null ? "set" : "unset") + "]";
  }
}
