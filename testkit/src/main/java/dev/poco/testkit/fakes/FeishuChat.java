package dev.poco.testkit.fakes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** A chat as the fake Feishu holds it: a p2p chat of one user with the bot, or a group. Guarded by the fake's lock. */
public final class FeishuChat {
  public final String chatId;
  /** p2p or group (feishu.md §3 DMs). */
  public final String chatType;
  public final String name;
  public final String ownerId;
  /** open ids of users and app ids of bots, in the order they joined. */
  final Set<String> members = new LinkedHashSet<>();
  final List<FeishuMessage> messages = new ArrayList<>();
  final String uuid;
  boolean dissolved;

  FeishuChat(String chatId, String chatType, String name, String ownerId, String uuid) {
    this.chatId = chatId;
    this.chatType = chatType;
    this.name = name;
    this.ownerId = ownerId;
    this.uuid = uuid;
  }

  /** A snapshot of the member ids. */
  public List<String> members() {
    synchronized (FakeFeishu.LOCK) {
      return List.copyOf(members);
    }
  }

  /** A snapshot of the messages, in the order they were posted. */
  public List<FeishuMessage> messages() {
    synchronized (FakeFeishu.LOCK) {
      return List.copyOf(messages);
    }
  }

  public boolean dissolved() {
    synchronized (FakeFeishu.LOCK) {
      return dissolved;
    }
  }

  @Override
  public String toString() {
    return chatType + " " + chatId + " '" + name + "' members=" + members() + " messages=" + messages().size();
  }
}
