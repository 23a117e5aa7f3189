package dev.poco.testkit;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;

/** {@link FeishuUserFlows} in webhook mode: encrypted, signed HTTP posts to PoCo's edge. */
@DisplayName("Feishu user flows in webhook mode")
class FeishuWebhookFlowsIT extends FeishuUserFlows {
  @Override
  FeishuRig start(Path home) { return FeishuRig.webhook(home, FeishuWebhookIT.EK, CONFIG); }
}
