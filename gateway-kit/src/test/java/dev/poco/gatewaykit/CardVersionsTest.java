package dev.poco.gatewaykit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.poco.contract.RenderRequest;
import dev.poco.contract.ReplyTarget;
import dev.poco.contract.View;
import org.junit.jupiter.api.Test;

class CardVersionsTest {
  static RenderRequest render(String cardKey, long version, String messageId) {
    ReplyTarget target = new ReplyTarget("feishu", "oc_1", null);
    return new RenderRequest(target, messageId, View.notice("t", "b"), "t1", "p1", false, version, cardKey);
  }

  @Test
  void aVersionNotNewerThanTheHighestShownIsStale() {
    CardVersions cards = new CardVersions();
    assertThat(cards.isStale("task:1", 5)).isFalse();
    cards.shown("task:1", 5, "om_1");
    assertThat(cards.isStale("task:1", 4)).isTrue();
    assertThat(cards.isStale("task:1", 5)).isTrue();
    assertThat(cards.isStale("task:1", 6)).isFalse();
    assertThat(cards.isStale("task:2", 1)).isFalse();
    cards.shown("task:1", 3, null); // an older ack arriving late does not lower the mark
    assertThat(cards.highestVersion("task:1")).isEqualTo(5);
    assertThat(cards.postedMessage("task:1")).isEqualTo("om_1");
  }

  @Test
  void aRepeatedPostOfACardPatchesTheMessageItPosted() {
    CardVersions cards = new CardVersions();
    RenderRequest post = render("task:9", 100, null);
    assertThat(cards.messageToPatch(post)).isNull(); // first time: post
    cards.shown(post.cardKey(), post.version(), "om_posted");
    RenderRequest retry = render("task:9", 101, null); // the ack was lost: the orchestrator posts again
    assertThat(cards.isStale(retry)).isFalse();
    assertThat(cards.messageToPatch(retry)).isEqualTo("om_posted");
    assertThat(cards.messageToPatch(render("task:9", 102, "om_bound"))).isEqualTo("om_bound");
  }

  @Test
  void theLeastRecentlyUsedCardIsForgottenBeyondTheBound() {
    CardVersions cards = new CardVersions(3);
    cards.shown("a", 1, "m_a");
    cards.shown("b", 1, "m_b");
    cards.shown("c", 1, "m_c");
    assertThat(cards.isStale("a", 1)).isTrue(); // touches a: b is now the eldest
    cards.shown("d", 1, "m_d");
    assertThat(cards.size()).isEqualTo(3);
    assertThat(cards.postedMessage("b")).isNull();
    assertThat(cards.postedMessage("a")).isEqualTo("m_a");
    assertThat(cards.highestVersion("b")).isEqualTo(-1);
  }
}
