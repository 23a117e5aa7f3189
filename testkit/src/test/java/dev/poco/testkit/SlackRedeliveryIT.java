package dev.poco.testkit;

import static dev.poco.testkit.SlackRig.ALICE;
import static dev.poco.testkit.SlackRig.streams;
import static dev.poco.testkit.SlackRig.taskMessage;
import static dev.poco.testkit.SlackRig.taskMessages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackInbound;
import dev.poco.testkit.fakes.SlackMessage;
import dev.poco.testkit.fakes.SlackPusher;
import dev.poco.testkit.fakes.SlackSocketLink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack delivering twice, or not at all, end to end: a late Socket Mode ack and a refresh_requested disconnect
 * mid-stream; HTTP retries (X-Slack-Retry-Num) and requests the gateway must refuse.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack redeliveries, reconnects and refusals, end to end through the fake Slack")
class SlackRedeliveryIT {
  @TempDir Path home;

  @Test
  @DisplayName("an event acked late is redelivered (retry_attempt 1, same event_id): one task, one task message; then"
      + " Slack asks for a refresh (disconnect refresh_requested) mid-stream: a new socket, and the thread still holds"
      + " the whole output")
  void lateAckAndRefreshMidStream() {
    try (SlackRig rig = SlackRig.start(home, SlackRig.Mode.SOCKET, Map.of(ConfigKeys.STUB_DELTA_MS, "30"))) {
      SlackChannel ch = rig.project("sl-sock");
      SlackSocketLink socket = rig.fake.socket();
      socket.acksLate(true); // every ack is late now: Slack delivers each event again
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
      socket.acksLate(false);

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

  @Test
  @DisplayName("Slack retries an event it thinks unanswered (X-Slack-Retry-Num 1..3, same event_id): one task, one"
      + " task message; a bad signature, a stale timestamp and malformed bodies are refused with 4xx and run nothing")
  void retriesAndRefusals() {
    try (SlackRig rig = SlackRig.start(home, SlackRig.Mode.WEBHOOK, Map.of())) {
      SlackChannel ch = rig.project("sl-http");
      rig.pusher.answersLate(true); // Slack counts every answer as late: it retries three times
      String prompt = "Reply with exactly: SL-RETRIED";
      SlackInbound in = SlackInbound.message(rig.fake, ch.id, ALICE, prompt, null);
      SlackPusher.Delivery d = rig.pusher.deliver(in);
      rig.pusher.answersLate(false);
      assertThat(d.attempts()).extracting(SlackPusher.Attempt::retryNum).containsExactly(0, 1, 2, 3);
      rig.await("the task Done", () -> taskMessage(ch, in.messageTs(), "[Done]"));
      SlackRig.settle();
      assertThat(rig.tasks(prompt)).as("retries are not more tasks").hasSize(1);
      assertThat(taskMessages(ch, in.messageTs())).as("one task message\n" + rig.fake.dump()).hasSize(1);

      long now = System.currentTimeMillis() / 1000;
      String forged = "Reply with exactly: SL-FORGED";
      try (SlackPusher wrong = new SlackPusher(rig.platform, rig.fake, "http://127.0.0.1:"
          + rig.system.http.port(), "not-the-signing-secret")) {
        SlackPusher.Attempt bad = wrong.deliver(SlackInbound.message(rig.fake, ch.id, ALICE, forged, null)).first();
        assertThat(bad.status()).as(bad.body()).isEqualTo(401);
        SlackPusher.Attempt badClick = wrong.deliver(SlackInbound.slashCommand(rig.fake, ALICE, ch.id, "/poco",
            forged)).first();
        assertThat(badClick.status()).isEqualTo(401);
      }
      String stale = "Reply with exactly: SL-STALE";
      SlackPusher.Attempt old = rig.pusher.deliverAt(SlackInbound.message(rig.fake, ch.id, ALICE, stale, null),
          now - 600);
      assertThat(old.status()).as("ten minutes old: " + old.body()).isEqualTo(401);
      SlackPusher.Attempt unsigned = rig.pusher.post(SlackPusher.EVENTS_PATH, "{}", "application/json", -1, 0, null);
      assertThat(unsigned.status()).isEqualTo(401);
      SlackPusher.Attempt notJson = rig.pusher.post(SlackPusher.EVENTS_PATH, "{\"type\":\"event_callback\",",
          "application/json", now, 0, null);
      assertThat(notJson.status()).as(notJson.body()).isEqualTo(400);
      SlackPusher.Attempt noPayload = rig.pusher.post(SlackPusher.INTERACTIVE_PATH, "nothing=here",
          "application/x-www-form-urlencoded", now, 0, null);
      assertThat(noPayload.status()).as(noPayload.body()).isEqualTo(400);
      SlackPusher.Attempt badPayload = rig.pusher.post(SlackPusher.INTERACTIVE_PATH, "payload=%7Bnope",
          "application/x-www-form-urlencoded", now, 0, null);
      assertThat(badPayload.status()).as(badPayload.body()).isEqualTo(400);
      SlackRig.settle();
      assertThat(rig.tasks(forged)).as("a forged event runs nothing").isEmpty();
      assertThat(rig.tasks(stale)).as("a stale event runs nothing").isEmpty();
      assertThat(rig.allTasks()).hasSize(1);
    }
  }
}
