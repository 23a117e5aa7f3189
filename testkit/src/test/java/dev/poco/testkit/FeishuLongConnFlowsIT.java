package dev.poco.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

/** {@link FeishuUserFlows} over the long connection: data frames on the fake's WebSocket, answers in the acks. */
@DisplayName("Feishu user flows over the long connection")
class FeishuLongConnFlowsIT extends FeishuUserFlows {
  @Override
  FeishuRig start(Path home) { return FeishuRig.longConnection(home, CONFIG, 2); }
}
