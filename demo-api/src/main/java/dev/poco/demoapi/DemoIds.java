package dev.poco.demoapi;

import java.util.UUID;

/** Names and fresh ids of the demo surface's chats, user and messages. */
final class DemoIds {
  static final String GROUP_CHAT = "demo";
  static final String DM_CHAT = "demo_dm";
  static final String USER = "demo_user";

  private DemoIds() {}

  /** A unique id such as "demo_msg_3f2c…": the orchestrator drops a repeated event id. */
  static String fresh(String kind) { return "demo_" + kind + "_" + UUID.randomUUID(); }
}
