package dev.poco.testkit;

import static dev.poco.testkit.SlackRig.ALICE;
import static dev.poco.testkit.SlackRig.taskMessage;
import static dev.poco.testkit.SlackRig.taskMessages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackInbound;
import dev.poco.testkit.fakes.SlackPusher;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The whole system with the Slack gateway on signed HTTP (webhook mode) against the fake Slack: the fake's pusher
 * posts events, interactivity and slash commands to the edge; the journeys of {@link SlackJourneys} and HTTP's faults.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack over signed HTTP, end to end through the fake Slack")
class SlackWebhookIT extends SlackJourneys {
  @Override
  SlackRig.Mode mode() { return SlackRig.Mode.WEBHOOK; }

  @Test
  @DisplayName("Slack retries an event it thinks unanswered (X-Slack-Retry-Num 1..3, same event_id): one task, one"
      + " task message; a bad signature, a stale timestamp and malformed bodies are refused with 4xx and run nothing")
  void retriesAndRefusals() {
    try (SlackRig rig = SlackRig.start(home, mode(), Map.of())) {
      SlackChannel ch = rig.project("sl-http");
      rig.pusher.deadlineMs(1); // Slack gives up on every answer: it retries three times
      String prompt = "Reply with exactly: SL-RETRIED";
      SlackInbound in = SlackInbound.message(rig.fake, ch.id, ALICE, prompt, null);
      SlackPusher.Delivery d = rig.pusher.deliver(in);
      rig.pusher.deadlineMs(3_000);
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
