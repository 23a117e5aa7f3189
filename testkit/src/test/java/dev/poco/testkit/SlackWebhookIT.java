package dev.poco.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;

/**
 * The whole system with the Slack gateway on signed HTTP (webhook mode) against the fake Slack: the fake's pusher
 * posts events, interactivity and slash commands to the edge; the journeys of {@link SlackJourneys}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack over signed HTTP, end to end through the fake Slack")
class SlackWebhookIT extends SlackJourneys {
  @Override
  SlackRig.Mode mode() { return SlackRig.Mode.WEBHOOK; }
}
