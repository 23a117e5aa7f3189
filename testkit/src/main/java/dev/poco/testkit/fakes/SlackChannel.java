package dev.poco.testkit.fakes;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A conversation as the fake Slack holds it (slack.md §4): a public or private channel ({@code C…}), a 1:1 DM
 * ({@code D…}) or a group DM ({@code G…}). Guarded by {@link FakeSlack#LOCK}.
 */
public final class SlackChannel {
  public final String id;
  public final String name;
  public final boolean isPrivate;
  /** "channel", "im" or "mpim": the {@code channel_type} of message events (slack.md §2). */
  public final String type;
  /** User ids (the bot's user id included when the bot is in), in the order they joined. */
  final Set<String> members = new LinkedHashSet<>();
  final List<SlackMessage> messages = new ArrayList<>();
  final List<SlackMessage> ephemerals = new ArrayList<>();
  boolean archived;

  SlackChannel(String id, String name, boolean isPrivate, String type) {
    this.id = id;
    this.name = name;
    this.isPrivate = isPrivate;
    this.type = type;
  }

  public boolean isIm() { return type.equals("im"); }

  public List<String> members() {
    synchronized (FakeSlack.LOCK) { return List.copyOf(members); }
  }

  /** Every message of the channel, thread replies included, in the order they were posted; deleted ones too. */
  public List<SlackMessage> allMessages() {
    synchronized (FakeSlack.LOCK) { return List.copyOf(messages); }
  }

  /** Top-level messages a user sees in the channel (not deleted, not thread replies). */
  public List<SlackMessage> messages() {
    synchronized (FakeSlack.LOCK) {
      return messages.stream().filter(m -> !m.deleted && m.threadTs == null).toList();
    }
  }

  /** The replies in the thread of {@code parentTs} a user sees, in order. */
  public List<SlackMessage> replies(String parentTs) {
    synchronized (FakeSlack.LOCK) {
      return messages.stream().filter(m -> !m.deleted && parentTs.equals(m.threadTs)).toList();
    }
  }

  /** Ephemeral messages shown to {@code userId} only, in order. */
  public List<SlackMessage> ephemeralsFor(String userId) {
    synchronized (FakeSlack.LOCK) {
      return ephemerals.stream().filter(m -> !m.deleted && userId.equals(m.visibleTo)).toList();
    }
  }

  public boolean archived() {
    synchronized (FakeSlack.LOCK) { return archived; }
  }

  @Override
  public String toString() {
    return type + " " + id + " '" + name + "' members=" + members() + " messages=" + allMessages().size();
  }
}
