package dev.poco.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.testkit.fakes.FeishuLongConnection;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;

/**
 * {@link FeishuUserFlows} over the long connection: data frames on the fake's WebSocket (each split in two), answers
 * in the acks; after the flows, every event was acked in time (a late ack would have been re-pushed).
 */
@DisplayName("Feishu user flows over the long connection")
class FeishuLongConnFlowsIT extends FeishuUserFlows {
  @Override
  FeishuRig start(Path home) { return FeishuRig.longConnection(home, CONFIG, 2); }

  @AfterAll
  void everyPushAckedInTime() {
    FeishuLongConnIT.everyPushAcked(rig);
    assertThat(rig.socket.acks()).as("no ack late").noneMatch(FeishuLongConnection.Ack::late);
    assertThat(rig.socket.pushes()).as("nothing pushed twice").allMatch(p -> p.fragments() == 2)
        .extracting(FeishuLongConnection.Push::eventId).doesNotHaveDuplicates();
  }
}
