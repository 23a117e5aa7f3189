package dev.poco.testkit;

import static dev.poco.testkit.SlackRig.streams;
import static dev.poco.testkit.SlackRig.taskMessage;
import static dev.poco.testkit.SlackRig.taskMessages;
import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.ConfigKeys;
import dev.poco.testkit.fakes.FakeSlack;
import dev.poco.testkit.fakes.SlackChannel;
import dev.poco.testkit.fakes.SlackMessage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slack's Web API pushing back while a task streams, end to end (Socket Mode): 429s on chat.update and
 * chat.appendStream, and a stream that expires mid-task; the user still sees the final state and the whole output.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@DisplayName("Slack Web API faults while a task streams, end to end through the fake Slack")
class SlackFaultsIT {
  @TempDir Path home;

  @Test
  @DisplayName("429 + Retry-After on chat.update and chat.appendStream: waited out, the task message ends Done and"
      + " the thread holds the whole output; a stream expired mid-task (the fake's clock moved 6 minutes) is finished"
      + " by chat.update with its full text and the rest follows")
  void rateLimitsAndAnExpiredStream() {
    try (SlackRig rig = SlackRig.start(home, SlackRig.Mode.SOCKET, Map.of(ConfigKeys.STUB_DELTA_MS, "30"))) {
      SlackChannel ch = rig.project("sl-faults");
      rig.fake.failNext("chat.update", 2, FakeSlack.Fault.rateLimited(1));
      rig.fake.failNext("chat.appendStream", 2, FakeSlack.Fault.rateLimited(1));
      String prompt = "STREAM:200";
      String ts = rig.say(ch, prompt);
      SlackMessage done = rig.await("the task Done despite 429s", () -> taskMessage(ch, ts, "[Done]"));
      SlackRig.settle();
      assertThat(rig.fake.rateLimited("chat.update")).isGreaterThanOrEqualTo(2);
      assertThat(rig.fake.rateLimited("chat.appendStream")).isGreaterThanOrEqualTo(2);
      assertThat(taskMessages(ch, ts)).containsExactly(done);
      assertThat(streamedText(ch, ts)).as("the whole output").contains(SlackRig.lines(200).strip());

      String longer = "STREAM:300";
      String lts = rig.say(ch, longer);
      SlackMessage first = rig.await("the stream started", () -> streams(ch, lts).stream().findFirst().orElse(null));
      rig.await("some output streamed", () -> first.streamAppends() > 0 ? true : null);
      rig.fake.advance(Duration.ofMinutes(6)); // past Slack's ~5 minutes: the stream is over server-side
      rig.await("the longer task Done", () -> taskMessage(ch, lts, "[Done]"));
      SlackRig.settle();
      assertThat(first.streamState()).isEqualTo(SlackMessage.StreamState.EXPIRED);
      assertThat(rig.callsOn("chat.update", ch.id, first.ts)).as("the expired stream set by chat.update").isNotEmpty();
      List<SlackMessage> all = streams(ch, lts);
      String text = String.join("", all.stream().map(SlackMessage::text).toList());
      assertThat(text).as("the whole output across the expired stream and what followed\n" + rig.fake.dump())
          .contains(SlackRig.lines(300).strip());
    }
  }

  private static String streamedText(SlackChannel ch, String ts) {
    return String.join("", streams(ch, ts).stream().map(SlackMessage::streamedText).toList());
  }
}
