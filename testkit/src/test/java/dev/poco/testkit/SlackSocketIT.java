package dev.poco.testkit;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;

/**
 * The whole system with the Slack gateway in Socket Mode (the default) against the fake Slack: envelopes over the
 * fake's WebSocket, slash-command answers in the acks; the journeys of {@link SlackJourneys}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack over Socket Mode, end to end through the fake Slack")
class SlackSocketIT extends SlackJourneys {
  @Override
  SlackRig.Mode mode() { return SlackRig.Mode.SOCKET; }
}
