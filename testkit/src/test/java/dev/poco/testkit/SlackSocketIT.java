package dev.poco.testkit;

import static dev.poco.testkit.SlackRig.streams;
import static dev.poco.testkit.SlackRig.taskMessage;
import static dev.poco.testkit.SlackRig.taskMessages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackMessage;
import dev.poco.testkit.fakes.SlackSocketLink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole system with the Slack gateway in Socket Mode (the default) against the fake Slack: envelopes over the
 * fake's WebSocket, slash-command answers in the acks; the journeys of {@link SlackJourneys} and the socket's faults.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack over Socket Mode, end to end through the fake Slack")
class SlackSocketIT extends SlackJourneys {
  @Override
  SlackRig.Mode mode() { return SlackRig.Mode.SOCKET; }

  @Test
  @DisplayName("an event acked late is redelivered (retry_attempt 1, same event_id): one task, one task message; then"
      + " Slack asks for a refresh (disconnect refresh_requested) mid-stream: a new socket, and the thread still holds"
      + " the whole output")
  void lateAckAndRefreshMidStream() {
    try (SlackRig rig = SlackRig.start(home, mode(), Map.of(ConfigKeys.STUB_DELTA_MS, "30"))) {
      SlackChannel ch = rig.project("sl-sock");
      SlackSocketLink socket = rig.fake.socket();
      socket.ackDeadlineMs(1); // every ack is late now: Slack delivers each event again
      socket.maxRedeliveries(1);
      String prompt = "Reply with exactly: SL-ONCE";
      String ts = rig.say(ch, prompt);
      rig.await("the task Done", () -> taskMessage(ch, ts, "[Done]"));
      String eventId = rig.await("the redelivery", () -> socket.deliveries().stream()
          .filter(d -> d.eventId() != null).collect(Collectors.groupingBy(SlackSocketLink.Delivery::eventId, Collectors.counting())).entrySet().stream()
          .filter(e -> e.getValue() >= 2).map(Map.Entry::getKey).findFirst().orElse(null));
      SlackRig.settle();
      assertThat(socket.deliveries().stream().filter(d -> eventId.equals(d.eventId())).map(
          SlackSocketLink.Delivery::retryAttempt)).containsExactly(0, 1);
      assertThat(rig.tasks(prompt)).as("a redelivered event is not a second task").hasSize(1);
      assertThat(taskMessages(ch, ts)).as("one task message\n" + rig.fake.dump()).hasSize(1);
      socket.ackDeadlineMs(3_000);

      String streamed = "STREAM:250";
      String sts = rig.say(ch, streamed);
      rig.await("the stream started", () -> streams(ch, sts).isEmpty() ? null : true);
      int opened = socket.opened();
      socket.disconnect("refresh_requested");
      rig.await("a new socket", () -> socket.opened() > opened && socket.connected() > 0 ? true : null);
      SlackMessage done = rig.await("the streamed task Done", () -> taskMessage(ch, sts, "[Done]"));
      SlackRig.settle();
      String text = String.join("", streams(ch, sts).stream().map(SlackMessage::streamedText).toList());
      assertThat(text).as("the whole output in the thread").contains(SlackRig.lines(250).strip());
      assertThat(taskMessages(ch, sts)).containsExactly(done);
      // a prompt over the new socket still runs
      String after = "Reply with exactly: SL-AFTER-REFRESH";
      String ats = rig.say(ch, after);
      rig.await("the task after the refresh Done", () -> taskMessage(ch, ats, "[Done]"));
      List<SlackSocketLink.Ack> acks = socket.acks();
      assertThat(acks).isNotEmpty();
    }
  }
}
