package dev.poco.contract;

/** Platform names used in messages, addresses and chat bindings. */
public final class Platforms {
  private Platforms() {}

  public static final String FEISHU = "feishu";
  public static final String SLACK = "slack";
  /** The platform-free HTTP demo surface. */
  public static final String DEMO = "demo";

  /** Chat types of an inbound message. */
  public static final String CHAT_DM = "dm";
  public static final String CHAT_GROUP = "group";
}
